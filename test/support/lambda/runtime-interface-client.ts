import { existsSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "../paths.js";
import { installIntoCache } from "./cached-install.js";

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
  installIntoCache({
    cacheDirectory,
    spec: `aws-lambda-ric@${runtimeInterfaceClientVersion}`,
    installed: (root) => existsSync(nativeClient(root)),
    notInstalled:
      `aws-lambda-ric@${runtimeInterfaceClientVersion} installed without its native client: its install ` +
      "scripts need cmake, make, g++ and python3 (apt-get install cmake make g++ python3)",
  });
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
