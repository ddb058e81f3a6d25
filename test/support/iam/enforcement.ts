/**
 * IAM enforcement in moto (server mode), as ../shared/EMULATOR-NOTES.md "IAM" describes and as tried
 * against moto 5.2.5: `POST /moto-api/reset-auth` with `0` turns it on, `inf` off; once on, every
 * request must be signed by an IAM user's keys or STS credentials moto issued, and the action
 * (`<signing name>:<Operation>`) must be allowed. Resources and conditions are not checked by moto
 * (test/support/iam/role-check.ts checks those), so each role's `Resource` becomes `"*"` here.
 */
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { FunctionCredentials } from "../lambda/emulator.js";
import { emulatedAccount, resolveIntrinsics } from "../lambda/intrinsics.js";
import type { CfnTemplate } from "../package-template.js";
import { resourceById } from "../package-template.js";
import { asList, roleOf, type TemplateStatement } from "./template-roles.js";

/** The one statement to leave out of a role, to show that enforcement is live. */
export interface RoleOmission {
  readonly functionKey: string;
  readonly action: string;
}

/** What {@link prepareEnforcedRoles} created in moto. */
export interface EnforcedRoles {
  /** An IAM user allowed everything: for the harness and the test doubles' own calls. */
  readonly admin: FunctionCredentials;
  /** STS credentials of each function's own role, by function key. */
  readonly functions: ReadonlyMap<string, FunctionCredentials>;
}

/** Credentials moto accepts while enforcement is off (it does not check them then). */
const bootstrap = { accessKeyId: "testing", secretAccessKey: "testing" };

const client = <T>(Client: new (config: object) => T, endpoint: string, credentials: object = bootstrap) =>
  new Client({ endpoint, region: emulatedAccount["AWS::Region"], credentials, maxAttempts: 1 });

async function setEnforcement(motoEndpoint: string, value: "0" | "inf"): Promise<void> {
  const response = await fetch(`${motoEndpoint}/moto-api/reset-auth`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: value,
  });
  if (!response.ok) throw new Error(`moto reset-auth ${value} answered ${response.status}`);
}

/**
 * Turns IAM enforcement on: from now on every request needs credentials moto issued.
 *
 * @example
 * ```ts
 * await enforceIam(moto.endpoint);
 * ```
 */
export const enforceIam = (motoEndpoint: string) => setEnforcement(motoEndpoint, "0");

/**
 * Turns IAM enforcement off. Do it before any `POST /moto-api/reset`, which keeps the switch but
 * forgets every user, role and session.
 *
 * @example
 * ```ts
 * await relaxIam(moto.endpoint);
 * await moto.reset();
 * ```
 */
export const relaxIam = (motoEndpoint: string) => setEnforcement(motoEndpoint, "inf");

/** A role's inline policies as moto gets them: intrinsics resolved, Resource `"*"`, one action maybe left out. */
function policiesFor(template: CfnTemplate, roleId: string, omitted: string | undefined) {
  const policies = (resourceById(template, roleId).Properties?.Policies ?? []) as Array<{
    PolicyName: unknown;
    PolicyDocument: { Version: string; Statement: TemplateStatement[] };
  }>;
  return policies.map((policy) => {
    const statements = policy.PolicyDocument.Statement.map((statement) => ({
      ...statement,
      Action: asList(statement.Action).filter((action) => action !== omitted),
      Resource: "*",
    })).filter((statement) => statement.Action.length > 0);
    return {
      PolicyName: String(resolveIntrinsics(policy.PolicyName, { refs: {} })),
      PolicyDocument: JSON.stringify({ Version: policy.PolicyDocument.Version, Statement: statements }),
    };
  });
}

/**
 * Creates, while enforcement is off, an all-powerful IAM user for the harness and one IAM role per
 * function from the packaged template (its trust policy and inline policies, `Resource` rewritten to
 * `"*"`), and assumes each role (moto answers AssumeRole for a service-only trust policy only while
 * enforcement is off; the credentials stay valid once it is on).
 *
 * @example
 * ```ts
 * const roles = await prepareEnforcedRoles({ motoEndpoint, template, functionKeys: ["acquireLock"] });
 * lambdas.setCredentials("acquireLock", roles.functions.get("acquireLock"));
 * await enforceIam(motoEndpoint);
 * ```
 */
export async function prepareEnforcedRoles(options: {
  motoEndpoint: string;
  template: CfnTemplate;
  functionKeys: readonly string[];
  omit?: RoleOmission;
}): Promise<EnforcedRoles> {
  const { motoEndpoint, template } = options;
  const iam = client(IAMClient, motoEndpoint);
  const sts = client(STSClient, motoEndpoint);
  const adminName = "radius-sync-test-harness";
  await iam.send(new CreateUserCommand({ UserName: adminName }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: adminName,
      PolicyName: "everything",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: adminName }));
  const functions = new Map<string, FunctionCredentials>();
  for (const functionKey of options.functionKeys) {
    const roleId = roleOf(template, functionKey);
    const properties = resourceById(template, roleId).Properties ?? {};
    const roleName = String(resolveIntrinsics(properties.RoleName, { refs: {} }));
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        Path: String(properties.Path ?? "/"),
        AssumeRolePolicyDocument: JSON.stringify(properties.AssumeRolePolicyDocument),
      }),
    );
    const omitted = options.omit?.functionKey === functionKey ? options.omit.action : undefined;
    const policies = policiesFor(template, roleId, omitted);
    if (
      omitted !== undefined &&
      !policiesFor(template, roleId, undefined).some((policy) =>
        policy.PolicyDocument.includes(`"${omitted}"`),
      )
    ) {
      throw new Error(`${functionKey}'s role grants no ${omitted} to leave out`);
    }
    for (const policy of policies) {
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, ...policy }));
    }
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: functionKey }),
    );
    functions.set(functionKey, {
      accessKeyId: Credentials?.AccessKeyId ?? "",
      secretAccessKey: Credentials?.SecretAccessKey ?? "",
      sessionToken: Credentials?.SessionToken ?? "",
    });
  }
  return {
    admin: { accessKeyId: AccessKey?.AccessKeyId ?? "", secretAccessKey: AccessKey?.SecretAccessKey ?? "" },
    functions,
  };
}
