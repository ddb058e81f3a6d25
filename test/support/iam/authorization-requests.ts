/**
 * Which ARNs IAM evaluates for a call, from the resource types the Service Authorization Reference
 * gives each action (test/fixtures/iam/service-authorization.ts) and the identifiers the request
 * carries. moto evaluates `*` for every call, so this is where resource scoping is checked.
 */
import { serviceAuthorization } from "../../fixtures/iam/service-authorization.js";
import type { AuthorizationRequest } from "./policy.js";

/** One AWS call as a function made it, with what AWS answered when that matters for the ARN. */
export interface ObservedCall {
  /** The IAM action, e.g. `secretsmanager:DescribeSecret`. */
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The region the request was sent to; the environment's when absent. */
  readonly region?: string;
  /** The error AWS answered with, or the secret ARN its response named. */
  readonly outcome?: { readonly errorName?: string; readonly arn?: string };
}

/** The account and names the calls were made in. */
export interface CallEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** Each table's partition-key attribute (its KeySchema HASH), for `dynamodb:LeadingKeys`. */
  readonly partitionKeys: Readonly<Record<string, string>>;
}

type Resolver = (call: ObservedCall, environment: CallEnvironment) => AuthorizationRequest[];

/**
 * The ARN of `id` as the resource type `typeName` of `action` is formatted in the fixture (the
 * Service Authorization Reference's "Resource types" table), for `environment`'s account.
 */
function arnOf(action: string, typeName: string, environment: CallEnvironment, id: string): string {
  const type = serviceAuthorization[action]?.resourceTypes.find((candidate) => candidate.name === typeName);
  if (type === undefined) throw new Error(`${action} has no resource type ${typeName} in the fixture`);
  const values: Record<string, string> = {
    Partition: environment.partition,
    Region: environment.region,
    Account: environment.accountId,
  };
  // The one variable not in `values` is the resource's own id, e.g. ${SecretId}.
  return type.arn.replace(/\$\{([A-Za-z]+)\}/g, (_, variable: string) => values[variable] ?? id);
}

const text = (call: ObservedCall, member: string): string => {
  const value = call.input[member];
  if (typeof value !== "string" || value === "") throw new Error(`${call.action} without ${member}`);
  return value;
};

/** A complete secret ARN ends in the name, a hyphen and the six characters Secrets Manager adds. */
const isCompleteSecretArn = (id: string) =>
  /^arn:[^:]+:secretsmanager:[^:]+:\d+:secret:.+-[A-Za-z0-9]{6}$/.test(id);

/**
 * The secret ARN IAM evaluates for a SecretId. A complete ARN is itself. A name (or partial ARN) of
 * an existing secret resolves to its stored ARN, suffix included (the `-??????` pattern in the
 * Secrets Manager user guide, "Limiting access to specific secrets", relies on that). A name of a
 * secret that does not exist cannot resolve: the request is evaluated against the ARN built from
 * the name alone, `…:secret:<name>` with no suffix — the ARN AWS names in the AccessDenied message
 * and in CloudTrail for such calls (aws/aws-cdk#17792; measured in ministackorg/ministack#1737). The
 * AWS documentation does not spell this case out.
 */
function secretArn(call: ObservedCall, environment: CallEnvironment, secretId: string): string {
  if (isCompleteSecretArn(secretId)) return secretId;
  if (call.outcome?.errorName === "ResourceNotFoundException") {
    return secretId.startsWith("arn:") ? secretId : arnOf(call.action, "Secret", environment, secretId);
  }
  if (call.outcome?.arn !== undefined) return call.outcome.arn;
  throw new Error(`${call.action} on ${secretId}: the stored ARN is unknown (record the response's ARN)`);
}

const onSecret: Resolver = (call, environment) => [
  { action: call.action, resource: secretArn(call, environment, text(call, "SecretId")) },
];

/**
 * CreateSecret is evaluated against the ARN the new secret will have: its name plus the random
 * suffix (which is why `-??????` can grant it before the secret exists; the same user guide page).
 */
const createSecret: Resolver = (call, environment) => {
  const name = text(call, "Name");
  const arn = call.outcome?.arn ?? arnOf(call.action, "Secret", environment, `${name}-Ab12Cd`);
  return [{ action: call.action, resource: arn }];
};

const onDirectory =
  (member: string): Resolver =>
  (call, environment) => [
    { action: call.action, resource: arnOf(call.action, "directory", environment, text(call, member)) },
  ];

const onSecurityGroup: Resolver = (call, environment) => [
  { action: call.action, resource: arnOf(call.action, "security-group", environment, text(call, "GroupId")) },
];

