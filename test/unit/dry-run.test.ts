import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DRY_RUN_STATE_LIMIT_BYTES,
  FullPlan,
  firstWithin,
  INLINE_PLAN_BYTES,
  PlanPreview,
  partsOfLines,
  previewLimits,
  previewPlan,
  type StoredPlanLocation,
} from "../../shared/core/dry-run.js";
import { logger } from "../../shared/observability.js";
import { logPartBytes, reportDryRun } from "../../shared/steps/dry-run.js";
import { config, dryPlanOf } from "../fixtures/plan/plan-step.js";
import { syntheticFirstTimeDiscovery } from "../fixtures/plan/synthetic-estate.js";

/**
 * A dry run's state output stays under 64 KB at any estate size (issue 21): a preview with counts,
 * the first problems and the first actions with their reasons, and the whole plan inline when small,
 * else stored (a stand-in store here; test/integration/plan-store.test.ts stores it in DynamoDB).
 * Synthetic first-time estates fed to the real plan step: moto would take too long at 1,000 × 8.
 */
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");
const lock = { status: "none", attempt: 0 };

async function dryRunAt(size: { directories: number; npsServers: number }) {
  const { run, plan, secretStatus } = dryPlanOf(syntheticFirstTimeDiscovery(size));
  const stored: Array<{ tableName: string; executionId: string }> = [];
  const store = async (options: { tableName: string; executionId: string }): Promise<StoredPlanLocation> => {
    stored.push({ tableName: options.tableName, executionId: options.executionId });
    return {
      storage: "state-table",
      tableName: options.tableName,
      key: `plan#${options.executionId}`,
      parts: 1,
      bytes: bytes(plan),
      sha256: "0".repeat(64),
      expiresAt: "2026-01-17T12:00:00.000Z",
    };
  };
  const report = await reportDryRun({ config, run, plan, secretStatus, store });
  // DiscoverAndPlan's output, then ReportPlan's (the execution's output).
  const states = [
    { ...report, lock },
    { dryRun: true, plan: report.plan, secret: report.secretStatus, fullPlan: report.fullPlan },
  ];
  return { plan, report, stored, largest: Math.max(...states.map(bytes)) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a dry run's state output", () => {
  it.each([
    [10, 2, "inline"],
    [100, 4, "state-table"],
    [250, 4, "state-table"],
    [1000, 8, "state-table"],
  ])(
    "stays under 64 KB at %i directories × %i NPS servers, the whole plan %s",
    async (directories, npsServers, storage) => {
      const { plan, report, stored, largest } = await dryRunAt({ directories, npsServers });

      expect(largest).toBeLessThan(DRY_RUN_STATE_LIMIT_BYTES);
      expect(report.fullPlan.storage).toBe(storage);
      expect(stored).toHaveLength(storage === "inline" ? 0 : 1);
      expect(FullPlan.parse(report.fullPlan)).toEqual(report.fullPlan);
      expect(PlanPreview.parse(report.plan).changeCount).toBe(plan.changeCount);
    },
  );

  it("would not fit whole at 100 × 4: the plan alone is past Step Functions' 256 KB", async () => {
    const { plan } = await dryRunAt({ directories: 100, npsServers: 4 });

    expect(bytes(plan)).toBeGreaterThan(256 * 1024);
  });

  it("carries a plan up to 32 KB inline, and stores a larger one in the state table under the execution", async () => {
    const small = await dryRunAt({ directories: 10, npsServers: 2 });
    const large = await dryRunAt({ directories: 20, npsServers: 2 });

    expect(bytes(small.plan)).toBeLessThanOrEqual(INLINE_PLAN_BYTES);
    expect(small.report.fullPlan).toEqual({ storage: "inline", plan: small.plan });
    expect(bytes(large.plan)).toBeGreaterThan(INLINE_PLAN_BYTES);
    expect(large.stored).toEqual([
      { tableName: config.stateTable, executionId: large.report.run.executionId },
    ]);
  });

  it("logs every summary line once, in order, in parts of at most 64 KB", async () => {
    const info = vi.spyOn(logger, "info");
    const { plan } = await dryRunAt({ directories: 1000, npsServers: 8 });

    const parts = info.mock.calls.filter(([message]) => message === "dry-run plan");
    const lines = parts.flatMap(([, fields]) => (fields as { lines: string[] }).lines);
    expect(lines).toEqual(plan.summary);
    expect(parts.length).toBeGreaterThan(1);
    for (const [index, [, fields]] of parts.entries()) {
      expect(fields).toMatchObject({ part: index + 1, parts: parts.length });
      expect(bytes((fields as { lines: string[] }).lines)).toBeLessThanOrEqual(logPartBytes + 4096);
    }
  });
});

