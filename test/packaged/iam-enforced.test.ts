/**
 * Least privilege, dynamically: the packaged scenarios run with IAM enforcement on in moto, each
 * packaged function under STS credentials of its own role from the packaged template (moto checks
 * each call's action; `Resource` is `"*"` there), the harness and the doubles under an admin user.
 * Every call the recorder saw is then attributed to its function by access key id and evaluated
 * with resources and conditions (role-check.ts), which also covers the calls a double answers
 * before moto could check them. One role with a needed statement left out shows enforcement is live.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agree, readSecretSides } from "../support/agreement.js";
import { currentMoto } from "../support/current-moto.js";
import type { ApiCall } from "../support/doubles/api-calls.js";
import { installAccessDeniedAsAws, isAccessDenied } from "../support/iam/access-denied.js";
import {
  type EnforcedRoles,
  enforceIam,
  prepareEnforcedRoles,
  type RoleOmission,
  relaxIam,
} from "../support/iam/enforcement.js";
import { attributeCalls, secretArnsByName } from "../support/iam/recorded-calls.js";
import { type RoleChecker, roleChecker } from "../support/iam/role-check.js";
import { functionKeys } from "../support/iam/template-roles.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { runPackagedWorkflow, seededRefs } from "../support/lambda/packaged-workflow.js";
import { faults } from "../support/rig/faults.js";
import { setRigCredentials } from "../support/rig/rig-clients.js";
import type { WorkflowResult } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

const lambdas = currentLambdas();

/** The states an execution entered, in order: what a failed expectation shows to explain itself. */
const statesOf = (result: WorkflowResult) =>
  result.events
    .flatMap((event) =>
      event.type === "StateEntered" ? [(event as { state: { name: string } }).state.name] : [],
    )
    .join(" → ");
const allFunctions = functionKeys(lambdas.service.template);

/** A fault that fails the rotation's first directory change once, so the rotation rolls back. */
const failFirstRadiusUpdate = () =>
  faults.fail({ service: "ds", operation: "UpdateRadius", code: "ClientException", times: 1 });

