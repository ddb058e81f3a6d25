/**
 * The member-account templates (member-role/*.yml) as CloudFormation would read them, for the tests:
 * parsed by cfn-lint's own decoder (the project virtualenv's, so short-form tags would parse too),
 * and resolved for given parameters — conditions, `Fn::If` and `AWS::NoValue` included, which
 * test/support/lambda/intrinsics.ts does not model. Anything else fails by name, so a test never
 * reads a template this resolver misunderstood.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { isAllowed, type ResolvedStatement } from "../support/iam/policy.js";
import { repositoryRoot } from "../support/paths.js";
import { virtualenvDirectory } from "../support/venv.js";

const run = promisify(execFile);

/** The two member templates, by file name under `member-role/`. */
export type MemberTemplateName = "member-role.yml" | "member-events.yml";

/** A CloudFormation template as JSON (only what the tests read is typed). */
export interface MemberTemplate {
  readonly Parameters: Record<string, { Type: string; Default?: string; AllowedPattern?: string }>;
  readonly Rules?: Record<string, { Assertions: Array<{ Assert: unknown; AssertDescription: string }> }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Resources: Record<
    string,
    { Type: string; Condition?: string; Properties: Record<string, unknown> }
  >;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/**
 * The path of a member template in the repository.
 *
 * @example
 * ```ts
 * memberTemplatePath("member-role.yml"); // "/…/member-role/member-role.yml"
 * ```
 */
export const memberTemplatePath = (name: MemberTemplateName) => join(repositoryRoot, "member-role", name);

/**
 * Reads a member template with cfn-lint's YAML decoder, failing on anything it reports.
 *
 * @example
 * ```ts
 * const template = await readMemberTemplate("member-events.yml");
 * ```
 */
export async function readMemberTemplate(name: MemberTemplateName): Promise<MemberTemplate> {
  const script = [
    "import json, sys",
    "from cfnlint.decode import decode",
    "template, matches = decode(sys.argv[1])",
    "if matches: sys.exit('\\n'.join(str(match) for match in matches))",
    "print(json.dumps(template))",
  ].join("\n");
  const { stdout } = await run(join(virtualenvDirectory, "bin", "python"), [
    "-c",
    script,
    memberTemplatePath(name),
  ]);
  return JSON.parse(stdout) as MemberTemplate;
}

/** Where a template is resolved: its parameters (lists as arrays) and the pseudo-parameters. */
export interface Deployment {
  readonly parameters: Readonly<Record<string, string | readonly string[]>>;
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
  /** `Fn::GetAtt` values as `"<logicalId>.<attribute>"`. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A template's parameters with their defaults, `overrides` on top; CommaDelimitedList as arrays. */
export function parametersOf(
  template: MemberTemplate,
  overrides: Readonly<Record<string, string>>,
): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(template.Parameters).map(([name, parameter]) => {
      const value = overrides[name] ?? parameter.Default;
      if (value === undefined) throw new Error(`parameter ${name} has no default and no value`);
      return [name, parameter.Type === "CommaDelimitedList" ? value.split(",") : value];
    }),
  );
}

const noValue = Symbol("AWS::NoValue");

function ref(name: string, deployment: Deployment): string | readonly string[] | typeof noValue {
  const pseudo: Record<string, string | typeof noValue> = {
    "AWS::AccountId": deployment.account,
    "AWS::Region": deployment.region,
    "AWS::Partition": deployment.partition ?? "aws",
    "AWS::NoValue": noValue,
  };
  const value = pseudo[name] ?? deployment.parameters[name];
  if (value === undefined) throw new Error(`cannot resolve Ref ${name}`);
  return value;
}

/**
 * Whether the named condition holds for `deployment`.
 *
 * @example
 * ```ts
 * conditionHolds(template, "HasExternalId", deployment); // true when ExternalId is set
 * ```
 */
export function conditionHolds(template: MemberTemplate, name: string, deployment: Deployment): boolean {
  const condition = template.Conditions?.[name];
  if (condition === undefined) throw new Error(`no condition ${name}`);
  return resolveTemplateValue(template, condition, deployment) === true;
}

/**
 * `value` with every intrinsic resolved for `deployment`: Ref, Fn::Sub (string form), Fn::Join,
 * Fn::Split, Fn::GetAtt (from `deployment.attributes`), Fn::If and the condition functions;
 * `AWS::NoValue` removes its key or list item.
 *
 * @example
 * ```ts
 * resolveTemplateValue(template, { "Fn::Sub": "${ServiceName}-${Stage}-" }, deployment); // "radius-sync-prod-"
 * ```
 */
