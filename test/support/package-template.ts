import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { z } from "zod";
import { oslsEntryPoint, withOslsScratch } from "./osls.js";
import { repositoryRoot } from "./paths.js";

const run = promisify(execFile);

/** The stage every packaging test packages. */
export const packageStage = "ci";

/**
 * Params for the packaging run: the two settings without a usable default (shared/config.ts
 * requires an AD group and an NPS selector), so the packaged Lambda environment is a complete,
 * valid configuration.
 */
export const packageParams: Readonly<Record<string, string>> = {
  npsAdGroup: "CORP\\WorkSpaces MFA",
  npsTag: "radius-sync:role=nps",
};

/** Inputs of `osls package`: a change to any of them makes a new package. */
const packageInputs = [
  "serverless.yml",
  "package-lock.json",
  "tsconfig.json",
  "state-machines",
  "functions",
  "shared",
  "serverless-plugins",
];

const Resource = z.looseObject({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).optional(),
  DependsOn: z.union([z.string(), z.array(z.string())]).optional(),
  Condition: z.string().optional(),
});

const Template = z.looseObject({
  Resources: z.record(z.string(), Resource),
  Outputs: z.record(z.string(), z.looseObject({ Value: z.unknown() })).optional(),
  Parameters: z.record(z.string(), z.looseObject({ Default: z.unknown() })).optional(),
  Conditions: z.record(z.string(), z.unknown()).optional(),
});

/** One CloudFormation resource of the packaged template. */
export type CfnResource = z.infer<typeof Resource>;
/** The packaged CloudFormation template (only what the tests read is typed). */
export type CfnTemplate = z.infer<typeof Template>;

/** The result of one `osls package` run. */
export interface PackagedService {
  /** The `--package` directory: the template, `serverless-state.json` and one zip per function. */
  readonly directory: string;
  /** Path of the update-stack template inside {@link directory}. */
  readonly templatePath: string;
  /** The parsed update-stack template. */
  readonly template: CfnTemplate;
}

