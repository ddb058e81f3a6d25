/**
 * Issue 10's targets, judged against one bench run's latency grid (RadiusStatus Creating for k looks,
 * SSM invocations InProgress for j looks) and the committed definition. A missed target carries the
 * measured figure and, where the cause is known, why and the follow-up.
 */
import { readFileSync } from "node:fs";
import { getConfig } from "../shared/config.js";
import { rollbackBudgetSeconds } from "../shared/core/time-budget.js";
import { collectStates, definitionPath, functionKeyOf, type Json } from "../test/support/workflow.js";
import type { BenchResults } from "./report.js";
import type { ScenarioFigures } from "./scenarios.js";
import { estateChanges, noOpCheckNote, type TargetResult } from "./targets.js";

/** Step Functions' hard limit of history events per execution (Step Functions quotas). */
export const historyEventLimit = 25_000;

/** Directory ids per DescribeDirectories call (shared/aws/directory-service.ts). */
const directoryIdsPerDescribe = 25;
/** Invocations per ListCommandInvocations page (botocore ssm `CommandMaxResults`). */
const invocationsPerList = 50;

const measured = (results: BenchResults) =>
  results.scenarios.filter(
    (result): result is ScenarioFigures => "apiCalls" in result && result.status === "SUCCEEDED",
  );

const at = (all: ScenarioFigures[], d: number, m: number, k: number, j: number) =>
  all.find(
    (result) =>
      result.directories === d &&
      result.npsServers === m &&
      result.latency.creatingPolls === k &&
      result.latency.pendingPolls === j,
  );

const calls = (figures: ScenarioFigures, operation: string) =>
  figures.apiCalls.byOperation.find((entry) => entry.operation === operation)?.count ?? 0;

const entered = (figures: ScenarioFigures) => figures.historyEvents;

/** The committed definition's states, and which function each Task state runs. */
function definitionShape(): { states: number; waits: string[]; tasksByFunction: Map<string, string[]> } {
  const definition = JSON.parse(readFileSync(definitionPath, "utf8")) as Json;
  const states = collectStates(definition);
  const tasksByFunction = new Map<string, string[]>();
  for (const [name, state] of states) {
    const key = functionKeyOf(state);
    if (key) tasksByFunction.set(key, [...(tasksByFunction.get(key) ?? []), name]);
  }
  const waits = [...states].filter(([, state]) => state.Type === "Wait").map(([name]) => name);
  return { states: states.size, waits, tasksByFunction };
}

function definitionTarget(): TargetResult {
  const { states, waits, tasksByFunction } = definitionShape();
  const loopTasks = ["sendNpsCommand", "checkNpsCommand", "updateDirectoryRadius", "checkRadiusStatus"];
  const written = loopTasks.map((key) => `${key} ×${tasksByFunction.get(key)?.length ?? 0}`);
  const once = loopTasks.every((key) => tasksByFunction.get(key)?.length === 1);
  return {
    target: "the definition: each wait loop written once; at most 45 states",
    measured: `${states} states; Wait states ${waits.join(", ")}; loop Tasks ${written.join(", ")}`,
    met: states <= 45 && once && waits.length === 3,
    note: "",
  };
}

function blueGreenTarget(all: ScenarioFigures[]): TargetResult {
  const figures = all.find(
    (result) =>
      result.scenario === "rotation blue/green" &&
      result.directories === 100 &&
      result.npsServers === 4 &&
      result.latency.creatingPolls === 20 &&
      result.latency.pendingPolls === 4,
  );
  if (!figures) {
    return {
      target:
        "blue/green 100 × 4 at k = 20, j = 4: ≤ 5,000 history events; finishes or rolls back before the timeout",
      measured: "not measured (use the default --latency-sizes and --latencies)",
      met: false,
      note: "",
    };
  }
  const { duration } = figures;
  // The waits the bench ran under (test/support/environment.ts leaves them at their defaults).
  const config = getConfig();
  const rollback = rollbackBudgetSeconds({ ...config.waits, maxLockWaitSeconds: config.lock.maxWaitSeconds });
  return {
    target:
      "blue/green 100 × 4 at k = 20, j = 4: ≤ 5,000 history events; finishes or rolls back before the timeout",
    measured:
      `${figures.historyEvents.total} history events (${((100 * figures.historyEvents.total) / historyEventLimit).toFixed(1)} % of 25,000); ` +
      `${duration.seconds} s simulated + ${rollback} s for a worst-case rollback at the configured maxima = ` +
      `${duration.seconds + rollback} s of ${duration.timeoutSeconds} s`,
    met: figures.historyEvents.total <= 5000 && duration.seconds + rollback <= duration.timeoutSeconds,
    note: "",
  };
}

