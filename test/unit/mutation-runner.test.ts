import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/paths.js";

/**
 * scripts/mutation/vitest-runner.ts, the runner of `npm run mutation`: once a run has failed it no
 * longer imports the files left, and otherwise it runs everything vitest's own runner does. Run on
 * two fixture files the way Stryker runs vitest (one worker, isolate: false, bail 1).
 */
const scratch = mkdtempSync(join(tmpdir(), "radius-sync-mutation-runner-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
function run(options: { fail: boolean; runner?: string }) {
  const log = join(scratch, `run-${++runs}.log`);
  const report = join(scratch, `run-${runs}.json`);
  const child = spawnSync(
    process.execPath,
    [
      join(repositoryRoot, "node_modules/vitest/vitest.mjs"),
      "run",
      "--config",
      join(repositoryRoot, "test/fixtures/mutation-runner/vitest.config.ts"),
      "--reporter=json",
      `--outputFile=${report}`,
    ],
    {
      cwd: repositoryRoot,
      encoding: "utf8",
      env: {
        ...process.env,
        FIXTURE_LOG: log,
        ...(options.fail ? { FIXTURE_FAIL: "1" } : {}),
        ...(options.runner ? { FIXTURE_RUNNER: join(repositoryRoot, options.runner) } : {}),
      },
    },
  );
  const results = JSON.parse(readFileSync(report, "utf8")) as {
    numFailedTests: number;
    numPassedTests: number;
  };
  return {
    status: child.status,
    imported: existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [],
    failed: results.numFailedTests,
    passed: results.numPassedTests,
  };
}

describe("the mutation runs' vitest runner", () => {
  const runner = "scripts/mutation/vitest-runner.ts";

  it("does not import the files left once a test has failed", () => {
    expect(run({ fail: true, runner })).toEqual({ status: 1, imported: [], failed: 1, passed: 0 });
  });

  it("imports and runs every file when nothing fails", () => {
    expect(run({ fail: false, runner })).toEqual({
      status: 0,
      imported: ["b-records imported"],
      failed: 0,
      passed: 2,
    });
  });

  it("is why: vitest's own runner imports the files left after a failure, to skip their tests", () => {
    expect(run({ fail: true })).toEqual({
      status: 1,
      imported: ["b-records imported"],
      failed: 1,
      passed: 0,
    });
  });
});
