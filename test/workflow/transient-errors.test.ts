import { beforeEach, describe, expect, it } from "vitest";
import { type FaultSpec, faults, type InjectedFault } from "../support/rig/faults.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/**
 * Each transient error a service radius-sync calls documents (shared/aws/aws-errors.ts), injected
 * once on a call the run makes: the step turns it into AwsThrottled, the state machine retries the
 * step, and the run succeeds. `AWS_MAX_ATTEMPTS=1` in tests, so the SDK's own retry cannot hide it.
 */
type Fault = Pick<FaultSpec, "service" | "operation" | "code">;

const firstRunFaults: Record<string, Fault[]> = {
  "WorkSpaces and Directory Service": [
    { service: "workspaces", operation: "DescribeWorkspaceDirectories", code: "InternalServerException" },
    { service: "ds", operation: "DescribeDirectories", code: "ServiceException" },
    { service: "ds", operation: "EnableRadius", code: "ServiceException" },
  ],
  EC2: [
    { service: "ec2", operation: "DescribeSecurityGroups", code: "RequestLimitExceeded" },
    { service: "ec2", operation: "DescribeSecurityGroups", code: "InternalError" },
    { service: "ec2", operation: "AuthorizeSecurityGroupIngress", code: "Unavailable" },
  ],
  SSM: [
    { service: "ssm", operation: "DescribeInstanceInformation", code: "InternalServerError" },
    { service: "ssm", operation: "ListCommands", code: "InternalServerError" },
    { service: "ssm", operation: "SendCommand", code: "ThrottlingException" },
    { service: "ssm", operation: "GetCommandInvocation", code: "InternalServerError" },
  ],
  "Secrets Manager": [
    { service: "secretsmanager", operation: "DescribeSecret", code: "InternalServiceError" },
    { service: "secretsmanager", operation: "GetRandomPassword", code: "InternalServiceError" },
    { service: "secretsmanager", operation: "CreateSecret", code: "InternalServiceError" },
    { service: "secretsmanager", operation: "GetSecretValue", code: "InternalServiceError" },
  ],
  "DynamoDB and EventBridge": [
    { service: "dynamodb", operation: "BatchGetItem", code: "ProvisionedThroughputExceededException" },
    { service: "dynamodb", operation: "PutItem", code: "InternalServerError" },
    { service: "dynamodb", operation: "DeleteItem", code: "ThrottlingException" },
    { service: "events", operation: "PutEvents", code: "InternalException" },
  ],
};

const rotationFaults: Fault[] = [
  { service: "secretsmanager", operation: "ListSecretVersionIds", code: "InternalServiceError" },
  { service: "secretsmanager", operation: "PutSecretValue", code: "InternalServiceError" },
  { service: "secretsmanager", operation: "UpdateSecretVersionStage", code: "InternalServiceError" },
  { service: "ds", operation: "UpdateRadius", code: "ServiceException" },
  { service: "ssm", operation: "SendCommand", code: "InternalServerError" },
];

function inject(list: Fault[]): Array<{ fault: Fault; injected: InjectedFault }> {
  return list.map((fault) => ({ fault, injected: faults.fail({ ...fault, times: 1 }) }));
}

function label({ service, operation, code }: Fault): string {
  return `${service}:${String(operation)} ${code}`;
}

/** Every injected fault failed exactly one call, so each was met, retried and got past. */
function expectEachMetOnce(injected: Array<{ fault: Fault; injected: InjectedFault }>) {
  expect(injected.map(({ fault, injected: handle }) => `${label(fault)} failed ${handle.failed}`)).toEqual(
    injected.map(({ fault }) => `${label(fault)} failed 1`),
  );
}

describe("transient AWS errors are retried, and the run then succeeds", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it.each(Object.entries(firstRunFaults))("on a first-time set-up: %s", async (_group, list) => {
    // Prepare
    const injected = inject(list);

    // Act
    const result = await runWorkflow({ mode: "reconcile" });

    // Assess: the run succeeded, every fault was met once, and the recorder saw the failed attempts.
    expect(result.status, result.cause).toBe("SUCCEEDED");
    expectEachMetOnce(injected);
    // (A first run also meets errors it expects, like DescribeSecret's ResourceNotFoundException.)
    const codes = new Set(list.map((fault) => fault.code));
    const failedAttempts = world.calls.calls.filter((call) => codes.has(call.errorCode ?? ""));
    expect(
      failedAttempts.map((call) => `${call.service}:${call.operation} ${call.errorCode}`).sort(),
    ).toEqual(list.map(label).sort());
  });

  it("during a rotation: Secrets Manager's staging calls, UpdateRadius and the phase's SendCommand", async () => {
    // Prepare
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    const injected = inject(rotationFaults);

    // Act
    const result = await runWorkflow({ mode: "rotate" });

    // Assess
    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(result.output).toMatchObject({ changed: true });
    expectEachMetOnce(injected);
  });
});