/** Per-poll growth of one figure between the lowest and highest k (or j) measured at one size. */
function slopes(all: ScenarioFigures[], figure: (result: ScenarioFigures) => number, by: "k" | "j") {
  const found: Array<{ scenario: string; size: string; servers: number; perPoll: number }> = [];
  for (const result of all) {
    const { directories: d, npsServers: m, latency } = result;
    const low = by === "k" ? at(all, d, m, 1, latency.pendingPolls) : at(all, d, m, latency.creatingPolls, 1);
    const high =
      by === "k" ? at(all, d, m, 20, latency.pendingPolls) : at(all, d, m, latency.creatingPolls, 4);
    if (result !== low || !high || high.scenario !== result.scenario) continue;
    found.push({
      scenario: result.scenario,
      size: `${d}×${m}`,
      servers: m,
      perPoll: (figure(high) - figure(low)) / (by === "k" ? 19 : 3),
    });
  }
  return found;
}

function eventsGrowthTarget(all: ScenarioFigures[]): TargetResult {
  const scenarios = [...new Set(all.map((result) => result.scenario))];
  const problems: string[] = [];
  const perPoll: string[] = [];
  for (const scenario of scenarios) {
    const mine = all.filter((result) => result.scenario === scenario);
    for (const by of ["k", "j"] as const) {
      // An NPS push runs on its servers one at a time (issue 19), each invocation InProgress for j
      // looks: a j-poll is polled once per server, so its slope is judged per server.
      const perServer = (entry: { perPoll: number; servers: number }) =>
        by === "j" ? entry.perPoll / entry.servers : entry.perPoll;
      const events = slopes(mine, (result) => entered(result).total, by);
      const transitions = slopes(mine, (result) => result.stateTransitions, by);
      // Every size must gain the same per poll (per server for j): a D-dependent slope is a D×polls term.
      if (new Set(events.map(perServer)).size > 1) {
        problems.push(
          `${scenario}: events per ${by}-poll ${events.map((e) => `${e.perPoll} at ${e.size}`).join(", ")}`,
        );
      }
      if (new Set(transitions.map(perServer)).size > 1) {
        problems.push(`${scenario}: transitions per ${by}-poll differ by size`);
      }
      const [first] = events;
      if (first)
        perPoll.push(
          `${scenario} ${perServer(first)} events per ${by}-poll${by === "j" ? " and server" : ""}`,
        );
    }
  }
  return {
    target:
      "history events and transitions grow with phases × polls + D + M, never D × polls (M × j-polls: NPS servers run in turn)",
    measured: problems.length > 0 ? problems.join("; ") : `the same at every size: ${perPoll.join("; ")}`,
    met: problems.length === 0 && perPoll.length > 0,
    note: "",
  };
}

