import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  asList,
  roleOf,
  runtimeGrants,
  statementsOf,
  type TemplateStatement,
} from "../support/iam/template-roles.js";
import type { CfnTemplate } from "../support/package-template.js";
import { packageService, resourceById, resourcesOfType } from "../support/package-template.js";
import { repositoryRoot } from "../support/paths.js";

const arn = (service: string, resource: string) =>
  `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

/** The one secret radius-sync manages; `-??????` is the random suffix Secrets Manager appends. */
const SECRET = arn("secretsmanager", "secret:radius-sync/shared-secret-??????");
/** The ARN IAM evaluates when DescribeSecret names the secret before it exists (no suffix). */
const SECRET_BY_NAME = arn("secretsmanager", "secret:radius-sync/shared-secret");
/** The records of last outcomes; the lock items are not among them. */
const RECORD_KEYS = ["directory#*", "nps#*", "rotation#last"];
const DIRECTORIES = arn("ds", "directory/*");
const SECURITY_GROUPS = arn("ec2", "security-group/*");
const TABLE = "StateTable.Arn";
/** The member role of every target (any account: the targets are a deploy-time list), stage ci. */
const MEMBER_ROLE = `arn:\${AWS::Partition}:iam::*:role/radius-sync-ci-member`;
const ANY = "*";

/** The lock items' keys, as shared/aws/lock.ts writes them. */
const LOCK_KEYS = ["lock#mutation", "lock#queue"];

/** A resource granted only under a condition, in the form {@link permissionsOf} reports it. */
const when = (resource: string, condition: object) => `${resource} when ${JSON.stringify(condition)}`;
const onlyKeys = (keys: string[]) => ({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": keys } });
const onlyKeysLike = (patterns: string[]) => ({
  "ForAllValues:StringLike": { "dynamodb:LeadingKeys": patterns },
});

/**
 * Actions allowed on Resource "*", each because AWS offers no resource-level permission for it
 * (Service Authorization Reference: the action lists no resource type).
 */
const wildcardReasons: Readonly<Record<string, string>> = {
  "workspaces:DescribeWorkspaceDirectories": "a list call; no resource type",
  "ds:DescribeDirectories": "a list call; no resource type",
  "ec2:DescribeSecurityGroups": "EC2 Describe* calls support no resource-level permissions",
  "ec2:DescribeInstances": "EC2 Describe* calls support no resource-level permissions",
  "ssm:DescribeInstanceInformation": "a list call; no resource type",
  "ssm:GetCommandInvocation": "no resource type",
  "ssm:CancelCommand": "no resource type (as SendCommand's invocations are read: by command id)",
  "ssm:ListCommandInvocations": "a list call; no resource type",
  "ssm:ListCommands": "a list call; no resource type",
  "secretsmanager:GetRandomPassword": "generates a string; touches no resource",
  "xray:PutTraceSegments": "X-Ray has no resource-level permissions",
  "xray:PutTelemetryRecords": "X-Ray has no resource-level permissions",
  "xray:GetSamplingRules": "X-Ray has no resource-level permissions (state machine tracing)",
  "xray:GetSamplingTargets": "X-Ray has no resource-level permissions (state machine tracing)",
  // The state machine role's log delivery: CloudWatch Logs vended-log APIs accept only "*".
  "logs:CreateLogDelivery": "vended-log delivery API; only *",
  "logs:GetLogDelivery": "vended-log delivery API; only *",
  "logs:UpdateLogDelivery": "vended-log delivery API; only *",
  "logs:DeleteLogDelivery": "vended-log delivery API; only *",
  "logs:ListLogDeliveries": "vended-log delivery API; only *",
  "logs:PutResourcePolicy": "account-level log resource policy; only *",
  "logs:DescribeResourcePolicies": "account-level list call; only *",
  "logs:DescribeLogGroups": "a list call; only *",
};

/** Every role gets these: its own log group, and X-Ray for Powertools Tracer. */
const baseline = (functionName: string): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(runtimeGrants(functionName)).map(([action, resource]) => [action, [resource]]),
  );

/** Per function key: every action its role allows, and on which resources (besides the baseline). */
const expectedPermissions: Readonly<Record<string, Record<string, string[]>>> = {
  acquireLock: {
    "dynamodb:PutItem": [when(TABLE, onlyKeys(LOCK_KEYS))],
    "dynamodb:DeleteItem": [when(TABLE, onlyKeys(LOCK_KEYS))],
  },
  releaseLock: {
    "dynamodb:DeleteItem": [when(TABLE, onlyKeys(LOCK_KEYS))],
    "events:PutEvents": [arn("events", "event-bus/default")],
  },
  validateInput: {},
  discover: {
    "sts:AssumeRole": [MEMBER_ROLE],
    "workspaces:DescribeWorkspaceDirectories": [ANY],
    "ds:DescribeDirectories": [ANY],
    "ds:ListTagsForResource": [DIRECTORIES],
    "ec2:DescribeInstances": [ANY],
    "ec2:DescribeSecurityGroups": [ANY],
    "ssm:DescribeInstanceInformation": [ANY],
    "secretsmanager:DescribeSecret": [SECRET, SECRET_BY_NAME],
    "secretsmanager:ListSecretVersionIds": [SECRET],
    "dynamodb:BatchGetItem": [when(TABLE, onlyKeysLike(RECORD_KEYS))],
    // A dry run's plan too large for the state (shared/aws/plan-store.ts), and nothing else.
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["plan#*"]))],
  },
  ensureSecret: {
    "secretsmanager:CreateSecret": [SECRET],
    "secretsmanager:TagResource": [SECRET],
    "secretsmanager:DescribeSecret": [SECRET],
    "secretsmanager:GetRandomPassword": [ANY],
  },
  applySecurityGroupRules: {
    "sts:AssumeRole": [MEMBER_ROLE],
    "ec2:AuthorizeSecurityGroupIngress": [SECURITY_GROUPS],
    "ec2:RevokeSecurityGroupIngress": [SECURITY_GROUPS],
  },
  sendNpsCommand: {
    "ssm:SendCommand": [
      arn("ssm", `document/\${NpsSyncDocument}`),
      arn("ec2", "instance/*"),
      arn("ssm", "managed-instance/*"),
    ],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["nps#*"]))],
    "ssm:ListCommands": [ANY],
  },
  checkNpsCommand: {
    "ssm:ListCommandInvocations": [ANY],
    "ssm:GetCommandInvocation": [ANY],
    // Stops what a phase gives up on (shared/steps/nps-phase.ts).
    "ssm:CancelCommand": [ANY],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["nps#*"]))],
    "secretsmanager:GetSecretValue": [SECRET],
  },
  // The read-only health check (issue 20): its own document, its own records, and the reconcile it starts.
  sendNpsHealthCheck: {
    "ssm:DescribeInstanceInformation": [ANY],
    "ssm:SendCommand": [
      arn("ssm", `document/\${NpsHealthDocument}`),
      arn("ec2", "instance/*"),
      arn("ssm", "managed-instance/*"),
    ],
    "dynamodb:GetItem": [when(TABLE, onlyKeysLike(["health#*"]))],
  },
  checkNpsHealth: {
    "ssm:ListCommandInvocations": [ANY],
    "ssm:GetCommandInvocation": [ANY],
    "ssm:CancelCommand": [ANY],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["health#*"]))],
    "states:StartExecution": ["Ref:ReconcileStateMachine"],
  },
  updateDirectoryRadius: {
    "sts:AssumeRole": [MEMBER_ROLE],
    "ds:EnableRadius": [DIRECTORIES],
    "ds:UpdateRadius": [DIRECTORIES],
    "secretsmanager:GetSecretValue": [SECRET],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["directory#*"]))],
  },
  checkRadiusStatus: {
    "sts:AssumeRole": [MEMBER_ROLE],
    "ds:DescribeDirectories": [ANY],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["directory#*"]))],
  },
  startRotation: {
    "secretsmanager:DescribeSecret": [SECRET],
    "secretsmanager:GetRandomPassword": [ANY],
    "secretsmanager:PutSecretValue": [SECRET],
    "secretsmanager:UpdateSecretVersionStage": [SECRET],
  },
  finishRotation: {
    "secretsmanager:DescribeSecret": [SECRET],
    "secretsmanager:UpdateSecretVersionStage": [SECRET],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["rotation#last"]))],
  },
  planRollback: {
    "secretsmanager:DescribeSecret": [SECRET],
    "secretsmanager:ListSecretVersionIds": [SECRET],
  },
  cancelRotation: {
    "secretsmanager:DescribeSecret": [SECRET],
    "secretsmanager:UpdateSecretVersionStage": [SECRET],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["rotation#last"]))],
  },
  explainRollbackFailure: {
    "sts:AssumeRole": [MEMBER_ROLE],
    "ds:DescribeDirectories": [ANY],
    "secretsmanager:DescribeSecret": [SECRET, SECRET_BY_NAME],
    "secretsmanager:ListSecretVersionIds": [SECRET],
    "dynamodb:BatchGetItem": [when(TABLE, onlyKeysLike(RECORD_KEYS))],
    "dynamodb:PutItem": [when(TABLE, onlyKeysLike(["rotation#last"]))],
  },
};

/** A Resource entry as comparable text: "*", the Fn::Sub pattern, or "LogicalId.Attribute". */
function describeResource(resource: unknown): string {
  if (typeof resource === "string") return resource;
  const value = resource as { "Fn::Sub"?: unknown; "Fn::GetAtt"?: string[]; Ref?: string };
  if (typeof value["Fn::Sub"] === "string") return value["Fn::Sub"];
  if (value["Fn::GetAtt"]) return value["Fn::GetAtt"].join(".");
  if (value.Ref) return `Ref:${value.Ref}`;
  return JSON.stringify(resource);
}

/** action → sorted resources (each with its statement's condition), merged over a role's statements. */
function permissionsOf(statements: TemplateStatement[]): Record<string, string[]> {
  const permissions: Record<string, string[]> = {};
  for (const statement of statements) {
    const resources = asList(statement.Resource).map((resource) =>
      statement.Condition === undefined
        ? describeResource(resource)
        : when(describeResource(resource), statement.Condition),
    );
    for (const action of asList(statement.Action)) {
      permissions[action] = [...(permissions[action] ?? []), ...resources].sort();
    }
  }
  return permissions;
}

describe("IAM in the packaged template", () => {
  let template: CfnTemplate;

  beforeAll(async () => {
    ({ template } = await packageService());
  });

  it("gives each function a role of its own", () => {
    const roles = Object.keys(expectedPermissions).map((key) => roleOf(template, key));

    expect(new Set(roles).size).toBe(roles.length);
    for (const role of roles) expect(resourceById(template, role).Type).toBe("AWS::IAM::Role");
  });

  it.each(Object.entries(expectedPermissions))("lets %s do exactly its job and no more", (key, expected) => {
    const statements = statementsOf(template, roleOf(template, key));
    const sortedExpected = Object.fromEntries(
      Object.entries({ ...baseline(key), ...expected }).map(([action, resources]) => [
        action,
        [...resources].sort(),
      ]),
    );

    expect(permissionsOf(statements)).toEqual(sortedExpected);
    for (const statement of statements) {
      expect(statement).toMatchObject({ Effect: "Allow" });
      expect(statement).not.toHaveProperty("NotAction");
      expect(statement).not.toHaveProperty("NotResource");
    }
  });

  it("uses no wildcard action, and Resource * only where AWS allows nothing narrower", () => {
    for (const [roleId] of resourcesOfType(template, "AWS::IAM::Role")) {
      const permissions = permissionsOf(statementsOf(template, roleId));
      for (const [action, resources] of Object.entries(permissions)) {
        expect(action).not.toContain("*");
        if (resources.includes(ANY)) expect(wildcardReasons, action).toHaveProperty([action]);
      }
    }
  });

  it("lets the state machine invoke this service's functions only", () => {
    const invoke = statementsOf(template, "ReconcileStateMachineRole").filter((statement) =>
      asList(statement.Action).includes("lambda:InvokeFunction"),
    );
    const functions = new Set(resourcesOfType(template, "AWS::Lambda::Function").map(([id]) => id));

    const targets = invoke.flatMap((statement) => asList(statement.Resource));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const text = JSON.stringify(target);
      expect(text).not.toBe('"*"');
      expect(
        [...functions].some((id) => text.includes(`"${id}"`)),
        text,
      ).toBe(true);
    }
  });

  it("scopes DynamoDB writes to the item keys the code writes", async () => {
    const lockSource = await readFile(join(repositoryRoot, "shared/aws/lock.ts"), "utf8");
    const tableSource = await readFile(join(repositoryRoot, "shared/aws/state-table.ts"), "utf8");

    // The IAM conditions repeat the code's keys; these catch a key renamed on one side only.
    expect([...new Set([...lockSource.matchAll(/"(lock#[a-z-]+)"/g)].map(([, key]) => key))].sort()).toEqual(
      LOCK_KEYS,
    );
    expect([...tableSource.matchAll(/`([a-z]+)#\$\{/g)].map(([, prefix]) => prefix).sort()).toEqual([
      "directory",
      "nps",
    ]);
  });

  it("lets only the two functions that need the secret's value read it", () => {
    const readers = Object.keys(expectedPermissions).filter((key) =>
      statementsOf(template, roleOf(template, key)).some((statement) =>
        asList(statement.Action).includes("secretsmanager:GetSecretValue"),
      ),
    );

    expect(readers.sort()).toEqual(["checkNpsCommand", "updateDirectoryRadius"]);
  });

  it("lets the rules' roles start the two state machines and nothing else", () => {
    const rules = resourcesOfType(template, "AWS::Events::Rule");
    const roles = new Set(
      rules.flatMap(([, rule]) =>
        asList(rule.Properties?.Targets as Array<{ RoleArn?: { "Fn::GetAtt": string[] } }>)
          .map((target) => target.RoleArn?.["Fn::GetAtt"][0])
          .filter((role): role is string => role !== undefined),
      ),
    );

    // The directory-change rule and the three schedules share one role; the failure rule needs none.
    expect(roles.size).toBe(1);
    for (const role of roles) {
      const trust = resourceById(template, role).Properties?.AssumeRolePolicyDocument;
      expect(trust, role).toEqual({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
      expect(permissionsOf(statementsOf(template, role)), role).toEqual({
        "states:StartExecution": ["Ref:HealthStateMachine", "Ref:ReconcileStateMachine"],
      });
    }
  });

  it("does not deploy the framework's shared Lambda role, which no function uses", () => {
    const used = new Set(Object.keys(expectedPermissions).map((key) => roleOf(template, key)));
    const roleNames = resourcesOfType(template, "AWS::IAM::Role").map(([, role]) =>
      JSON.stringify(role.Properties?.RoleName ?? ""),
    );

    expect(used).not.toContain("IamRoleLambdaExecution");
    expect(template.Resources).not.toHaveProperty("IamRoleLambdaExecution");
    // Its name would have been <service>-<stage>-<region>-lambdaRole (each function's adds its key).
    const defaultRoleName = {
      "Fn::Join": ["-", ["radius-sync", "ci", { Ref: "AWS::Region" }, "lambdaRole"]],
    };
    expect(roleNames).not.toContain(JSON.stringify(defaultRoleName));
    expect(roleNames.filter((name) => name.includes("lambdaRole"))).toHaveLength(17);
  });
});
