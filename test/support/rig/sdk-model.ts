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
  getMergedTraits(): { xmlName?: string; ec2QueryName?: string; xmlFlattened?: unknown };
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

/**
 * The message member of an error shape as the service model spells it (`Message` for Directory
 * Service and most of SSM, `message` for WorkSpaces, DynamoDB, Step Functions …). Errors the model
 * does not list (`ValidationException`, `ThrottlingException`) come from AWS's common error set,
 * which uses `message`.
 *
 * @example
 * ```ts
 * errorMessageMember("ds", "EntityAlreadyExistsException"); // "Message"
 * ```
 */
export function errorMessageMember(service: string, code: string): "Message" | "message" {
  const sdk = sdkOf(service);
  const errorSchema = sdk?.exports[`${code}$`];
  if (!sdk || !Array.isArray(errorSchema)) return "message";
  const schema = sdk.schema.NormalizedSchema.of(errorSchema);
  for (const [member] of schema.structIterator()) if (member === "Message") return "Message";
  return "message";
}
