/**
 * Guards the stable figures of docs/benchmarks.md (issue 5) with the bench's own measuring code:
 * exact API calls by operation and state transitions of a no-op reconcile and of one blue/green
 * rotation (1 directory, 2 NPS servers), and calls growing with D + M, never D × M. Counts only:
 * nothing here depends on timing. A change in these numbers is a change in cost: update the
 * expectation only together with docs/benchmarks.md (`npm run bench`).
 */
import { describe, expect, it } from "vitest";
import type { EstateSize } from "../../bench/estate.js";
import { measureScenario, type ScenarioFigures, type ScenarioName } from "../../bench/scenarios.js";
import { currentMoto } from "../support/current-moto.js";

async function measure(scenario: ScenarioName, size: EstateSize): Promise<ScenarioFigures> {
  const result = await measureScenario(scenario, size, { reset: () => currentMoto().reset() });
  if (!("apiCalls" in result)) throw new Error(`${scenario} at ${JSON.stringify(size)}: ${result.reason}`);
  expect(result.status, result.error).toBe("SUCCEEDED");
  return result;
}

const byOperation = (figures: ScenarioFigures) =>
  Object.fromEntries(figures.apiCalls.byOperation.map((entry) => [entry.operation, entry.count]));

/** The four corners of the growth check: D ∈ {1, 3} × M ∈ {2, 4}. */
const corners: EstateSize[] = [
  { directories: 1, npsServers: 2 },
  { directories: 3, npsServers: 2 },
  { directories: 1, npsServers: 4 },
  { directories: 3, npsServers: 4 },
];

/**
 * Fits count = a + b·D + c·M through three corners and returns it with the fourth corner's
 * residual: 0 exactly when the count has no D·M term.
 */
function fitGrowth(counts: readonly number[]) {
  const [c12 = 0, c32 = 0, c14 = 0, c34 = 0] = counts;
  const perDirectory = (c32 - c12) / 2;
  const perServer = (c14 - c12) / 2;
  const base = c12 - perDirectory - 2 * perServer;
  return { base, perDirectory, perServer, residual: c34 - (base + 3 * perDirectory + 4 * perServer) };
}

async function growthOf(scenario: ScenarioName) {
  const measured: ScenarioFigures[] = [];
  for (const size of corners) measured.push(await measure(scenario, size));
  const operations = [...new Set(measured.flatMap((figures) => Object.keys(byOperation(figures))))].sort();
  const counts = Object.fromEntries(
    operations.map((operation) => [
      operation,
      measured.map((figures) => byOperation(figures)[operation] ?? 0),
    ]),
  );
  const perOperation = Object.fromEntries(
    Object.entries(counts).map(([operation, values]) => [operation, fitGrowth(values)]),
  );
  const totals = measured.map((figures) => figures.apiCalls.total);
  return { total: fitGrowth(totals), totals, counts, perOperation };
}

const residuals = (perOperation: Record<string, { residual: number }>) =>
  Object.fromEntries(Object.entries(perOperation).map(([operation, fit]) => [operation, fit.residual]));

describe("benchmark figures", () => {
  it("a no-op reconcile of 1 directory and 2 NPS servers makes 8 reads, no mutating call, in 6 transitions", async () => {
    const figures = await measure("no-op reconcile", { directories: 1, npsServers: 2 });

    expect(byOperation(figures)).toEqual({
      BatchGetItem: 1,
      DescribeDirectories: 1,
      DescribeInstanceInformation: 1,
      // The NPS servers' security groups (the network path to NPS), one call for all of them.
      DescribeInstances: 1,
      DescribeSecret: 1,
      DescribeSecurityGroups: 1,
      DescribeWorkspaceDirectories: 1,
      ListSecretVersionIds: 1,
    });
    expect(figures.apiCalls.mutating).toBe(0);
    expect(figures.stateTransitions).toBe(6);
  });

  it("a blue/green rotation of 1 directory and 2 NPS servers makes exactly these calls in 71 transitions, never mismatched", async () => {
    const figures = await measure("rotation blue/green", { directories: 1, npsServers: 2 });

    expect(byOperation(figures)).toEqual({
      BatchGetItem: 2,
      DeleteItem: 3,
      DescribeDirectories: 5,
      DescribeInstanceInformation: 2,
      DescribeInstances: 2,
      DescribeSecret: 5,
      DescribeSecurityGroups: 2,
      DescribeWorkspaceDirectories: 2,
      GetCommandInvocation: 2,
      GetRandomPassword: 1,
      GetSecretValue: 5,
      // One per NPS push: a retried push looks for the command it may already have sent.
      ListCommands: 2,
      ListSecretVersionIds: 2,
      PutEvents: 1,
      PutItem: 12,
      PutSecretValue: 1,
      SendCommand: 2,
      UpdateRadius: 3,
      UpdateSecretVersionStage: 2,
    });
    expect(figures.apiCalls).toMatchObject({ total: 56, mutating: 24 });
    expect(figures.stateTransitions).toBe(71);
    expect(figures.mismatchWindow).toEqual({
      reported: { phases: 0, seconds: 0 },
      replayed: { changes: 5, mismatchedSteps: 0, mismatchedPairs: 0 },
    });
  });

  it("no-op reconcile calls do not grow with D or M at all", async () => {
    const growth = await growthOf("no-op reconcile");

    expect(growth.total).toEqual({ base: 8, perDirectory: 0, perServer: 0, residual: 0 });
    for (const fit of Object.values(growth.perOperation)) expect(fit.residual).toBe(0);
  });

  it("blue/green rotation calls grow with D + M and have no D·M term", async () => {
    const growth = await growthOf("rotation blue/green");

    expect(residuals(growth.perOperation)).toEqual(
      Object.fromEntries(Object.keys(growth.perOperation).map((operation) => [operation, 0])),
    );
    expect(growth.total).toEqual({ base: 33, perDirectory: 15, perServer: 4, residual: 0 });
  });

  it("first-time set-up calls grow with D + M and have no D·M term", async () => {
    const growth = await growthOf("first-time set-up");

    // One AuthorizeSecurityGroupIngress per directory's group, whatever the number of NPS servers.
    expect(growth.counts.AuthorizeSecurityGroupIngress).toEqual(corners.map((size) => size.directories));
    expect(residuals(growth.perOperation)).toEqual(
      Object.fromEntries(Object.keys(growth.perOperation).map((operation) => [operation, 0])),
    );
    expect(growth.total.residual).toBe(0);
  });
});
