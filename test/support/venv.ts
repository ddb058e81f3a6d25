import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "./paths.js";

/** The oldest moto with the Directory Service RADIUS calls our tests lean on. */
export const minimumMotoVersion = "5.2.3";

/** The project-local virtualenv; never a moto found on the PATH (images carry an old one). */
export const virtualenvDirectory = join(repositoryRoot, ".venv");
const python = join(virtualenvDirectory, "bin", "python");
/** The moto server binary inside the project's virtualenv. */
export const motoServerPath = join(virtualenvDirectory, "bin", "moto_server");
/** The cfn-lint binary inside the project's virtualenv. */
export const cfnLintPath = join(virtualenvDirectory, "bin", "cfn-lint");

/**
 * Compares dotted versions by their first three numeric parts ("5.2.10" > "5.2.3").
 *
 * @example
 * ```ts
 * isAtLeast("5.2.5", "5.2.3"); // true
 * ```
 */
export function isAtLeast(version: string, minimum: string): boolean {
  const parts = (text: string) => text.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const have = parts(version);
  const want = parts(minimum);
  for (let index = 0; index < 3; index += 1) {
    const difference = (have[index] ?? 0) - (want[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

/** The moto version installed in the virtualenv, or `undefined` when there is none. */
export function installedMotoVersion(): string | undefined {
  if (!existsSync(python)) return undefined;
  try {
    return execFileSync(python, ["-c", "import moto; print(moto.__version__)"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Makes sure `.venv` holds `moto[server]>=5.2.3` and `cfn-lint`, creating or upgrading it
 * with pip only when needed (a no-op on a prepared machine, so it is cheap to call per run).
 *
 * @example
 * ```ts
 * // vitest globalSetup
 * export function setup() { ensureVirtualenv(); }
 * ```
 */
export function ensureVirtualenv(): { motoVersion: string } {
  const version = installedMotoVersion();
  if (version !== undefined && isAtLeast(version, minimumMotoVersion) && existsSync(cfnLintPath)) {
    return { motoVersion: version };
  }
  if (!existsSync(python)) {
    execFileSync("python3", ["-m", "venv", virtualenvDirectory], { stdio: "inherit" });
  }
  execFileSync(
    python,
    ["-m", "pip", "install", "--quiet", `moto[server]>=${minimumMotoVersion}`, "cfn-lint"],
    { stdio: "inherit" },
  );
  const installed = installedMotoVersion();
  if (installed === undefined || !isAtLeast(installed, minimumMotoVersion)) {
    throw new Error(`.venv holds moto ${installed ?? "(none)"}; need >= ${minimumMotoVersion}`);
  }
  return { motoVersion: installed };
}
