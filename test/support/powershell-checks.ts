import type { Node } from "web-tree-sitter";
import { type CmdletSignature, commonParameters } from "../fixtures/nps/cmdlet-signatures.js";
import { descendants } from "../fixtures/nps/powershell-syntax.js";

/**
 * Static checks of PowerShell that nothing here can run: every command is a function the script
 * defines, a documented cmdlet or a known native program, and every parameter it is given is one
 * that command has; and no syntax Windows PowerShell 5.1 lacks.
 */

const lower = (text: string) => text.toLowerCase();

/** The name of a command node, also behind the call operator (`& netsh.exe`). */
function nameOf(command: Node): string | undefined {
  const named = command.childForFieldName("command_name");
  if (named === null) return undefined;
  if (named.type === "command_name") return named.text;
  return descendants(named).find((node) => node.type === "command_name")?.text;
}

/** The parameters of each function the script defines, by lower-case name. */
function definedFunctions(root: Node): Map<string, Set<string>> {
  const functions = new Map<string, Set<string>>();
  for (const node of descendants(root).filter((entry) => entry.type === "function_statement")) {
    const name = node.children.find((child) => child.type === "function_name")?.text ?? "";
    const block = descendants(node).find((entry) => entry.type === "param_block");
    const parameters = block
      ? descendants(block)
          .filter((entry) => entry.type === "script_parameter")
          .map((entry) => entry.children.find((child) => child.type === "variable")?.text.slice(1) ?? "")
      : [];
    functions.set(lower(name), new Set(parameters.map(lower)));
  }
  return functions;
}

/** The keys a splatted hashtable variable gets: its `@{ … }` literal and `$name['Key'] = …` assignments. */
function splatKeys(root: Node, variable: string): string[] | undefined {
  const keys: string[] = [];
  let found = false;
  for (const node of descendants(root).filter((entry) => entry.type === "assignment_expression")) {
    const target = node.child(0)?.text ?? "";
    if (lower(target) === lower(`$${variable}`)) {
      const literal = descendants(node).find((entry) => entry.type === "hash_literal_expression");
      if (literal === undefined) continue;
      found = true;
      keys.push(
        ...descendants(literal)
          .filter((entry) => entry.type === "key_expression")
          .map((entry) => entry.text),
      );
    }
    const indexed = new RegExp(`^\\$${variable}\\['([A-Za-z]+)'\\]$`, "i").exec(target);
    if (indexed?.[1]) keys.push(indexed[1]);
  }
  return found ? keys : undefined;
}

/**
 * Every call whose command or parameter is not documented: `"<command> at line n: <why>"`.
 * `dynamicSplats` names splatted variables built at run time, with the keys they may hold.
 *
 * @example
 * ```ts
 * signatureProblems(root, cmdletSignatures, nativeCommands, { parameters: [...npsParameterNames] }); // []
 * ```
 */
export function signatureProblems(
  root: Node,
  signatures: Readonly<Record<string, CmdletSignature>>,
  natives: Readonly<Record<string, string>>,
  dynamicSplats: Readonly<Record<string, readonly string[]>> = {},
): string[] {
  const functions = definedFunctions(root);
  const cmdlets = new Map(Object.entries(signatures).map(([name, signature]) => [lower(name), signature]));
  const nativeNames = new Set(Object.keys(natives).map(lower));
  const common = new Set(commonParameters.map(lower));
  const problems: string[] = [];
  for (const command of descendants(root).filter((node) => node.type === "command")) {
    const name = nameOf(command);
    if (name === undefined) continue;
    const where = `${name} at line ${command.startPosition.row + 1}`;
    if (nativeNames.has(lower(name))) continue;
    const own = functions.get(lower(name));
    const cmdlet = cmdlets.get(lower(name));
    if (own === undefined && cmdlet === undefined) {
      problems.push(`${where}: not a function of the script nor a documented command`);
      continue;
    }
    const allowed = own ?? new Set([...(cmdlet?.parameters ?? []).map(lower), ...common]);
    const elements = command.childForFieldName("command_elements")?.children ?? [];
    const given: string[] = [];
    for (const element of elements) {
      if (element.type === "command_parameter") given.push(element.text.replace(/^-/, "").replace(/:$/, ""));
      const splat = /^@([A-Za-z]+)$/.exec(element.text);
      if (splat?.[1]) {
        const keys = dynamicSplats[splat[1]] ?? splatKeys(root, splat[1]);
        if (keys === undefined) problems.push(`${where}: splats @${splat[1]}, whose keys cannot be read`);
        else given.push(...keys);
      }
    }
    for (const parameter of given) {
      if (!allowed.has(lower(parameter))) problems.push(`${where}: no parameter -${parameter}`);
    }
  }
  return problems;
}

/**
 * Syntax PowerShell 7 has and Windows PowerShell 5.1 lacks: `&&`/`||` pipeline chains, the `??`
 * and `??=` null-coalescing operators, `?.`/`?[` null-conditional access and the `? :` ternary
 * (about_Operators, powershell-7; absent from the 5.1 page). The grammar parses the chains and
 * leaves the others as ERROR nodes; both are reported by name.
 *
 * @example
 * ```ts
 * powerShell7Syntax(await parsePowerShell("$a = $b ?? 1")); // ["?? (null-coalescing) at line 1"]
 * ```
 */
export function powerShell7Syntax(root: Node): string[] {
  const found: string[] = [];
  const leaves = descendants(root).filter((node) => node.childCount === 0);
  for (const node of descendants(root)) {
    const line = node.startPosition.row + 1;
    if (node.type === "pipeline_chain_tail")
      found.push(`${node.text.trim() || "&&/||"} (pipeline chain) at line ${line}`);
  }
  leaves.forEach((leaf, index) => {
    if (!leaf.isError && leaf.type !== "ERROR") return;
    const text = leaf.text.trim();
    const line = leaf.startPosition.row + 1;
    const next = leaves[index + 1]?.text.trim();
    if (text.startsWith("??")) found.push(`${text} (null-coalescing) at line ${line}`);
    else if (text === "?" && (next === "." || next === "["))
      found.push(`?${next} (null-conditional) at line ${line}`);
    else if (text === "?") found.push(`? : (ternary) at line ${line}`);
  });
  return found;
}
