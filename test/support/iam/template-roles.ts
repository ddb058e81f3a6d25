import { type IntrinsicScope, resolveIntrinsics } from "../lambda/intrinsics.js";
import type { CfnTemplate } from "../package-template.js";
import { packageStage, resourceById, resourcesOfType } from "../package-template.js";
import type { ResolvedStatement } from "./policy.js";

/** A policy statement as the packaged template holds it (Resource may hold intrinsics). */
export interface TemplateStatement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

type Policies =
  | Array<{ PolicyName?: unknown; PolicyDocument: { Statement: TemplateStatement[] } }>
  | undefined;

/**
 * `value` or `[value]`; nothing for undefined.
 *
 * @example
 * ```ts
 * asList("ds:DescribeDirectories"); // ["ds:DescribeDirectories"]
 * ```
 */
export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Every inline-policy statement of a role in the template.
 *
 * @example
 * ```ts
 * statementsOf(template, "EnsureSecretIamRoleLambdaExecution");
 * ```
 */
export function statementsOf(template: CfnTemplate, roleId: string): TemplateStatement[] {
  const policies = resourceById(template, roleId).Properties?.Policies as Policies;
  return (policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
}

/** `ensureSecret` → `EnsureSecretLambdaFunction`, the logical id serverless gives a function. */
export const functionLogicalId = (key: string) =>
  `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;

/**
 * The logical id of the role a function runs as.
 *
 * @example
 * ```ts
 * roleOf(template, "ensureSecret"); // "EnsureSecretIamRoleLambdaExecution"
 * ```
 */
export function roleOf(template: CfnTemplate, functionKey: string): string {
  const role = resourceById(template, functionLogicalId(functionKey)).Properties?.Role as {
    "Fn::GetAtt"?: string[];
  };
  const roleId = role?.["Fn::GetAtt"]?.[0];
  if (roleId === undefined) throw new Error(`function ${functionKey} has no role of the template`);
  return roleId;
}

/**
 * The serverless.yml keys of every Lambda function in the template.
 *
 * @example
 * ```ts
 * functionKeys(template); // ["acquireLock", "applySecurityGroupRules", …]
 * ```
 */
export function functionKeys(template: CfnTemplate): string[] {
  return resourcesOfType(template, "AWS::Lambda::Function")
    .map(([id]) => id.replace(/LambdaFunction$/, ""))
    .map((name) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`)
    .sort();
}

/**
 * What every function role grants for the Lambda service rather than for the code: its own log
 * group (the runtime writes the function's logs with the role) and X-Ray (inherited from
 * provider.iam.role.statements: the runtime's X-Ray daemon uploads the segments Powertools Tracer
 * records when a trace is sampled; X-Ray has no resource-level permissions). Resources as the
 * template's `Fn::Sub` strings.
 *
 * @example
 * ```ts
 * runtimeGrants("discover")["logs:PutLogEvents"]; // "arn:${AWS::Partition}:logs:…:log-group:/aws/lambda/radius-sync-ci-discover:*:*"
 * ```
 */
export function runtimeGrants(functionKey: string): Readonly<Record<string, string>> {
  const logGroup = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/radius-sync-${packageStage}-${functionKey}:*:*`;
  return {
    "logs:CreateLogGroup": logGroup,
    "logs:CreateLogStream": logGroup,
    "logs:PutLogEvents": logGroup,
    "xray:PutTraceSegments": "*",
    "xray:PutTelemetryRecords": "*",
  };
}

/**
 * A role's statements with every intrinsic resolved in the emulated account (`emulatedAccount`,
 * `scope` naming the physical resources), ready for `isAllowed`.
 *
 * @example
 * ```ts
 * const statements = resolvedStatementsOf(template, roleOf(template, "discover"), {
 *   refs: { StateTable: "radius-sync-state" },
 *   getAtt: (id, attribute) => (id === "StateTable" && attribute === "Arn" ? tableArn : undefined),
 * });
 * ```
 */
export function resolvedStatementsOf(
  template: CfnTemplate,
  roleId: string,
  scope: IntrinsicScope,
): ResolvedStatement[] {
  return statementsOf(template, roleId).map((statement) => {
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      throw new Error(`${roleId}: NotAction/NotResource are not modelled`);
    }
    return resolveIntrinsics(statement, scope) as ResolvedStatement;
  });
}