async function listFiles(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  const entries = await readdir(path, { withFileTypes: true, recursive: true }).catch(() => undefined);
  if (entries === undefined) return [path];
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** A short hex digest of `text`, for cache directory names. */
function digest(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

async function hashInputs(): Promise<string> {
  const hash = createHash("sha256");
  const files = (
    await Promise.all(packageInputs.map((input) => listFiles(join(repositoryRoot, input))))
  ).flat();
  for (const file of files.sort()) {
    hash.update(relative(repositoryRoot, file));
    hash.update(await readFile(file));
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Dummy credentials and no telemetry: packaging must work offline and never reach AWS.
 *
 * @example
 * ```ts
 * execFile("npm", ["run", "package"], { env: offlineEnvironment() });
 * ```
 */
export function offlineEnvironment(): NodeJS.ProcessEnv {
  const { AWS_PROFILE: _profile, AWS_ENDPOINT_URL: _endpoint, ...inherited } = process.env;
  return {
    ...inherited,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "packaging-needs-no-real-credentials",
    AWS_REGION: "us-east-1",
    SLS_TELEMETRY_DISABLED: "1",
    SLS_NOTIFICATIONS_MODE: "off",
    SLS_DEPRECATION_DISABLE: "*",
  };
}

/**
 * Runs `osls package` into `directory` with the given params, offline, its temporary files in a
 * scratch folder that is removed afterwards (withOslsScratch). Callers hold the packaging lock.
 *
 * @example
 * ```ts
 * await withPackagingLock(() => packageInto("/tmp/out", packageParams));
 * ```
 */
export async function packageInto(
  directory: string,
  packagedParams: Readonly<Record<string, string>>,
): Promise<void> {
  const params = Object.entries(packagedParams).flatMap(([key, value]) => ["--param", `${key}=${value}`]);
  try {
    await withOslsScratch((temporaryFolder) =>
      run(
        process.execPath,
        [oslsEntryPoint, "package", "--stage", packageStage, "--package", directory, ...params],
        {
          cwd: repositoryRoot,
          env: { ...offlineEnvironment(), TMPDIR: temporaryFolder },
          maxBuffer: 32 * 1024 * 1024,
        },
      ),
    );
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`osls package failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

async function readPackage(directory: string): Promise<PackagedService> {
  const templatePath = join(directory, "cloudformation-template-update-stack.json");
  const template = Template.parse(JSON.parse(await readFile(templatePath, "utf8")));
  return { directory, templatePath, template };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// One cache per checkout: another checkout's packaging must not remove this one's packages. The
// folder's name never looks like a package's (`<hash>-<hash>`), which removeStalePackages (of this or
// an older checkout sharing the parent folder) deletes.
const packageCacheRoot = join(tmpdir(), "radius-sync-package", `checkout-${digest(repositoryRoot)}`);

/**
 * Runs `action` while holding this checkout's packaging lock (a directory). serverless-esbuild
 * builds in the repository's `.esbuild` folder, so two packaging runs at once (test files in
 * parallel workers) would overwrite each other's bundles. A lock left by a dead process is taken over.
 *
 * @example
 * ```ts
 * await withPackagingLock(() => packageInto(directory, packageParams));
 * ```
 */
export async function withPackagingLock<T>(action: () => Promise<T>): Promise<T> {
  await mkdir(packageCacheRoot, { recursive: true });
  const lock = join(packageCacheRoot, "lock");
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await readFile(join(lock, "pid"), "utf8").catch(() => "0"));
      if (owner > 0 && !isRunning(owner)) await rm(lock, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    await writeFile(join(lock, "pid"), String(process.pid));
    return await action();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Drops packages of earlier inputs (about 20 MB each), so the cache holds one per set of params.
 * Packages of the same inputs with other params stay: other test files may be reading them.
 */
async function removeStalePackages(cacheRoot: string, inputsHash: string): Promise<void> {
  for (const entry of await readdir(cacheRoot)) {
    const stale = /^[0-9a-f]{16}(-[0-9a-f]{16})?$/.test(entry) && !entry.startsWith(`${inputsHash}-`);
    if (stale) await rm(join(cacheRoot, entry), { recursive: true, force: true });
  }
}

const packaged = new Map<string, Promise<PackagedService>>();

/**
 * Packages the service with `osls package --stage ci` once per test run and returns the template.
 * `overrides` are params added to (or replacing) {@link packageParams}; each distinct set is
 * packaged once.
 *
 * Packaging takes seconds, so the result is cached on disk under a hash of every input
 * (serverless.yml, the definition, handlers, shared code, lock file, params): test files in other
 * workers, and later runs with unchanged inputs, reuse it. One packaging runs at a time, and a
 * half-written package is never visible: each run packages into a private directory and renames
 * it into place.
 *
 * @example
 * ```ts
 * const { template } = await packageService();
 * template.Resources.StateTable?.Type; // "AWS::DynamoDB::Table"
 * const { template: quiet } = await packageService({ driftCheckEnabled: "false" });
 * ```
 */
export function packageService(overrides: Readonly<Record<string, string>> = {}): Promise<PackagedService> {
  const params = { ...packageParams, ...overrides };
  const key = JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  const existing = packaged.get(key);
  if (existing !== undefined) return existing;
  const packaging = (async () => {
    const inputsHash = await hashInputs();
    const directory = join(packageCacheRoot, `${inputsHash}-${digest(key)}`);
    const isPackaged = () => existsSync(join(directory, "cloudformation-template-update-stack.json"));
    if (isPackaged()) return readPackage(directory);
    await withPackagingLock(async () => {
      // Another worker may have packaged while this one waited for the lock.
      if (isPackaged()) return;
      const scratch = `${directory}.${process.pid}`;
      await rm(scratch, { recursive: true, force: true });
      await packageInto(scratch, params);
      await rm(directory, { recursive: true, force: true });
      await rename(scratch, directory);
      await removeStalePackages(packageCacheRoot, inputsHash);
    });
    return readPackage(directory);
  })();
  packaged.set(key, packaging);
  return packaging;
}

/**
 * The logical ids and resources of one CloudFormation type.
 *
 * @example
 * ```ts
 * resourcesOfType(template, "AWS::Lambda::Function").map(([id]) => id); // ["DiscoverLambdaFunction", …]
 * ```
 */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/**
 * Reads one resource, failing with its logical id when it is missing.
 *
 * @example
 * ```ts
 * resourceById(template, "StateTable").Properties?.BillingMode; // "PAY_PER_REQUEST"
 * ```
 */
export function resourceById(template: CfnTemplate, logicalId: string): CfnResource {
  const resource = template.Resources[logicalId];
  if (resource === undefined) throw new Error(`the template has no resource ${logicalId}`);
  return resource;
}