/** SendCommand: the document, and each target node (`mi-…` hybrid nodes are managed-instances). */
const sendCommand: Resolver = (call, environment) => {
  if (call.input.Targets !== undefined) throw new Error("SendCommand by Targets is not modelled");
  const document = text(call, "DocumentName");
  const instanceIds = (call.input.InstanceIds ?? []) as string[];
  return [
    document.startsWith("arn:") ? document : arnOf(call.action, "document", environment, document),
    ...instanceIds.map((id) =>
      id.startsWith("mi-")
        ? arnOf(call.action, "managed-instance", environment, id)
        : arnOf(call.action, "instance", environment, id),
    ),
  ].map((resource) => ({ action: call.action, resource }));
};

type Item = Readonly<Record<string, { S?: string }>>;

function leadingKeys(tableName: string, items: readonly Item[], environment: CallEnvironment): string[] {
  return items.map((item) => {
    // A key of a table the template does not define names its one (partition) attribute itself.
    const attribute =
      environment.partitionKeys[tableName] ??
      (Object.keys(item).length === 1 ? Object.keys(item)[0] : undefined);
    const value = attribute === undefined ? undefined : item[attribute]?.S;
    if (value === undefined) throw new Error(`an item of ${tableName} without a known string partition key`);
    return value;
  });
}

const onItem =
  (member: "Item" | "Key"): Resolver =>
  (call, environment) => {
    const tableName = text(call, "TableName");
    return [
      {
        action: call.action,
        resource: arnOf(call.action, "table", environment, tableName),
        context: {
          "dynamodb:LeadingKeys": leadingKeys(tableName, [call.input[member] as Item], environment),
        },
      },
    ];
  };

const batchGetItem: Resolver = (call, environment) =>
  Object.entries(call.input.RequestItems as Record<string, { Keys: Item[] }>).map(
    ([tableName, { Keys }]) => ({
      action: call.action,
      resource: arnOf(call.action, "table", environment, tableName),
      context: { "dynamodb:LeadingKeys": leadingKeys(tableName, Keys, environment) },
    }),
  );

/** PutEvents: each entry's bus, the account's `default` bus when the entry names none. */
const putEvents: Resolver = (call, environment) =>
  (call.input.Entries as Array<{ EventBusName?: string }>).map((entry) => {
    const bus = entry.EventBusName ?? "default";
    return {
      action: call.action,
      resource: bus.startsWith("arn:") ? bus : arnOf(call.action, "event-bus", environment, bus),
    };
  });

/** The identifiers each action with a resource type takes its ARNs from. */
const resolvers: Readonly<Record<string, Resolver>> = {
  "secretsmanager:CreateSecret": createSecret,
  "secretsmanager:DescribeSecret": onSecret,
  "secretsmanager:ListSecretVersionIds": onSecret,
  "secretsmanager:GetSecretValue": onSecret,
  "secretsmanager:PutSecretValue": onSecret,
  "secretsmanager:UpdateSecretVersionStage": onSecret,
  "ds:ListTagsForResource": onDirectory("ResourceId"),
  "ds:EnableRadius": onDirectory("DirectoryId"),
  "ds:UpdateRadius": onDirectory("DirectoryId"),
  "ec2:AuthorizeSecurityGroupIngress": onSecurityGroup,
  "ec2:RevokeSecurityGroupIngress": onSecurityGroup,
  "ssm:SendCommand": sendCommand,
  "dynamodb:GetItem": onItem("Key"),
  "dynamodb:PutItem": onItem("Item"),
  "dynamodb:DeleteItem": onItem("Key"),
  "dynamodb:BatchGetItem": batchGetItem,
  "events:PutEvents": putEvents,
};

/**
 * Every (action, resource, context) IAM evaluates for one call: the call's own action on each
 * resource it names (`"*"` for an action without a resource type), plus each dependent action the
 * request's members imply (on the same resource).
 *
 * @example
 * ```ts
 * authorizationRequestsFor({ action: "secretsmanager:DescribeSecret", input: { SecretId: "app" },
 *   outcome: { errorName: "ResourceNotFoundException" } }, environment);
 * // [{ action: "secretsmanager:DescribeSecret", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app" }]
 * ```
 */
export function authorizationRequestsFor(
  call: ObservedCall,
  environment: CallEnvironment,
): AuthorizationRequest[] {
  const authorization = serviceAuthorization[call.action];
  const resolve =
    authorization?.resourceTypes.length === 0
      ? () => [{ action: call.action, resource: "*" }]
      : resolvers[call.action];
  if (authorization === undefined || resolve === undefined) {
    throw new Error(`${call.action} has no resource model: add its Service Authorization Reference entry`);
  }
  const requests: AuthorizationRequest[] = resolve(call, {
    ...environment,
    region: call.region ?? environment.region,
  });
  const implied = authorization.dependentActions.filter((dependent) =>
    dependent.when.some((member) => call.input[member] !== undefined),
  );
  return [
    ...requests,
    ...implied.flatMap((dependent) => requests.map((request) => ({ ...request, action: dependent.action }))),
  ];
}
