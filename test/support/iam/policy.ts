/**
 * The part of IAM's identity-policy evaluation radius-sync's roles rely on, for the checks moto
 * cannot make (it passes `*` as the resource and ignores conditions): Allow/Deny statements, `*` and
 * `?` wildcards, and the condition operators the template uses. Anything else throws, so a policy
 * this model does not understand is never reported as allowing a call.
 *
 * Rules followed (IAM User Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/):
 * - reference_policies_elements_action.html: action names are case-insensitive; `*` and `?` match.
 * - reference_policies_elements_resource.html: ARNs match case-sensitively; `*` matches any run of
 *   characters and `?` one character within a colon-separated segment; a `*` that ends a segment
 *   may match beyond the colon.
 * - reference_policies_evaluation-logic.html: an explicit Deny wins, otherwise an Allow is needed.
 * - reference_policies_multi-value-conditions.html: `ForAllValues:` holds when every request value
 *   matches some policy value (an absent key holds), `ForAnyValue:` when one does.
 */

/** A statement with every intrinsic already resolved to strings. */
export interface ResolvedStatement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** What IAM evaluates for one action on one resource. */
export interface AuthorizationRequest {
  readonly action: string;
  /** An ARN, or `"*"` for an action without a resource type. */
  readonly resource: string;
  /** Request context keys, e.g. `{ "dynamodb:LeadingKeys": ["lock#mutation"] }`. */
  readonly context?: Readonly<Record<string, readonly string[]>>;
}

const asList = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? value : [value as T]);

const escapeForRegExp = (character: string) => character.replace(/[.+^${}()|[\]\\]/g, "\\$&");

/**
 * Whether `value` matches a pattern whose `*` matches any run of characters and `?` one character
 * (actions, `StringLike`).
 *
 * @example
 * ```ts
 * matchesWildcard("secretsmanager:Describe*", "secretsmanager:describesecret", { ignoreCase: true }); // true
 * ```
 */
export function matchesWildcard(
  pattern: string,
  value: string,
  options: { ignoreCase?: boolean } = {},
): boolean {
  const source = [...pattern]
    .map((character) => (character === "*" ? ".*" : character === "?" ? "." : escapeForRegExp(character)))
    .join("");
  return new RegExp(`^${source}$`, options.ignoreCase ? "is" : "s").test(value);
}

/**
 * Whether an ARN matches a Resource pattern: `*` and `?` stay within their colon-separated segment,
 * except a `*` that ends a segment (or the pattern), which may run on past colons.
 *
 * @example
 * ```ts
 * matchesResource("arn:aws:secretsmanager:us-east-1:1:secret:app-??????", "arn:aws:secretsmanager:us-east-1:1:secret:app-AbC123"); // true
 * matchesResource("arn:aws:secretsmanager:us-east-1:1:secret:app-??????", "arn:aws:secretsmanager:us-east-1:1:secret:app"); // false
 * ```
 */
export function matchesResource(pattern: string, arn: string): boolean {
  const characters = [...pattern];
  const source = characters
    .map((character, index) => {
      if (character === "?") return "[^:]";
      if (character !== "*") return escapeForRegExp(character);
      const next = characters[index + 1];
      return next === undefined || next === ":" ? ".*" : "[^:]*";
    })
    .join("");
  return new RegExp(`^${source}$`, "s").test(arn);
}

type Matcher = (policyValue: string, requestValue: string) => boolean;

const operators: Readonly<Record<string, Matcher>> = {
  StringEquals: (policy, request) => policy === request,
  StringLike: (policy, request) => matchesWildcard(policy, request),
  ArnEquals: (policy, request) => policy === request,
  ArnLike: (policy, request) => matchesResource(policy, request),
};

function conditionHolds(
  operator: string,
  key: string,
  policyValues: readonly string[],
  context: Readonly<Record<string, readonly string[]>>,
): boolean {
  const [qualifier, base] = operator.includes(":") ? operator.split(":", 2) : [undefined, operator];
  const match = operators[base ?? ""];
  if (
    match === undefined ||
    (qualifier !== undefined && !["ForAllValues", "ForAnyValue"].includes(qualifier))
  ) {
    throw new Error(`condition operator ${operator} is not modelled`);
  }
  const requestValues = context[key];
  const matchesSome = (value: string) => policyValues.some((policyValue) => match(policyValue, value));
  if (qualifier === "ForAllValues") return (requestValues ?? []).every(matchesSome);
  if (requestValues === undefined) return false;
  if (qualifier === "ForAnyValue") return requestValues.some(matchesSome);
  if (requestValues.length !== 1)
    throw new Error(`${operator} on multi-valued ${key} needs ForAllValues/ForAnyValue`);
  return matchesSome(requestValues[0] ?? "");
}

function statementApplies(statement: ResolvedStatement, request: AuthorizationRequest): boolean {
  const actionMatches = asList(statement.Action).some((pattern) =>
    matchesWildcard(pattern, request.action, { ignoreCase: true }),
  );
  const resourceMatches = asList(statement.Resource).some((pattern) =>
    matchesResource(pattern, request.resource),
  );
  if (!actionMatches || !resourceMatches) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) =>
      conditionHolds(operator, key, asList(values), request.context ?? {}),
    ),
  );
}

/**
 * Whether identity-policy statements allow a request: no Deny applies and some Allow does.
 *
 * @example
 * ```ts
 * isAllowed(statements, { action: "dynamodb:PutItem", resource: tableArn, context: { "dynamodb:LeadingKeys": ["nps#i-1"] } });
 * ```
 */
export function isAllowed(statements: readonly ResolvedStatement[], request: AuthorizationRequest): boolean {
  const applying = statements.filter((statement) => statementApplies(statement, request));
  return !applying.some((statement) => statement.Effect === "Deny") && applying.length > 0;
}
