/**
 * Where an error a function reported was made, read from the error payload Lambda returns (its
 * `errorType` and `trace`, the stack as the runtime client formatted it), for the packaged suite's
 * error-name guard; not part of what Step Functions sees. Only the bundle's own code (its bundled
 * libraries included) has class names the minifier renames: errors of the AWS SDK (provided by the
 * runtime, outside the bundle), of Node itself, and of the runtime are named by their makers.
 */
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { join, sep } from "node:path";

/** Where a reported error was created: the bundle's own code, Node itself, the AWS SDK, or the runtime. */
export type ErrorOrigin = "bundle" | "builtin" | "aws-sdk" | "runtime";

/** What the runtime reports for a failed invoke (Step Functions matches `errorType`). */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

const builtinErrorNames = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
  "AggregateError",
]);

/** The real folders of the modules the runtime provides (`NODE_PATH` holds symlinks to them). */
export function providedModuleRoots(nodePath: string): string[] {
  const roots: string[] = [];
  for (const folder of nodePath.split(":").filter(Boolean)) {
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder)) {
      const names = entry.startsWith("@")
        ? readdirSync(join(folder, entry)).map((name) => join(entry, name))
        : [entry];
      for (const name of names) roots.push(realpathSync(join(folder, name)) + sep);
    }
  }
  return roots;
}

/**
 * The origin of a reported error: the runtime's and Lambda's own names (`Runtime.*`, `Sandbox.*`),
 * Node's error classes (a bundle that throws a TypeError keeps its name), an error whose first stack
 * frame lies in a runtime-provided module (the SDK's service exceptions), else the bundle. A bundle's
 * frames show source-mapped paths inside the task folder, never a provided module's real path.
 *
 * @example
 * ```ts
 * errorOriginOf({ errorType: "pe", errorMessage: "", trace: ["pe: x", "    at a (/var/task/h.cjs:1:2)"] }, roots); // "bundle"
 * ```
 */
export function errorOriginOf(payload: LambdaErrorPayload, providedRoots: readonly string[]): ErrorOrigin {
  if (/^(Runtime|Sandbox)\./.test(payload.errorType)) return "runtime";
  if (builtinErrorNames.has(payload.errorType)) return "builtin";
  const frame = payload.trace.find((line) => line.trimStart().startsWith("at "));
  if (frame !== undefined && providedRoots.some((root) => frame.includes(root))) return "aws-sdk";
  return "bundle";
}