export function resolveTemplateValue(
  template: MemberTemplate,
  value: unknown,
  deployment: Deployment,
): unknown {
  const resolve = (inner: unknown): unknown => resolveTemplateValue(template, inner, deployment);
  if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== noValue);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [only] = entries;
  if (
    entries.length === 1 &&
    only !== undefined &&
    (only[0] === "Ref" || only[0].startsWith("Fn::") || only[0] === "Condition")
  ) {
    const [name, argument] = only;
    const list = argument as unknown[];
    switch (name) {
      case "Ref":
        return ref(String(argument), deployment);
      case "Condition":
        return conditionHolds(template, String(argument), deployment);
      case "Fn::Sub":
        if (typeof argument !== "string") throw new Error("only the string form of Fn::Sub is modelled");
        return argument.replace(/\$\{([^}!][^}]*)\}/g, (_match, variable: string) => {
          const resolved = ref(variable, deployment);
          if (typeof resolved !== "string") throw new Error(`Fn::Sub of non-string ${variable}`);
          return resolved;
        });
      case "Fn::Join":
        return (resolve(list[1]) as unknown[]).join(String(list[0]));
      case "Fn::Split":
        return String(resolve(list[1])).split(String(list[0]));
      case "Fn::GetAtt": {
        const attribute = deployment.attributes?.[(list as string[]).join(".")];
        if (attribute === undefined)
          throw new Error(`cannot resolve Fn::GetAtt ${(list as string[]).join(".")}`);
        return attribute;
      }
      case "Fn::If":
        return resolve(conditionHolds(template, String(list[0]), deployment) ? list[1] : list[2]);
      case "Fn::Equals":
        return JSON.stringify(resolve(list[0])) === JSON.stringify(resolve(list[1]));
      case "Fn::Not":
        return resolve(list[0]) !== true;
      case "Fn::And":
        return list.every((item) => resolve(item) === true);
      case "Fn::Or":
        return list.some((item) => resolve(item) === true);
      default:
        throw new Error(`${name} is not modelled`);
    }
  }
  return Object.fromEntries(
    entries.map(([key, inner]) => [key, resolve(inner)] as const).filter(([, inner]) => inner !== noValue),
  );
}

/** A statement of a resource-based policy (a trust policy, an event bus policy), resolved. */
export type ResourcePolicyStatement = Omit<ResolvedStatement, "Resource"> & {
  readonly Resource?: ResolvedStatement["Resource"];
  readonly Principal?: { readonly AWS?: string | readonly string[] } | "*";
};

/** Who asks, as a resource-based policy sees it. */
export interface PrincipalRequest {
  /** The calling role's ARN (`aws:PrincipalArn`); its account is the principal's account. */
  readonly principalArn: string;
  /** `sts:ExternalId`, when the caller passes one. */
  readonly externalId?: string;
  /** `aws:PrincipalOrgID`, when the caller's account is in an organisation. */
  readonly organizationId?: string;
}

const accountOf = (arn: string) => arn.split(":")[4] ?? "";

/** Whether a statement's Principal names the caller: `*`, its account id or its account's root. */
function principalMatches(statement: ResourcePolicyStatement, principalArn: string): boolean {
  if (statement.Principal === "*") return true;
  const account = accountOf(principalArn);
  return [statement.Principal?.AWS ?? []]
    .flat()
    .some((principal) => principal === account || principal === `arn:aws:iam::${account}:root`);
}

/**
 * Whether a resource-based policy allows `action` on `resource` for the caller: the statements whose
 * Principal names it, evaluated with the identity-policy model (test/support/iam/policy.ts) and the
 * request's `aws:PrincipalArn`, `sts:ExternalId` and `aws:PrincipalOrgID`. A trust policy has no
 * Resource (the role is the resource): pass `"*"`.
 *
 * @example
 * ```ts
 * resourcePolicyAllows(trust, "sts:AssumeRole", "*", { principalArn: hubRole, externalId: "x" });
 * ```
 */
export function resourcePolicyAllows(
  statements: readonly ResourcePolicyStatement[],
  action: string,
  resource: string,
  request: PrincipalRequest,
): boolean {
  const context: Record<string, string[]> = { "aws:PrincipalArn": [request.principalArn] };
  if (request.externalId !== undefined) context["sts:ExternalId"] = [request.externalId];
  if (request.organizationId !== undefined) context["aws:PrincipalOrgID"] = [request.organizationId];
  const applying = statements
    .filter((statement) => principalMatches(statement, request.principalArn))
    .map(({ Principal: _principal, ...statement }) => ({
      ...statement,
      Resource: statement.Resource ?? "*",
    }));
  return isAllowed(applying, { action, resource, context });
}
