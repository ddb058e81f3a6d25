/**
 * The CLI as a user gets it: `npm pack` (whose prepack compiles bin/cli.ts into
 * dist/radius-sync.mjs), the tarball installed with npm into an empty folder — the package's
 * production dependencies only — and the `radius-sync` command run from there on Node 22.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/paths.js";

const run = promisify(execFile);

interface Packed {
  filename: string;
  files: { path: string }[];
}

/** The command's environment: this Node first on the PATH (the bin's `#!/usr/bin/env node` finds it), no AWS settings. */
const commandEnvironment = () => {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter),
  };
  for (const name of Object.keys(environment)) if (name.startsWith("AWS_")) delete environment[name];
  return environment;
};

const workspace = mkdtempSync(join(tmpdir(), "radius-sync-pack-"));
const installFolder = join(workspace, "tool");
const command = join(installFolder, "node_modules", ".bin", "radius-sync");
let packed: Packed;
let installOutput: string;

async function radiusSync(...argv: string[]) {
  try {
    const { stdout, stderr } = await run(command, argv, { cwd: installFolder, env: commandEnvironment() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

beforeAll(async () => {
  const pack = await run("npm", ["pack", "--json", "--pack-destination", workspace], {
    cwd: repositoryRoot,
    env: commandEnvironment(),
  });
  [packed] = JSON.parse(pack.stdout) as [Packed];
  mkdirSync(installFolder);
  // --prefer-offline: what `npm ci` already fetched comes from npm's cache, the rest from the registry.
  const install = await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(workspace, packed.filename)],
    { cwd: installFolder, env: commandEnvironment() },
  );
  installOutput = install.stdout + install.stderr;
}, 600_000);

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
});

describe("the packed radius-sync CLI", () => {
  it("is tested on the Node major the package's engines require", () => {
    const engines = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")).engines.node;
    expect(engines).toBe(">=22");
    expect(
      Number(process.versions.node.split(".")[0]),
      `run the suite on Node 22 (${engines})`,
    ).toBeGreaterThan(21);
  });

  it("ships the compiled command and no TypeScript, tests or sources", () => {
    const paths = packed.files.map((file) => file.path).sort();

    expect(paths).toEqual(["README.md", "dist/radius-sync.mjs", "package.json"]);
  });

  it("installs from the tarball with production dependencies only and no engine warning", () => {
    const modules = join(installFolder, "node_modules");
    expect(existsSync(join(modules, "@aws-sdk", "client-sfn"))).toBe(true);
    for (const devTool of ["tsx", "esbuild", "typescript", "vitest", "osls"]) {
      expect(existsSync(join(modules, devTool)), devTool).toBe(false);
    }
    expect(installOutput).not.toContain("EBADENGINE");
  });

  it("prints the help with every command and the exit codes, and exits 0", async () => {
    const result = await radiusSync("--help");

    expect(result.code, result.stderr).toBe(0);
    for (const name of ["start", "follow", "plan", "status"])
      expect(result.stdout).toContain(`radius-sync ${name}`);
    expect(result.stdout).toMatch(/Exit codes:\n {2}0 {2}done/);
    expect(result.stdout).toMatch(/\n {2}3 {2}plan .*problems that forbid applying it/);
    expect(result.stderr).toBe("");
  });

  it("exits 2 on a bad command line, naming each problem, without calling AWS", async () => {
    // Nothing listens on the discard port: a call to AWS would fail with exit 1, not 2.
    const badInput = await radiusSync("--endpoint", "http://127.0.0.1:9", "start", "--mode", "bogus");
    const unknown = await radiusSync("frobnicate");

    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toContain('--mode (mode): must be "reconcile" or "rotate"');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
