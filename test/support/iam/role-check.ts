import { emulatedAccount } from "../lambda/intrinsics.js";
import type { CfnTemplate } from "../package-template.js";
import { resourceById } from "../package-template.js";
import {
  authorizationRequestsFor,
  type CallEnvironment,
  type ObservedCall,
} from "./authorization-requests.js";
import { type AuthorizationRequest, isAllowed, type ResolvedStatement } from "./policy.js";
import { resolvedStatementsOf, roleOf } from "./template-roles.js";

/** One (action, resource, context) IAM evaluates for a call, and whether the role allows it. */
export interface Verdict {
  readonly request: AuthorizationRequest;
  readonly allowed: boolean;
}

/** Checks calls against the packaged roles with resources and conditions, in the emulated account. */
export interface RoleChecker {
  /** The account and table keys the ARNs are built for. */
  readonly environment: CallEnvironment;
  /** Every request `call` makes IAM evaluate, each with the verdict of `functionKey`'s role. */
  verdicts(functionKey: string, call: ObservedCall): Verdict[];
  /** `"<action> on <resource> <context>"` for each request of `calls` the role denies. */
  denials(functionKey: string, calls: readonly ObservedCall[]): string[];
}

/** The DynamoDB tables of the template, by physical name, with their partition-key attribute. */
function partitionKeys(
  template: CfnTemplate,
  refs: Readonly<Record<string, string>>,
): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [logicalId, name] of Object.entries(refs)) {
    const resource = template.Resources[logicalId];
    if (resource?.Type !== "AWS::DynamoDB::Table") continue;
    const schema = resource.Properties?.KeySchema as Array<{ AttributeName: string; KeyType: string }>;
    const hash = schema.find((key) => key.KeyType === "HASH");
    if (hash) keys[name] = hash.AttributeName;
  }
  return keys;
}

const describeRequest = (request: AuthorizationRequest) =>
  `${request.action} on ${request.resource}${request.context ? ` ${JSON.stringify(request.context)}` : ""}`;

/**
 * A {@link RoleChecker} for the packaged template, its intrinsics resolved in the emulated account
 * with `refs` as the physical names (e.g. `{ StateTable: "radius-sync-state", NpsSyncDocument: … }`).
 *
 * @example
 * ```ts
 * const roles = roleChecker(template, seededRefs);
 * roles.denials("discover", [{ action: "secretsmanager:DescribeSecret", input: { SecretId: "x" }, outcome: { errorName: "ResourceNotFoundException" } }]);
 * ```
 */
export function roleChecker(template: CfnTemplate, refs: Readonly<Record<string, string>>): RoleChecker {
  const environment: CallEnvironment = {
    partition: emulatedAccount["AWS::Partition"],
    region: emulatedAccount["AWS::Region"],
    accountId: emulatedAccount["AWS::AccountId"],
    partitionKeys: partitionKeys(template, refs),
  };
  const scope = {
    refs,
    getAtt: (logicalId: string, attribute: string) => {
      const type = resourceById(template, logicalId).Type;
      const name = refs[logicalId];
      if (type !== "AWS::DynamoDB::Table" || attribute !== "Arn" || name === undefined) return undefined;
      return `arn:${environment.partition}:dynamodb:${environment.region}:${environment.accountId}:table/${name}`;
    },
  };
  const roles = new Map<string, ResolvedStatement[]>();
  const statementsOf = (functionKey: string) => {
    let statements = roles.get(functionKey);
    if (statements === undefined) {
      statements = resolvedStatementsOf(template, roleOf(template, functionKey), scope);
      roles.set(functionKey, statements);
    }
    return statements;
  };
  const verdicts = (functionKey: string, call: ObservedCall) =>
    authorizationRequestsFor(call, environment).map((request) => ({
      request,
      allowed: isAllowed(statementsOf(functionKey), request),
    }));
  return {
    environment,
    verdicts,
    denials: (functionKey, calls) =>
      calls.flatMap((call) =>
        verdicts(functionKey, call)
          .filter((verdict) => !verdict.allowed)
          .map((verdict) => describeRequest(verdict.request)),
      ),
  };
}
