import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config.js";
import {
  EXECUTION_TIMEOUT_SECONDS,
  maxPolls,
  rollbackBudgetSeconds,
  timeBudgetProblems,
  worstCaseSeconds,
} from "../../shared/core/time-budget.js";
import { InvalidConfiguration } from "../../shared/errors.js";
import { definitionPath } from "../support/workflow.js";

const required = {
  RADIUS_SYNC_NPS_TAG: "radius-sync:nps=true",
  RADIUS_SYNC_NPS_AD_GROUP: "CORP\\WorkSpaces-MFA",
  RADIUS_SYNC_SSM_DOCUMENT_NAME: "radius-sync-nps",
  RADIUS_SYNC_STATE_TABLE: "radius-sync-state",
};

const defaults = {
  pollSeconds: 15,
  maxNpsWaitSeconds: 300,
  maxRadiusWaitSeconds: 1800,
  maxLockWaitSeconds: 3600,
};

describe("the execution's time budget", () => {
  it("is the definition's TimeoutSeconds", () => {
    const definition = JSON.parse(readFileSync(definitionPath, "utf8")) as { TimeoutSeconds?: number };

    expect(definition.TimeoutSeconds).toBe(EXECUTION_TIMEOUT_SECONDS);
  });

  it("holds the worst case of the default waits — a queued rotation that converges drift, runs blue/green and rolls back", () => {
    const config = parseConfig(required);

    const worst = worstCaseSeconds({ ...config.waits, maxLockWaitSeconds: config.lock.maxWaitSeconds });

    // lock 240 × 17 + security groups 60 + 4 NPS pushes (60 + (servers × 20 + 20) × 17: every server's
    // turn, then the wait for a cancelled command) to 4, 2, 2 and 4 of the 4 servers the configuration
    // counts + 5 RADIUS phases (60 + 120 × 17) + 300.
    const push = (servers: number) => 60 + (servers * 20 + 20) * 17;
    expect(worst).toBe(4080 + 60 + 2 * push(4) + 2 * push(2) + 5 * 2100 + 300);
    expect(worst).toBe(20620);
    expect(worst).toBeLessThanOrEqual(EXECUTION_TIMEOUT_SECONDS);
    expect(config.lock.ttlSeconds).toBeGreaterThan(EXECUTION_TIMEOUT_SECONDS);
  });

  it("budgets a rollback as one NPS push to every server and one directory update waited out to their maxima", () => {
    expect(rollbackBudgetSeconds(defaults)).toBe(60 + (4 * 20 + 20) * 17 + (60 + 120 * 17));
    expect(rollbackBudgetSeconds(defaults, 1)).toBe(60 + (20 + 20) * 17 + (60 + 120 * 17));
  });

  it("counts a wait's checks as its maximum over the poll interval, at least one", () => {
    expect([maxPolls(1800, 15), maxPolls(600, 15), maxPolls(10, 15), maxPolls(31, 15)]).toEqual([
      120, 40, 1, 3,
    ]);
  });

  it("refuses RADIUS waits that could add up past the timeout, naming the settings and the figure", () => {
    const act = () => parseConfig({ ...required, RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS: "7200" });

    expect(act).toThrow(InvalidConfiguration);
    expect(act).toThrow(/waits add up to \d+ s in the worst case/);
    expect(act).toThrow(/RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS/);
  });

  it("refuses a lock TTL an execution could outlive", () => {
    const act = () => parseConfig({ ...required, RADIUS_SYNC_LOCK_TTL_SECONDS: "7500" });

    expect(act).toThrow(InvalidConfiguration);
    expect(act).toThrow(/RADIUS_SYNC_LOCK_TTL_SECONDS is 7500 s, but an execution may run 21600 s/);
  });

  it("names nothing when the waits fit", () => {
    expect(timeBudgetProblems(defaults, EXECUTION_TIMEOUT_SECONDS + 1)).toEqual([]);
  });
});
