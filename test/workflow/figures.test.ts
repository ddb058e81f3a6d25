/**
 * Guards the stable figures of docs/benchmarks.md (issues 5, 10 and 19) with the bench's own measuring
 * code: exact API calls by operation, state transitions and history events (as Step Functions counts
 * them, bench/history.ts) of a no-op reconcile and of one blue/green rotation (1 directory, 2 NPS
 * servers); calls growing with D + M, never D × M; and, under AWS-like latency, history events that
 * grow with phases × polls, never directories × polls. Counts only: nothing here depends on timing.
 * Since issue 19 every run that may change something reaches every NPS server (one command, one
 * server at a time, under the lock): the host checks the MFA prerequisites and what IAS runs, and
 * closes the door when they fail. A no-op reconcile therefore sends that command and records what
 * each server reported; it changes nothing in the estate.
 * A change in these numbers is a change in cost: update the expectation only together with
 * docs/benchmarks.md (`npm run bench`).
 */
import { describe, expect, it } from "vitest";
import type { EstateSize } from "../../bench/estate.js";
import {
  type Latency,
  measureScenario,
  type ScenarioFigures,
  type ScenarioName,
} from "../../bench/scenarios.js";
import { currentMoto } from "../support/current-moto.js";

async function measure(
  scenario: ScenarioName,
  size: EstateSize,
  latency?: Latency,
): Promise<ScenarioFigures> {
  const result = await measureScenario(scenario, size, {
    reset: () => currentMoto().reset(),
    ...(latency ? { latency } : {}),
  });
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
  it("a no-op reconcile of 1 directory and 2 NPS servers changes nothing in the estate: it checks both servers with one command under the lock, in 23 transitions and 72 history events", async () => {
    const figures = await measure("no-op reconcile", { directories: 1, npsServers: 2 });

    expect(byOperation(figures)).toEqual({
      // Discovery and the plan, twice: before the lock and again once it is held.
      BatchGetItem: 2,
      DescribeDirectories: 2,
      DescribeInstanceInformation: 2,
      // The NPS servers' security groups (the network path to NPS), one call for all of them.
      DescribeInstances: 2,
      DescribeSecret: 2,
      DescribeSecurityGroups: 2,
      DescribeWorkspaceDirectories: 2,
      ListSecretVersionIds: 2,
      // The lock (taken, released, the queue entry cleared) and each server's record (sent, confirmed).
      PutItem: 5,
      DeleteItem: 3,
      // The check: one command to both servers in turn, each one's summary read and its proof verified.
      ListCommands: 1,
      SendCommand: 1,
      ListCommandInvocations: 1,
      GetCommandInvocation: 2,
      GetSecretValue: 2,
    });
    const estateChanges = figures.apiCalls.byOperation.filter(
      (entry) => entry.mutating && !["PutItem", "DeleteItem", "SendCommand"].includes(entry.operation),
    );
    expect(estateChanges).toEqual([]);
    expect(figures.apiCalls.mutating).toBe(9);
    expect(figures.stateTransitions).toBe(23);
    expect(figures.historyEvents).toEqual({
      total: 72,
      byKind: { execution: 2, Task: 40, Choice: 22, Pass: 6, Wait: 2 },
    });
  });

  it("a blue/green rotation of 1 directory and 2 NPS servers makes exactly these calls in 72 transitions, never mismatched", async () => {
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
      // One per finished server, to read its summary; the status comes from one listing per command and poll.
      GetCommandInvocation: 4,
      GetRandomPassword: 1,
      GetSecretValue: 7,
      ListCommandInvocations: 3,
      // One per NPS push (the check of both servers, then each pool): a retried push looks for the
      // command it may already have sent.
      ListCommands: 3,
      ListSecretVersionIds: 2,
      PutEvents: 1,
      PutItem: 16,
      PutSecretValue: 1,
      SendCommand: 3,
      UpdateRadius: 3,
      UpdateSecretVersionStage: 2,
    });
    expect(figures.apiCalls).toMatchObject({ total: 69, mutating: 29 });
    expect(figures.stateTransitions).toBe(72);
    expect(figures.historyEvents.total).toBe(206);
    expect(figures.mismatchWindow).toEqual({
      reported: { phases: 0, seconds: 0 },
      replayed: { changes: 6, mismatchedSteps: 0, mismatchedPairs: 0 },
    });
  });

  it("no-op reconcile calls do not grow with D, and grow with M only by each server's check", async () => {
    const growth = await growthOf("no-op reconcile");

    // Per server: its record twice, its summary read, the secret read to verify its proof.
    expect(growth.total).toEqual({ base: 23, perDirectory: 0, perServer: 4, residual: 0 });
    for (const fit of Object.values(growth.perOperation)) expect(fit.residual).toBe(0);
  });

  it("blue/green rotation calls grow with D + M and have no D·M term", async () => {
    const growth = await growthOf("rotation blue/green");

    expect(residuals(growth.perOperation)).toEqual(
      Object.fromEntries(Object.keys(growth.perOperation).map((operation) => [operation, 0])),
    );
    expect(growth.total).toEqual({ base: 44, perDirectory: 9, perServer: 8, residual: 0 });
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

describe("NPS restarts (issue 19, the bench's replay)", () => {
  it("a connector-IP change on 4 servers restarts them one at a time, and every directory keeps a server answering it", async () => {
    const figures = await measure("connector-IP change", { directories: 2, npsServers: 4 }, creatingFor(1));

    expect(figures.npsRestarts).toMatchObject({
      runs: 4,
      restarts: 4,
      mostRestartingAtOnce: 1,
      stepsWithoutServingServer: 0,
    });
    // The state before, then a start and an end per server.
    expect(figures.npsRestarts?.steps).toBe(1 + 2 * 4);
  });

  it("a no-op reconcile restarts no server", async () => {
    const figures = await measure("no-op reconcile", { directories: 1, npsServers: 2 });

    expect(figures.npsRestarts).toMatchObject({ runs: 2, restarts: 0, stepsWithoutServingServer: 0 });
  });

  it("a rotation is promoted only once every server's IAS runs the new secret", async () => {
    for (const scenario of ["rotation blue/green", "rotation in-place"] as const) {
      const figures = await measure(scenario, { directories: 1, npsServers: 2 });

      expect({ scenario, promotion: figures.promotion }).toEqual({
        scenario,
        promotion: { servers: 2, runningNewSecret: 2 },
      });
    }
  });
});

/** RadiusStatus Creating for k looks after each change, SSM invocations InProgress for 1 look. */
const creatingFor = (creatingPolls: number): Latency => ({ creatingPolls, pendingPolls: 1 });

/** Events one poll of a phase adds: WaitFor… (Entered, Exited), Check… (Entered, 3 Lambda events, Exited), IsPhaseComplete (Entered, Exited). */
const eventsPerPoll = 2 + 5 + 2;
/** States one poll enters: the Wait, the check, the Choice. */
const transitionsPerPoll = 3;
/** Blue/green with two NPS servers: directories → pool A, → pool B, → both. */
const directoryPhases = 3;

describe("history events under AWS latency (guard of issue 10)", () => {
  it("pin a blue/green rotation of 10 directories × 2 servers at k = 8, and doubling k adds O(phases) events, not O(directories)", async () => {
    const size = (directories: number) => ({ directories, npsServers: 2 });
    const at8 = await measure("rotation blue/green", size(10), creatingFor(8));
    const at16 = await measure("rotation blue/green", size(10), creatingFor(16));
    const oneAt8 = await measure("rotation blue/green", size(1), creatingFor(8));
    const oneAt16 = await measure("rotation blue/green", size(1), creatingFor(16));

    // Pinned: k = 8 polls each directory phase 9 times, each pool's NPS push twice, and the check of
    // both servers first three times (the second server starts when the first has ended).
    expect(at8.historyEvents).toEqual({
      total: 458,
      byKind: { execution: 2, Task: 240, Choice: 122, Pass: 26, Wait: 68 },
    });
    expect(at8.stateTransitions).toBe(156);
    // Doubling k adds 8 polls to each directory phase: events per poll × phases, whatever D is.
    const added = (from: ScenarioFigures, to: ScenarioFigures) => ({
      events: to.historyEvents.total - from.historyEvents.total,
      transitions: to.stateTransitions - from.stateTransitions,
      describes: (byOperation(to).DescribeDirectories ?? 0) - (byOperation(from).DescribeDirectories ?? 0),
    });
    const expected = {
      events: 8 * eventsPerPoll * directoryPhases,
      transitions: 8 * transitionsPerPoll * directoryPhases,
      describes: 8 * directoryPhases,
    };
    expect(added(at8, at16)).toEqual(expected);
    expect(added(oneAt8, oneAt16)).toEqual(expected);
    // And D itself adds no event at all while a phase's directories fit in one step (25).
    expect(oneAt8.historyEvents.total).toBe(at8.historyEvents.total);
  }, 300_000);
});