function callsGrowthTarget(all: ScenarioFigures[]): TargetResult {
  const problems: string[] = [];
  const checked: string[] = [];
  const operations = [
    ...new Set(all.flatMap((result) => result.apiCalls.byOperation.map((e) => e.operation))),
  ];
  for (const scenario of [...new Set(all.map((result) => result.scenario))]) {
    const mine = all.filter((result) => result.scenario === scenario);
    for (const operation of operations) {
      for (const by of ["k", "j"] as const) {
        for (const entry of slopes(mine, (result) => calls(result, operation), by)) {
          const [d = 0, m = 0] = entry.size.split("×").map(Number);
          const checks = slopes(
            mine.filter((result) => `${result.directories}×${result.npsServers}` === entry.size),
            (result) => result.stateTransitions,
            by,
          );
          // A poll adds one check per phase waiting; each check lists its ids in batches.
          const phasesPerPoll = (checks[0]?.perPoll ?? 0) / 3;
          const allowed =
            operation === "DescribeDirectories" && by === "k"
              ? Math.ceil(d / directoryIdsPerDescribe) * phasesPerPoll
              : operation === "ListCommandInvocations" && by === "j"
                ? Math.ceil(m / invocationsPerList) * phasesPerPoll
                : 0;
          if (entry.perPoll > allowed)
            problems.push(`${operation} +${entry.perPoll} per ${by}-poll in ${scenario} at ${entry.size}`);
          else if (entry.perPoll > 0)
            checked.push(`${operation} +${entry.perPoll}/${by}-poll at ${entry.size} (${scenario})`);
        }
      }
    }
  }
  return {
    target: "API calls grow with D + M + polls, never D × M or D × polls (per-directory describes batched)",
    measured:
      problems.length > 0
        ? problems.join("; ")
        : `per poll only the batched checks: one DescribeDirectories per ${directoryIdsPerDescribe} pending directories, ` +
          `one ListCommandInvocations per command (${invocationsPerList} servers); e.g. ${[...new Set(checked)].slice(0, 4).join("; ")}`,
    met: problems.length === 0 && checked.length > 0,
    note:
      problems.length > 0
        ? "an operation is called per directory or per server on every poll: batch it as the checks do"
        : "",
  };
}

function noOpTarget(all: ScenarioFigures[]): TargetResult {
  const noOps = all.filter((result) => result.scenario === "no-op reconcile");
  const transitions = Math.max(0, ...noOps.map((result) => result.stateTransitions));
  const mutating = Math.max(0, ...noOps.map((result) => result.apiCalls.mutating));
  return {
    target: "no-op reconcile ≤ 10 state transitions and 0 mutating calls, at every latency",
    measured:
      noOps.length === 0
        ? "not measured"
        : `${transitions} transitions at most, ${mutating} mutating calls at most (${noOps.length} runs), ` +
          `${Math.max(0, ...noOps.map(estateChanges))} changing the estate`,
    met: noOps.length > 0 && transitions <= 10 && mutating === 0,
    note: noOps.length > 0 && (transitions > 10 || mutating > 0) ? noOpCheckNote : "",
  };
}

function payloadTarget(all: ScenarioFigures[]): TargetResult {
  const largest = all
    .filter((result) => result.directories === 100 && result.npsServers === 4)
    .reduce<ScenarioFigures | undefined>(
      (max, result) => (!max || result.largestPayload.bytes > max.largestPayload.bytes ? result : max),
      undefined,
    );
  return {
    target: "largest state payload < 64 KB at 100 × 4, every scenario and latency",
    measured: largest
      ? `${(largest.largestPayload.bytes / 1024).toFixed(1)} KB at most (${largest.scenario}, k = ${largest.latency.creatingPolls}, ` +
        `j = ${largest.latency.pendingPolls}, ${largest.largestPayload.state} ${largest.largestPayload.direction})`
      : "not measured",
    met: largest !== undefined && largest.largestPayload.bytes < 64 * 1024,
    note: "",
  };
}

/**
 * Judges every target of issue 10.
 *
 * @example
 * ```ts
 * evaluateLatencyTargets(results).filter((target) => !target.met);
 * ```
 */
export function evaluateLatencyTargets(results: BenchResults): TargetResult[] {
  const all = measured(results);
  return [
    blueGreenTarget(all),
    eventsGrowthTarget(all),
    callsGrowthTarget(all),
    noOpTarget(all),
    payloadTarget(all),
    definitionTarget(),
  ];
}
