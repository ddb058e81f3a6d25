import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/paths.js";

const run = promisify(execFile);
const demoDirectory = mkdtempSync(join(tmpdir(), "radius-sync-demo-"));

/** `npm start` exactly as the README says, with its own demo emulator (RADIUS_SYNC_DEMO_DIR). */
async function npmStart(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return await run("npm", ["start", ...(args.length > 0 ? ["--", ...args] : [])], {
    cwd: repositoryRoot,
    env: { ...process.env, RADIUS_SYNC_DEMO_DIR: demoDirectory, AWS_ENDPOINT_URL: "" },
    timeout: 240_000,
  });
}

/** Nothing but the steps and the tables: no Powertools warning ("No application metrics to publish…"), no log line. */
function expectQuiet(output: { stdout: string; stderr: string }): void {
  expect(output.stderr).toBe("");
  const lines = output.stdout.split("\n");
  expect(lines.filter((line) => /No application metrics|Powertools|"level":/i.test(line))).toEqual([]);
}

describe("npm start", () => {
  afterAll(async () => {
    await npmStart("--stop");
    rmSync(demoDirectory, { recursive: true, force: true });
  });

  it("configures the seeded demo estate, prints each step and the tables, then reports no changes on a second run, with no warning line", async () => {
    const first = await npmStart();
    expect(first.stdout).toContain("Seeded a demo estate");
    for (const step of [
      "ValidateInput",
      "DiscoverAndPlan",
      "PushToNpsServers",
      "CheckNpsServers",
      "CheckDirectories",
    ]) {
      expect(first.stdout).toContain(`✓ ${step}`);
    }
    expect(first.stdout).toContain("Reconcile SUCCEEDED — changes applied:");
    expect(first.stdout).toMatch(/ADConnector .* Completed .*PAP\/30s\/1/);
    expect(first.stdout).toMatch(/radius-sync: RADIUS from NPS i-/);
    // The dual-stack Managed Microsoft AD: IPv6 sources, both server lists, /128 rules.
    expect(first.stdout).toMatch(/MicrosoftAD .*::d1.* Completed .*10\.0\.1\.20.*:.*PAP\/30s\/1/);
    expect(first.stdout).toMatch(/\/128 .*radius-sync: RADIUS from NPS i-/);
    expectQuiet(first);

    const second = await npmStart();

    expect(second.stdout).toContain("Using the demo estate already");
    expect(second.stdout).toContain("Reconcile SUCCEEDED — no changes.");
    // Every run verifies the NPS servers (the simulated ones are kept between runs too); nothing else.
    expect(second.stdout).toContain("✓ CheckNpsServers");
    expect(second.stdout).not.toContain("UpdateDirectories");
    expect(second.stdout).not.toContain("ApplySecurityGroupRules");
    expect(second.stdout).not.toContain("repaired");
    expect(second.stdout).toContain("npm start -- --dry-run shows the plan only");
    expectQuiet(second);
  }, 600_000);
});
