import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync } from "node:fs";

/**
 * Installs one npm package into `cacheDirectory` (a git-ignored folder under .cache/) so that runs
 * side by side never see a half-made cache: npm installs into a scratch folder of this process, which
 * is renamed into place only if `installed` accepts it and no other run's install is there already.
 *
 * @example
 * ```ts
 * installIntoCache({ cacheDirectory, spec: "aws-lambda-ric@2.1.0", installed: (root) => existsSync(join(root, "…")), notInstalled: "…" });
 * ```
 */
export function installIntoCache(options: {
  cacheDirectory: string;
  spec: string;
  ignoreScripts?: boolean;
  installed: (root: string) => boolean;
  notInstalled: string;
}): void {
  const { cacheDirectory, installed } = options;
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
      ...(options.ignoreScripts ? ["--ignore-scripts"] : []),
      options.spec,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (!installed(scratch)) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(options.notInstalled);
  }
  if (!installed(cacheDirectory)) {
    rmSync(cacheDirectory, { recursive: true, force: true });
    try {
      renameSync(scratch, cacheDirectory);
    } catch (error) {
      // Another run put its install in place first: use that one.
      if (!installed(cacheDirectory)) throw error;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
}
