import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/paths.js";

const run = promisify(execFile);
const demoDirectory = mkdtempSync(join(tmpdir(), "radius-sync-demo-"));

async function npmStart(...args: string[]): Promise<string> {
  const { stdout } = await run("npx", ["tsx", "scripts/start.ts", ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, RADIUS_SYNC_DEMO_DIR: demoDirectory, AWS_ENDPOINT_URL: "" },
    timeout: 240_000,
  });
  return stdout;
}

describe("npm start", () => {
  afterAll(async () => {
    await npmStart("--stop");
    rmSync(demoDirectory, { recursive: true, force: true });
  });

  it("configures the seeded demo estate, prints each step and the tables, then reports no changes on a second run", async () => {
    const first = await npmStart();
    expect(first).toContain("Seeded a demo estate");
    for (const step of [
      "ValidateInput",
      "DiscoverDirectories",
      "PlanChanges",
      "PushToNpsServers",
      "CheckRadiusStatus",
    ]) {
      expect(first).toContain(`✓ ${step}`);
    }
    expect(first).toContain("Reconcile SUCCEEDED — changes applied:");
    expect(first).toMatch(/ADConnector .* Completed .*PAP\/30s\/1/);
    expect(first).toMatch(/radius-sync: RADIUS from NPS i-/);

    const second = await npmStart();

    expect(second).toContain("Using the demo estate already");
    expect(second).toContain("Reconcile SUCCEEDED — no changes.");
    expect(second).not.toContain("PushToNpsServers");
  });
});