describe("previewPlan", () => {
  it("counts the whole plan and keeps the first summary lines and problems within their limits", async () => {
    const { plan } = await dryRunAt({ directories: 1000, npsServers: 8 });

    const preview = previewPlan(plan);

    expect(preview.counts).toEqual({
      securityGroupRules: 8000,
      npsClients: 2000,
      npsServers: 8,
      npsServersToPush: 8,
      directories: 1000,
      directoriesToChange: 1000,
      problems: plan.problems.length,
      notes: 0,
      summaryLines: plan.summary.length,
    });
    const kept = preview.summary.slice(0, -1);
    expect(kept).toEqual(plan.summary.slice(0, kept.length));
    const lineBytes = (lines: string[]) =>
      lines.reduce((sum, line) => sum + Buffer.byteLength(line, "utf8"), 0);
    expect(kept.length).toBeLessThanOrEqual(previewLimits.summaryLines);
    expect(lineBytes(kept)).toBeLessThanOrEqual(previewLimits.summaryBytes);
    // The next line would have crossed the limit.
    expect(lineBytes(plan.summary.slice(0, kept.length + 1))).toBeGreaterThan(previewLimits.summaryBytes);
    expect(preview.summary.at(-1)).toBe(
      `… and ${plan.summary.length - kept.length} more (the whole plan: radius-sync plan, or the "dry-run plan" log lines)`,
    );
    expect(preview.problems).toEqual(plan.problems);
    expect(preview.complete).toBe(false);
  });

  it("keeps a small plan's summary and problems whole", async () => {
    const { plan } = await dryRunAt({ directories: 2, npsServers: 2 });

    const preview = previewPlan(plan);

    expect(preview.summary).toEqual(plan.summary);
    expect(preview.complete).toBe(true);
  });

  it("keeps at most 50 problems", () => {
    const { plan } = dryPlanOf(syntheticFirstTimeDiscovery({ directories: 1, npsServers: 1 }));
    const problems = Array.from({ length: 60 }, (_, index) => ({
      error: "DirectoryNotActive",
      subject: `d-${String(index).padStart(10, "0")}`,
      message: "in stage Creating",
    }));

    const preview = previewPlan({ ...plan, problems });

    expect(preview.problems).toEqual(problems.slice(0, 50));
    expect(preview.counts.problems).toBe(60);
    expect(preview.complete).toBe(false);
  });
});

describe("firstWithin", () => {
  const sizeOf = (line: string) => line.length;

  it("keeps items up to exactly the byte limit and counts the rest", () => {
    expect(firstWithin(["aa", "bb", "cc"], { maxItems: 10, maxBytes: 4, sizeOf })).toEqual({
      kept: ["aa", "bb"],
      left: 1,
    });
  });

  it("stops at the item limit", () => {
    expect(firstWithin(["a", "b", "c"], { maxItems: 2, maxBytes: 100, sizeOf })).toEqual({
      kept: ["a", "b"],
      left: 1,
    });
  });
});

describe("partsOfLines", () => {
  it("fills each part up to the byte limit, in order", () => {
    expect(partsOfLines(["aa", "bb", "c", "dd"], 5)).toEqual([["aa", "bb", "c"], ["dd"]]);
  });

  it("gives a line longer than the limit a part of its own, and no part for no lines", () => {
    expect(partsOfLines(["a", "bbbbbb", "c"], 3)).toEqual([["a"], ["bbbbbb"], ["c"]]);
    expect(partsOfLines([], 3)).toEqual([]);
  });

  it("counts UTF-8 bytes, not characters", () => {
    expect(partsOfLines(["é", "é"], 3)).toEqual([["é"], ["é"]]);
  });
});
