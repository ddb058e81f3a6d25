/**
 * The AWS SDK's own service models, read at run time: each `@aws-sdk/client-*` package ships its
 * operations and shapes as Smithy schemas (`<Operation>$`, `<ErrorCode>$`). The proxy uses them to
 * turn a request's wire form back into the input the caller gave its SDK (member names, lists,
 * timestamps), and to give an error body the message member AWS's model names.
 */
import { createRequire } from "node:module";

/** The part of `@smithy/core/schema`'s NormalizedSchema that the rig reads. */
export interface ShapeSchema {
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isBlobSchema(): boolean;
  isTimestampSchema(): boolean;
  isBooleanSchema(): boolean;
  isNumericSchema(): boolean;
  isDocumentSchema(): boolean;
  getValueSchema(): ShapeSchema;
  getKeySchema(): ShapeSchema;
  getMergedTraits(): {
    xmlName?: string;
    ec2QueryName?: string;
    xmlFlattened?: unknown;
    error?: "client" | "server";
    httpError?: number;
    awsQueryError?: [string, number];
  };
  structIterator(): Iterable<[string, ShapeSchema]>;
}

interface SchemaModule {
  NormalizedSchema: { of(reference: unknown): ShapeSchema };
}

/** Signing name → the SDK package of that service (the ones this project and its tests call). */
const sdkPackages: Record<string, string> = {
  ds: "@aws-sdk/client-directory-service",
  dynamodb: "@aws-sdk/client-dynamodb",
  ec2: "@aws-sdk/client-ec2",
  events: "@aws-sdk/client-eventbridge",
  iam: "@aws-sdk/client-iam",
  secretsmanager: "@aws-sdk/client-secrets-manager",
  sqs: "@aws-sdk/client-sqs",
  ssm: "@aws-sdk/client-ssm",
  states: "@aws-sdk/client-sfn",
  sts: "@aws-sdk/client-sts",
  workspaces: "@aws-sdk/client-workspaces",
};

const requireHere = createRequire(import.meta.url);
const modules = new Map<string, { exports: Record<string, unknown>; schema: SchemaModule } | null>();

/** The client package of a service with the schema module it was built against, or undefined. */
function sdkOf(service: string) {
  if (modules.has(service)) return modules.get(service) ?? undefined;
  const name = sdkPackages[service];
  let loaded: { exports: Record<string, unknown>; schema: SchemaModule } | null = null;
  if (name) {
    try {
      const entry = requireHere.resolve(name);
      // The schema helpers of the very @smithy/core copy that the client's schemas were written for.
      const schema = createRequire(entry)("@smithy/core/schema") as SchemaModule;
      loaded = { exports: requireHere(entry) as Record<string, unknown>, schema };
    } catch {
      loaded = null;
    }
  }
  modules.set(service, loaded);
  return loaded ?? undefined;
}

/**
 * The input shape of an operation as the SDK models it, or undefined when the service's SDK is not
 * installed or has no such operation.
 *
 * @example
 * ```ts
 * inputSchemaOf("ec2", "AuthorizeSecurityGroupIngress")?.isStructSchema(); // true
 * ```
 */
export function inputSchemaOf(service: string, operation: string): ShapeSchema | undefined {
  const sdk = sdkOf(service);
  const operationSchema = sdk?.exports[`${operation}$`];
  // An operation schema is [9, namespace, name, traits, input, output].
  if (!sdk || !Array.isArray(operationSchema) || operationSchema[0] !== 9) return undefined;
  return sdk.schema.NormalizedSchema.of(operationSchema[4]);
}

/** What the service model says about one error code, when it models it. */
export interface ModelledError {
  /** The message member as the model spells it (`Message` for Directory Service, `message` for WorkSpaces …). */
  messageMember: "Message" | "message";
  /** The HTTP status the model gives it (`httpError`). */
  status?: number;
  /** The status it has in the awsQuery protocol (`awsQueryError`), for IAM, STS and the like only. */
  queryStatus?: number;
  /** Whether the model calls it the caller's fault or the service's. */
  fault?: "client" | "server";
}

/**
 * The error shape of `code` in the service's model: found by name, or by its awsQuery code (IAM's
 * `ServiceFailure` is the shape `ServiceFailureException`). Undefined for errors the model does not
 * list (`ValidationException`, `ThrottlingException`): AWS's common errors, whose message member is
 * `message`.
 *
 * @example
 * ```ts
 * modelledError("ds", "EntityAlreadyExistsException"); // { messageMember: "Message", fault: "client" }
 * ```
 */
export function modelledError(service: string, code: string): ModelledError | undefined {
  const key = `${service}:${code}`;
  if (!errors.has(key)) errors.set(key, findModelledError(service, code));
  return errors.get(key);
}

const errors = new Map<string, ModelledError | undefined>();

function findModelledError(service: string, code: string): ModelledError | undefined {
  const sdk = sdkOf(service);
  if (!sdk) return undefined;
  const { NormalizedSchema } = sdk.schema;
  let schema: ShapeSchema | undefined;
  const byName = sdk.exports[`${code}$`];
  if (Array.isArray(byName)) schema = NormalizedSchema.of(byName);
  for (const [name, value] of Object.entries(sdk.exports)) {
    if (schema) break;
    if (!name.endsWith("$") || !Array.isArray(value) || value[0] !== -3) continue;
    const candidate = NormalizedSchema.of(value);
    if (candidate.getMergedTraits().awsQueryError?.[0] === code) schema = candidate;
  }
  if (!schema) return undefined;
  const traits = schema.getMergedTraits();
  let messageMember: "Message" | "message" = "message";
  for (const [member] of schema.structIterator()) if (member === "Message") messageMember = "Message";
  const status = traits.httpError;
  const queryStatus = traits.awsQueryError?.[1];
  return {
    messageMember,
    ...(status === undefined ? {} : { status }),
    ...(queryStatus === undefined ? {} : { queryStatus }),
    ...(traits.error ? { fault: traits.error } : {}),
  };
}
