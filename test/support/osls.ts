/**
 * Running osls (the open-source Serverless Framework v3 line) the one way the project does: for
 * `npm run package`, `npm run deploy` (scripts/osls.ts) and the tests' packaging
 * (package-template.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "./paths.js";

/** The osls command line, run with `node` (the Node.js that runs the caller). */
export const oslsEntryPoint = join(repositoryRoot, "node_modules", "osls", "bin", "serverless.js");

/** Where the scratch temporary folders go: the git-ignored `.cache/` of this checkout. */
export const oslsScratchParent = join(repositoryRoot, ".cache");

/** The prefix of each scratch folder's name, under {@link oslsScratchParent}. */
export const oslsScratchPrefix = "osls-tmp-";

/**
 * Runs `action` with a fresh temporary folder for osls (pass it as `TMPDIR`), removed afterwards
 * whatever happens. serverless-esbuild 1.57 zips each function in
 * `<tmpdir>/<function>-<pid>-<ms>-<hex>/` and then removes that folder without `recursive`, which
 * fails silently: in the system's temporary folder every packaging would leave one folder per
 * function behind.
 *
 * @example
 * ```ts
 * await withOslsScratch((tmp) => run(process.execPath, [oslsEntryPoint, "package"], { env: { ...process.env, TMPDIR: tmp } }));
 * ```
 */
export async function withOslsScratch<T>(action: (temporaryFolder: string) => Promise<T>): Promise<T> {
  mkdirSync(oslsScratchParent, { recursive: true });
  const temporaryFolder = mkdtempSync(join(oslsScratchParent, oslsScratchPrefix));
  try {
    return await action(temporaryFolder);
  } finally {
    rmSync(temporaryFolder, { recursive: true, force: true });
  }
}
