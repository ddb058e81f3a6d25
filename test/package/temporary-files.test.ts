/**
 * Packaging leaves the system's temporary folder as it found it. serverless-esbuild 1.57 zips each
 * function in `<tmpdir>/<function>-<pid>-<ms>-<hex>/` and never removes it (its clean-up is not
 * recursive), so both ways the project packages run osls with a scratch TMPDIR of their own under
 * `.cache/` (test/support/osls.ts). Each test points TMPDIR at an empty folder standing in for the
 * system's, packages for real, and looks at both folders afterwards.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { oslsScratchParent, oslsScratchPrefix } from "../support/osls.js";
import {
  offlineEnvironment,
  packageInto,
  packageParams,
  withPackagingLock,
} from "../support/package-template.js";
import { repositoryRoot } from "../support/paths.js";

const run = promisify(execFile);

let systemTemporaryFolder: string;
let output: string;

beforeEach(() => {
  systemTemporaryFolder = mkdtempSync(join(tmpdir(), "radius-sync-system-tmp-"));
  output = mkdtempSync(join(tmpdir(), "radius-sync-package-out-"));
});

afterEach(() => {
  rmSync(systemTemporaryFolder, { recursive: true, force: true });
  rmSync(output, { recursive: true, force: true });
});

/**
 * What a run left in the stand-in system folder, but for two folders kept on purpose, one for every
 * run: `node-compile-cache` (Node's module compile cache, which npm 11 turns on) and `tsx-<uid>`
 * (tsx's cache of compiled TypeScript, as scripts/osls.ts runs through tsx).
 */
const leftInSystemFolder = () =>
  readdirSync(systemTemporaryFolder).filter(
    (name) => name !== "node-compile-cache" && !/^tsx-\d+$/.test(name),
  );

const scratchFolders = () =>
  existsSync(oslsScratchParent)
    ? readdirSync(oslsScratchParent).filter((name) => name.startsWith(oslsScratchPrefix))
    : [];

const params = Object.entries(packageParams).flatMap(([key, value]) => ["--param", `${key}=${value}`]);

describe("osls packaging", () => {
  it("npm run package leaves nothing in the system's temporary folder, and removes its scratch folder", async () => {
    // Looked at under the lock: another test file's packaging has a scratch folder while it runs.
    const scratchLeft = await withPackagingLock(async () => {
      await run("npm", ["run", "package", "--", "--package", output, ...params], {
        cwd: repositoryRoot,
        env: { ...offlineEnvironment(), TMPDIR: systemTemporaryFolder },
      });
      return scratchFolders();
    });

    expect(existsSync(join(output, "cloudformation-template-update-stack.json"))).toBe(true);
    expect(readdirSync(output).filter((name) => name.endsWith(".zip")).length).toBeGreaterThan(10);
    expect(leftInSystemFolder()).toEqual([]);
    expect(scratchLeft).toEqual([]);
  });

  it("the tests' packaging leaves nothing in the system's temporary folder, and removes its scratch folder", async () => {
    const systemTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = systemTemporaryFolder;
    let scratchLeft: string[];
    try {
      scratchLeft = await withPackagingLock(async () => {
        await packageInto(output, packageParams);
        return scratchFolders();
      });
    } finally {
      if (systemTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = systemTmpdir;
    }

    expect(existsSync(join(output, "cloudformation-template-update-stack.json"))).toBe(true);
    expect(leftInSystemFolder()).toEqual([]);
    expect(scratchLeft).toEqual([]);
  });
});
