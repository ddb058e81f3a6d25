/**
 * The modules the `nodejs22.x` runtime provides to a function: the AWS SDK v3 (`@aws-sdk/*`) and what
 * it needs, nothing else. A folder of symlinks into the project's `node_modules`, computed from
 * package-lock.json and put on the Lambda children's `NODE_PATH`, so a bundle that forgot one of its
 * own dependencies fails here as it would in AWS. The runtime's SDK version differs from ours; the
 * set of names is what matters.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { repositoryRoot } from "../paths.js";

interface LockedPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

type LockedPackages = Record<string, LockedPackage>;

const lockFile = join(repositoryRoot, "package-lock.json");
const runtimeModulesRoot = join(repositoryRoot, ".cache", "lambda-runtime");

/** Where a dependency of the package at `from` resolves (Node's upward node_modules walk), if locked. */
function resolveLocked(packages: LockedPackages, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    const parent = base.lastIndexOf("/node_modules/");
    if (parent < 0) break;
    base = base.slice(0, parent);
  }
  const topLevel = `node_modules/${name}`;
  return packages[topLevel] !== undefined ? topLevel : undefined;
}

/**
 * The top-level package names the runtime provides: every locked `@aws-sdk/*` package and every
 * top-level package in their dependency closure (nested copies resolve through their parent).
 *
 * @example
 * ```ts
 * runtimeProvidedPackages(lock.packages).has("@smithy/core"); // true
 * runtimeProvidedPackages(lock.packages).has("zod"); // false
 * ```
 */
export function runtimeProvidedPackages(packages: LockedPackages): Set<string> {
  const roots = Object.keys(packages).filter((path) => /^node_modules\/@aws-sdk\/[^/]+$/.test(path));
  const seen = new Set<string>(roots);
  const queue = [...roots];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    const locked = packages[path] ?? {};
    const names = Object.keys({
      ...locked.dependencies,
      ...locked.optionalDependencies,
      ...locked.peerDependencies,
    });
    for (const name of names) {
      const resolved = resolveLocked(packages, path, name);
      if (resolved === undefined || seen.has(resolved)) continue;
      seen.add(resolved);
      queue.push(resolved);
    }
  }
  const topLevel = [...seen].filter((path) => path.split("node_modules/").length === 2);
  return new Set(topLevel.map((path) => path.slice("node_modules/".length)));
}

/**
 * Builds (once per package-lock) the runtime's module folder and returns it, for `NODE_PATH`.
 * Safe with several test workers: each builds a scratch copy and renames it into place.
 *
 * @example
 * ```ts
 * new ExecutionEnvironment({ …, environment: { NODE_PATH: ensureRuntimeModules() } });
 * ```
 */
export function ensureRuntimeModules(): string {
  const lock = readFileSync(lockFile);
  const key = createHash("sha256").update(lock).digest("hex").slice(0, 16);
  const folder = join(runtimeModulesRoot, key, "node_modules");
  if (existsSync(folder)) return folder;
  const packages = (JSON.parse(lock.toString("utf8")) as { packages: LockedPackages }).packages;
  const scratch = join(runtimeModulesRoot, `${key}.${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  for (const name of runtimeProvidedPackages(packages)) {
    const link = join(scratch, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(repositoryRoot, "node_modules", name), link, "dir");
  }
  try {
    renameSync(scratch, join(runtimeModulesRoot, key));
  } catch (error) {
    // Another worker put the same folder in place first.
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(folder)) throw error;
  }
  return folder;
}
