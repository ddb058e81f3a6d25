import type { CfnTemplate } from "../support/package-template.js";
import { resourceById } from "../support/package-template.js";

/** Sample values for the pseudo-parameters CloudFormation substitutes at deploy time. */
export const samplePseudoParameters: Readonly<Record<string, string>> = {
  "AWS::Partition": "aws",
  "AWS::Region": "us-east-1",
  "AWS::AccountId": "123456789012",
  "AWS::URLSuffix": "amazonaws.com",
  "AWS::StackName": "radius-sync-ci",
};

/** What one `${name}` in the definition's Fn::Sub stands for. */
export type Substitution =
  | { readonly kind: "pseudo"; readonly name: string }
  | { readonly kind: "getAtt"; readonly logicalId: string; readonly attribute: string }
  | { readonly kind: "ref"; readonly logicalId: string };

/** A state machine's DefinitionString, split into its text and what CloudFormation fills in. */
export interface PackagedDefinition {
  /** The definition text exactly as the template holds it, placeholders included. */
  readonly text: string;
  /** Every placeholder in {@link text}, by name. */
  readonly substitutions: ReadonlyMap<string, Substitution>;
}

const placeholder = /\$\{([^}!]+)\}/g;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toSubstitution(name: string, value: unknown): Substitution {
  if (isRecord(value)) {
    const getAtt = value["Fn::GetAtt"];
    if (Array.isArray(getAtt) && typeof getAtt[0] === "string" && typeof getAtt[1] === "string") {
      return { kind: "getAtt", logicalId: getAtt[0], attribute: getAtt[1] };
    }
    if (typeof value.Ref === "string") return { kind: "ref", logicalId: value.Ref };
  }
  throw new Error(`placeholder \${${name}} maps to an unsupported value: ${JSON.stringify(value)}`);
}

/**
 * Splits a state machine's `DefinitionString` (a plain string or an `Fn::Sub`) into its text and
 * the meaning of each `${…}` placeholder: a pseudo-parameter, a `Fn::GetAtt` or a `Ref` (Fn::Sub's
 * implicit `${LogicalId}` included).
 *
 * @example
 * ```ts
 * const { substitutions } = readDefinition(template, "ReconcileStateMachine");
 * [...substitutions.values()].filter((s) => s.kind === "getAtt"); // the Lambda ARNs
 * ```
 */
export function readDefinition(template: CfnTemplate, logicalId: string): PackagedDefinition {
  const definition = resourceById(template, logicalId).Properties?.DefinitionString;
  let text: unknown = definition;
  let mapping: Record<string, unknown> = {};
  if (isRecord(definition) && "Fn::Sub" in definition) {
    const sub = definition["Fn::Sub"];
    [text, mapping] = Array.isArray(sub) ? [sub[0], isRecord(sub[1]) ? sub[1] : {}] : [sub, {}];
  }
  if (typeof text !== "string") throw new Error(`${logicalId} has no DefinitionString text`);
  const substitutions = new Map<string, Substitution>();
  for (const [, name = ""] of text.matchAll(placeholder)) {
    if (name in mapping) substitutions.set(name, toSubstitution(name, mapping[name]));
    else if (name in samplePseudoParameters) substitutions.set(name, { kind: "pseudo", name });
    else if (name in template.Resources) substitutions.set(name, { kind: "ref", logicalId: name });
    else throw new Error(`placeholder \${${name}} in ${logicalId} names nothing in the template`);
  }
  return { text, substitutions };
}

function sampleValue(template: CfnTemplate, substitution: Substitution): string {
  const [region, account] = [samplePseudoParameters["AWS::Region"], samplePseudoParameters["AWS::AccountId"]];
  switch (substitution.kind) {
    case "pseudo":
      return samplePseudoParameters[substitution.name] ?? "";
    case "ref":
      return `radius-sync-ci-${substitution.logicalId}`;
    case "getAtt": {
      const resource = resourceById(template, substitution.logicalId);
      if (resource.Type === "AWS::Lambda::Function" && substitution.attribute === "Arn") {
        const name = resource.Properties?.FunctionName;
        return `arn:aws:lambda:${region}:${account}:function:${String(name)}`;
      }
      const service = resource.Type.split("::")[1]?.toLowerCase() ?? "unknown";
      return `arn:aws:${service}:${region}:${account}:${substitution.logicalId}`;
    }
  }
}

/**
 * The definition as Step Functions would receive it, with sample values in place of every
 * placeholder (Lambda ARNs built from each function's FunctionName).
 *
 * @example
 * ```ts
 * const asl = sampleDefinition(template, "ReconcileStateMachine");
 * asl.StartAt; // "ValidateInput"
 * ```
 */
export function sampleDefinition(template: CfnTemplate, logicalId: string): Record<string, unknown> {
  const { text, substitutions } = readDefinition(template, logicalId);
  const resolved = text.replace(placeholder, (_match, name: string) => {
    const substitution = substitutions.get(name);
    if (substitution === undefined) throw new Error(`unresolved placeholder \${${name}}`);
    // Values are spliced into JSON string literals, so they are escaped as JSON would.
    return JSON.stringify(sampleValue(template, substitution)).slice(1, -1);
  });
  const parsed: unknown = JSON.parse(resolved);
  if (!isRecord(parsed)) throw new Error(`${logicalId}'s definition is not a JSON object`);
  return parsed;
}

/** One Task state found anywhere in a definition (Map iterators and Parallel branches included). */
export interface TaskState {
  readonly name: string;
  readonly state: Record<string, unknown>;
}

/**
 * Every Task state of a parsed definition, however deeply nested.
 *
 * @example
 * ```ts
 * taskStates(JSON.parse(text)).map((task) => task.name); // ["ValidateInput", "DiscoverDirectories", …]
 * ```
 */
export function taskStates(definition: Record<string, unknown>): TaskState[] {
  const found: TaskState[] = [];
  const states = isRecord(definition.States) ? definition.States : {};
  for (const [name, state] of Object.entries(states)) {
    if (!isRecord(state)) continue;
    if (state.Type === "Task") found.push({ name, state });
    for (const nested of [state.Iterator, state.ItemProcessor]) {
      if (isRecord(nested)) found.push(...taskStates(nested));
    }
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isRecord(branch)) found.push(...taskStates(branch));
    }
  }
  return found;
}
