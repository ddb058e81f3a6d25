/**
 * AWS's Runtime Interface Client for Node.js (npm `aws-lambda-ric`, pinned): what loads a function's
 * handler, runs each invoke and reports its result or its error to the Runtime API. Its native part
 * (`rapid-client.node`: curl and aws-lambda-cpp, built by its install scripts with cmake, make, g++
 * and node-gyp) talks to the Runtime API; without it the client cannot answer an invoke.
 *
 * Only the packaged suite needs it, so it is no dependency of the project (`npm ci && npm start`
 * builds nothing native): the packaged project's global setup installs it once from the npm registry
 * into the gitignored `.cache/aws-lambda-ric/`, as `node22.ts` does for Node.js 22.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "../paths.js";

/** The client's version: 4.x declares Node.js 22 and newer, and knows the nodejs22.x runtime. */
export const runtimeInterfaceClientVersion = "4.0.2";

const cacheDirectory = join(repositoryRoot, ".cache", "aws-lambda-ric", runtimeInterfaceClientVersion);
const packageFolder = (root: string) => join(root, "node_modules", "aws-lambda-ric");
const nativeClient = (root: string) => join(packageFolder(root), "rapid-client.node");

/**
 * Installs the client with its native part when it is missing and returns its entry point
 * (`index.mjs`, the package's `bin`); a no-op on a prepared machine. The install goes to a scratch
 * folder renamed into place, so two runs at once never see half of it. Its install scripts need
 * cmake, make and g++ (`build-tools.ts` sees to them first).
 *
 * @example
 * ```ts
 * // vitest globalSetup of the packaged project
 * export function setup() { ensureRuntimeInterfaceClient(); }
 * ```
 */
export function ensureRuntimeInterfaceClient(): string {
  if (existsSync(nativeClient(cacheDirectory))) return runtimeInterfaceClientEntry();
  const scratch = `${cacheDirectory}.${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(
    npm,
    [
      "install",
      "--prefix",
      scratch,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `aws-lambda-ric@${runtimeInterfaceClientVersion}`,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (!existsSync(nativeClient(scratch))) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(
      `aws-lambda-ric@${runtimeInterfaceClientVersion} installed without its native client: its install ` +
        "scripts need cmake, make, g++ and python3 (apt-get install cmake make g++ python3)",
    );
  }
  if (!existsSync(nativeClient(cacheDirectory))) {
    rmSync(cacheDirectory, { recursive: true, force: true });
    try {
      renameSync(scratch, cacheDirectory);
    } catch (error) {
      // Another run put its install in place first: use that one.
      if (!existsSync(nativeClient(cacheDirectory))) throw error;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return runtimeInterfaceClientEntry();
}

/** Whether the client and its native part are installed in `.cache/aws-lambda-ric/`. */
export function isRuntimeInterfaceClientInstalled(): boolean {
  return existsSync(nativeClient(cacheDirectory));
}

/**
 * The client's entry point, without installing anything: fails, naming the fix, when the global
 * setup has not installed it.
 *
 * @example
 * ```ts
 * spawn(node22Binary(), [runtimeInterfaceClientEntry(), "functions/discover/handler.handler"]);
 * ```
 */
export function runtimeInterfaceClientEntry(): string {
  if (!existsSync(nativeClient(cacheDirectory))) {
    throw new Error(
      `no aws-lambda-ric with its native client in ${cacheDirectory}: the packaged project's global ` +
        "setup installs it (ensureRuntimeInterfaceClient())",
    );
  }
  return join(packageFolder(cacheDirectory), "index.mjs");
}
