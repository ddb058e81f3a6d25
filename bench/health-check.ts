/**
 * Issue 20: what the read-only NPS health check costs, next to the no-op reconcile it runs beside by
 * default (both hourly): state transitions, history events and API calls per run and per hour. Each
 * size gets a fresh, converged estate; then one measured no-op reconcile and one measured health check.
 */
import { removeAllTestDoubles } from "../test/support/doubles/index.js";
import { runWorkflow } from "../test/support/workflow.js";
import { type EstateSize, prepareBenchWorld } from "./estate.js";
import { countHistoryEvents } from "./history.js";
import { type ApiCallFigures, countApiCalls, countStateTransitions } from "./measure.js";

/** One execution's cost. */
export interface RunCost {
  status: "SUCCEEDED" | "FAILED";
  stateTransitions: number;
  historyEvents: number;
  apiCalls: ApiCallFigures;
}

/** The health check and the no-op reconcile at one size. */
export interface HealthCheckFigures extends EstateSize {
  noOpReconcile: RunCost;
  healthCheck: RunCost;
}

/** Runs per hour with the default schedules (`driftCheckSchedule`, `healthCheckSchedule`: rate(1 hour)). */
export const runsPerHour = { noOpReconcile: 1, healthCheck: 1 } as const;

function costOf(
  result: Awaited<ReturnType<typeof runWorkflow>>,
  calls: Parameters<typeof countApiCalls>[0],
): RunCost {
  return {
    status: result.status,
    stateTransitions: countStateTransitions(result.events),
    historyEvents: countHistoryEvents(result.events).total,
    apiCalls: countApiCalls(calls),
  };
}

/**
 * Measures both runs at each size.
 *
 * @example
 * ```ts
 * const figures = await measureHealthChecks([{ directories: 10, npsServers: 4 }], { reset: moto.reset });
 * ```
 */
export async function measureHealthChecks(
  sizes: readonly EstateSize[],
  options: { reset: () => Promise<void> },
): Promise<HealthCheckFigures[]> {
  const figures: HealthCheckFigures[] = [];
  try {
    for (const size of sizes) {
      removeAllTestDoubles();
      await options.reset();
      const { world } = await prepareBenchWorld(size);
      const first = await runWorkflow({ mode: "reconcile" });
      if (first.status !== "SUCCEEDED")
        throw new Error(`the first reconcile failed: ${first.error}: ${first.cause}`);
      world.calls.reset();
      const reconcile = await runWorkflow({ mode: "reconcile" });
      const reconcileCost = costOf(reconcile, [...world.calls.calls]);
      world.calls.reset();
      const health = await runWorkflow({}, { definition: "health" });
      figures.push({
        ...size,
        noOpReconcile: reconcileCost,
        healthCheck: costOf(health, [...world.calls.calls]),
      });
    }
    return figures;
  } finally {
    removeAllTestDoubles();
  }
}

const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;

/**
 * The health check's section of docs/benchmarks.md.
 *
 * @example
 * ```ts
 * healthCheckSection(results.healthChecks ?? []);
 * ```
 */
export function healthCheckSection(figures: readonly HealthCheckFigures[]): string[] {
  const calls = (cost: RunCost) => `${cost.apiCalls.total} (${cost.apiCalls.mutating} mutating)`;
  const hourly = (each: HealthCheckFigures, pick: (cost: RunCost) => number) =>
    pick(each.noOpReconcile) * runsPerHour.noOpReconcile + pick(each.healthCheck) * runsPerHour.healthCheck;
  return [
    "## NPS health check cost (issue 20)",
    "",
    "The read-only health check (state machine `radius-sync-<stage>-health`) next to the no-op reconcile,",
    "each run once an hour by default; per hour = one of each. API calls count every call the functions",
    "made (mutating: the health command, its records in the state table; none changes the estate).",
    "",
    row(["D × M", "run", "status", "transitions", "history events", "API calls"]),
    row(["---", "---", "---", "---", "---", "---"]),
    ...figures.flatMap((each) => {
      const size = `${each.directories} × ${each.npsServers}`;
      return [
        row([
          size,
          "no-op reconcile",
          each.noOpReconcile.status,
          each.noOpReconcile.stateTransitions,
          each.noOpReconcile.historyEvents,
          calls(each.noOpReconcile),
        ]),
        row([
          size,
          "health check",
          each.healthCheck.status,
          each.healthCheck.stateTransitions,
          each.healthCheck.historyEvents,
          calls(each.healthCheck),
        ]),
        row([
          size,
          "per hour (both)",
          "",
          hourly(each, (cost) => cost.stateTransitions),
          hourly(each, (cost) => cost.historyEvents),
          hourly(each, (cost) => cost.apiCalls.total),
        ]),
      ];
    }),
    "",
  ];
}