describe("the packaged functions, each under its own role with IAM enforced", () => {
  let world: World;
  let roles: EnforcedRoles;
  let checker: RoleChecker;
  const moto = () => currentMoto().endpoint;

  /** Creates the roles (one statement left out, maybe), hands out their credentials, turns IAM on. */
  async function enforce(omit?: RoleOmission): Promise<void> {
    await relaxIam(moto());
    roles = await prepareEnforcedRoles({
      motoEndpoint: moto(),
      template: lambdas.service.template,
      functionKeys: allFunctions,
      ...(omit ? { omit } : {}),
    });
    for (const key of allFunctions) lambdas.setCredentials(key, roles.functions.get(key));
    setRigCredentials(roles.admin);
    installAccessDeniedAsAws();
    world.calls.reset();
    await enforceIam(moto());
  }

  const describeCall = (call: ApiCall) => {
    const owner = [...roles.functions].find(
      ([, credentials]) => credentials.accessKeyId === call.accessKeyId,
    );
    return `${owner?.[0] ?? call.accessKeyId}: ${call.service}:${call.operation} → ${call.status} ${call.errorCode ?? ""}`;
  };

  /** No call was refused, each came from a function, and each is allowed by its role with resources. */
  async function expectEveryCallAllowed(): Promise<Set<string>> {
    const calls = world.calls.calls;
    const keyOwners = new Map(
      [...roles.functions].map(([key, credentials]) => [credentials.accessKeyId, key]),
    );
    const { byFunction, unattributed } = attributeCalls(calls, keyOwners, await secretArnsByName());

    expect(calls.filter(isAccessDenied).map(describeCall)).toEqual([]);
    expect(unattributed.map(describeCall)).toEqual([]);
    for (const [functionKey, observed] of byFunction) {
      expect(checker.denials(functionKey, observed), functionKey).toEqual([]);
    }
    return new Set(byFunction.keys());
  }

  /** A first reconcile under enforcement, so the scenario starts from a set-up estate; its calls forgotten. */
  async function reconcileFirst(): Promise<void> {
    const first = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    world.calls.reset();
  }

  beforeAll(() => {
    checker = roleChecker(lambdas.service.template, seededRefs);
  });

  beforeEach(async () => {
    world = await prepareWorld();
  });

  afterEach(async () => {
    // Off before the next test's moto reset, which keeps the switch but forgets every user and role.
    await relaxIam(moto());
    setRigCredentials(undefined);
    for (const key of allFunctions) lambdas.setCredentials(key, undefined);
  });

  it("set up a new estate on a first run, every call allowed by the calling function's own role", async () => {
    await enforce();

    const result = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const ran = await expectEveryCallAllowed();
    expect([...ran].sort()).toEqual(
      expect.arrayContaining([
        "discover",
        "ensureSecret",
        "applySecurityGroupRules",
        "updateDirectoryRadius",
      ]),
    );
    expect(world.calls.callsTo("CreateSecret")).toHaveLength(1);
  });

  it("change nothing on a second run, every call allowed", async () => {
    await enforce();
    await reconcileFirst();

    const second = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas });

    expect(second.status, second.cause).toBe("SUCCEEDED");
    expect(second.output).toMatchObject({ changed: false });
    await expectEveryCallAllowed();
  });

  it("check NPS health (read-only), every call allowed", async () => {
    await enforce();
    await reconcileFirst();

    const result = await runPackagedWorkflow({}, { lambdas, stateMachine: "HealthStateMachine" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const ran = await expectEveryCallAllowed();
    expect([...ran].sort()).toEqual(["checkNpsHealth", "sendNpsHealthCheck"]);
  });

  it("rotate blue/green, every call allowed", async () => {
    await enforce();
    await reconcileFirst();

    const result = await runPackagedWorkflow({ mode: "rotate" }, { lambdas });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(result.output).toMatchObject({ strategy: "blue-green" });
    const ran = await expectEveryCallAllowed();
    expect([...ran]).toEqual(expect.arrayContaining(["startRotation", "finishRotation"]));
    await relaxIam(moto());
    expect(agree(await readSecretSides(world, [world.estate.directory.directoryId]))).toBe(true);
  });

  it("roll a failed rotation back and take AWSPENDING off, every call allowed", async () => {
    await enforce();
    await reconcileFirst();
    failFirstRadiusUpdate();

    const result = await runPackagedWorkflow({ mode: "rotate" }, { lambdas });

    expect(result.status).toBe("FAILED");
    expect(result.error, statesOf(result)).toBe("ClientException");
    expect(result.cause, statesOf(result)).toContain("rotation rolled back");
    const ran = await expectEveryCallAllowed();
    expect([...ran]).toEqual(expect.arrayContaining(["planRollback", "cancelRotation"]));
  });

  it("explain a rollback that failed too, every call allowed", async () => {
    await enforce();
    await reconcileFirst();
    faults.fail({ service: "ds", operation: "UpdateRadius", code: "ClientException" });

    const result = await runPackagedWorkflow({ mode: "rotate" }, { lambdas });

    expect(result.error, statesOf(result)).toBe("RollbackFailed");
    const ran = await expectEveryCallAllowed();
    expect([...ran]).toContain("explainRollbackFailure");
  });

  it("fail a rollback with AccessDeniedException, named by the execution, when cancelRotation's role lacks DescribeSecret", async () => {
    await enforce({ functionKey: "cancelRotation", action: "secretsmanager:DescribeSecret" });
    await reconcileFirst();
    failFirstRadiusUpdate();

    const result = await runPackagedWorkflow({ mode: "rotate" }, { lambdas });

    expect(result.status).toBe("FAILED");
    expect(result.error, statesOf(result)).toBe("RollbackFailed");
    expect(result.cause).toContain("AccessDeniedException");
    const refused = world.calls.calls.filter(isAccessDenied).map(describeCall);
    expect(refused).toEqual([
      expect.stringMatching(/^cancelRotation: secretsmanager:DescribeSecret → 400 AccessDeniedException/),
    ]);
  });
});
