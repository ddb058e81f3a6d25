/**
 * Turns a request body back into the input its caller gave the SDK, by the SDK's own model
 * ({@link inputSchemaOf}): awsJson timestamps (epoch seconds) become Dates and blobs bytes; query and
 * EC2 form fields (`IpPermissions.1.IpRanges.1.CidrIp`, `TagSpecification.1.Tag.1.Key`) become the
 * nested members the SDK names (`IpPermissions[0].IpRanges[0].CidrIp`, `TagSpecifications[0].Tags`).
 * Without a model (a service whose SDK is not installed) the wire form is kept as parsed.
 */
import { inputSchemaOf, type ShapeSchema } from "./sdk-model.js";

type Json = Record<string, unknown>;

function toDate(value: unknown): unknown {
  if (typeof value === "number") return new Date(value * 1000);
  if (typeof value === "string") {
    const asNumber = Number(value);
    return new Date(Number.isFinite(asNumber) && value.trim() !== "" ? asNumber * 1000 : value);
  }
  return value;
}

function fromJson(schema: ShapeSchema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (schema.isTimestampSchema()) return toDate(value);
  if (schema.isBlobSchema()) return typeof value === "string" ? Buffer.from(value, "base64") : value;
  if (schema.isListSchema() && Array.isArray(value)) {
    const member = schema.getValueSchema();
    return value.map((item) => fromJson(member, item));
  }
  if (schema.isMapSchema() && typeof value === "object") {
    const member = schema.getValueSchema();
    return Object.fromEntries(
      Object.entries(value as Json).map(([key, item]) => [key, fromJson(member, item)]),
    );
  }
  if (schema.isStructSchema() && typeof value === "object") {
    const out: Json = { ...(value as Json) };
    for (const [name, member] of schema.structIterator()) {
      if (name in out) out[name] = fromJson(member, out[name]);
    }
    return out;
  }
  return value;
}

/** Form fields as a tree: `A.1.B=x` → `{ A: { 1: { B: "x" } } }`. */
interface FormTree {
  [key: string]: FormTree | string;
}

function formTree(fields: URLSearchParams): FormTree {
  const root: FormTree = {};
  for (const [key, value] of fields) {
    const parts = key.split(".");
    let node = root;
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1) {
        node[part] = value;
      } else {
        const next = node[part];
        node[part] = typeof next === "object" ? next : {};
        node = node[part] as FormTree;
      }
    }
  }
  return root;
}

/** The numbered children of a list or map node, in order. */
function numbered(node: FormTree | string | undefined): Array<FormTree | string> {
  if (node === undefined || typeof node === "string") return [];
  return Object.keys(node)
    .filter((key) => /^\d+$/.test(key))
    .sort((left, right) => Number(left) - Number(right))
    .map((key) => node[key] as FormTree | string);
}

/** How the query serialisers name a member: EC2 prefers `ec2QueryName` and capitalises struct keys. */
function queryKey(name: string, schema: ShapeSchema, ec2: boolean, capitalise: boolean): string {
  const { ec2QueryName, xmlName } = schema.getMergedTraits();
  if (ec2 && ec2QueryName) return ec2QueryName;
  const key = xmlName ?? name;
  return capitalise ? key.charAt(0).toUpperCase() + key.slice(1) : key;
}

function fromForm(schema: ShapeSchema, node: FormTree | string | undefined, ec2: boolean): unknown {
  if (node === undefined) return undefined;
  if (schema.isListSchema()) {
    // An empty list travels as `Name=` (awsQuery only).
    if (node === "") return [];
    const member = schema.getValueSchema();
    const flat = ec2 || Boolean(schema.getMergedTraits().xmlFlattened);
    const items =
      flat || typeof node === "string"
        ? numbered(node)
        : numbered(node[queryKey("member", member, ec2, false)]);
    return items.map((item) => fromForm(member, item, ec2));
  }
  if (schema.isMapSchema() && typeof node === "object") {
    const flat = Boolean(schema.getMergedTraits().xmlFlattened);
    const keySchema = schema.getKeySchema();
    const valueSchema = schema.getValueSchema();
    const keyName = queryKey("key", keySchema, ec2, false);
    const valueName = queryKey("value", valueSchema, ec2, false);
    const entries = numbered(flat ? node : node.entry).filter((entry) => typeof entry === "object");
    return Object.fromEntries(
      entries.map((entry) => [String(entry[keyName] ?? ""), fromForm(valueSchema, entry[valueName], ec2)]),
    );
  }
  if (schema.isStructSchema() && typeof node === "object") {
    const out: Json = {};
    for (const [name, member] of schema.structIterator()) {
      const value = fromForm(member, node[queryKey(name, member, ec2, ec2)], ec2);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (typeof node !== "string") return node;
  if (schema.isBooleanSchema()) return node === "true";
  if (schema.isNumericSchema()) return Number(node);
  if (schema.isTimestampSchema()) return toDate(node);
  if (schema.isBlobSchema()) return Buffer.from(node, "base64");
  return node;
}

/**
 * The SDK input of an awsJson request body.
 *
 * @example
 * ```ts
 * jsonInput("ssm", "SendCommand", '{"InstanceIds":["i-1"]}'); // { InstanceIds: ["i-1"] }
 * ```
 */
export function jsonInput(service: string, operation: string, body: string): Json {
  const parsed = body.trim() === "" ? {} : (JSON.parse(body) as Json);
  const schema = inputSchemaOf(service, operation);
  return schema ? (fromJson(schema, parsed) as Json) : parsed;
}

/**
 * The SDK input of an awsQuery or EC2 query request (form fields, `Action` and `Version` left out).
 *
 * @example
 * ```ts
 * queryInput("ec2", "CreateTags", new URLSearchParams("Action=CreateTags&ResourceId.1=vpc-1&Tag.1.Key=a&Tag.1.Value=b"));
 * // { Resources: ["vpc-1"], Tags: [{ Key: "a", Value: "b" }] }
 * ```
 */
export function queryInput(service: string, operation: string, fields: URLSearchParams): Json {
  const tree = formTree(fields);
  delete tree.Action;
  delete tree.Version;
  const schema = inputSchemaOf(service, operation);
  return schema ? ((fromForm(schema, tree, service === "ec2") as Json | undefined) ?? {}) : tree;
}
