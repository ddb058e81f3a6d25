/**
 * Step Functions' execution history and duration, measured from the local interpreter's event log.
 * The local interpreter (aws-local-stepfunctions) enforces neither the 25,000-event limit nor the
 * execution's `TimeoutSeconds`; these counters and the simulated clock are what show an execution
 * stays inside both. The event count is the product's own (shared/core/history-events.ts, with the
 * table of events per state and its sources), so that what the bench measures and what the
 * configuration bounds (shared/core/history-budget.ts) are counted one way.
 */
import { TASK_ALLOWANCE_SECONDS } from "../shared/core/time-budget.js";
import type { EventLog, Json } from "../test/support/workflow.js";

export { countHistoryEvents, type HistoryEventFigures } from "../shared/core/history-events.js";

type StateEvent = EventLog & { state: { name: string; type: string; input?: unknown } };

const hasState = (event: EventLog): event is StateEvent => "state" in event;

/** Reads a reference path such as `$.work.waits.pollSeconds` (the only form the definition uses). */
function readPath(input: unknown, path: string): unknown {
  let value: unknown = input;
  for (const key of path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean)) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/** The simulated duration of an execution and what it is made of, in seconds. */
export interface SimulatedDuration {
  seconds: number;
  waits: number;
  retries: number;
  tasks: number;
}

/**
 * The time the execution would take on AWS, from its event log: every Wait state's seconds (its
 * `Seconds`, or its `SecondsPath` read from the state's input), every Retry's interval at its upper
 * bound (`IntervalSeconds`·`BackoffRate`^(attempt−1), capped at `MaxDelaySeconds`; full jitter waits up
 * to that), and {@link TASK_ALLOWANCE_SECONDS} per Lambda attempt — the same allowance the time budget
 * (shared/core/time-budget.ts) makes. The local interpreter skips the waits; this clock does not.
 *
 * @example
 * ```ts
 * simulatedDuration(result.events, collectStates(definition)).seconds; // 15·polls + …
 * ```
 */
export function simulatedDuration(
  events: readonly EventLog[],
  states: ReadonlyMap<string, Json>,
): SimulatedDuration {
  const duration = { seconds: 0, waits: 0, retries: 0, tasks: 0 };
  for (const event of events) {
    if (!hasState(event)) continue;
    const definition = states.get(event.state.name) ?? {};
    if (event.type === "StateEntered" && event.state.type === "Wait") {
      const seconds =
        typeof definition.Seconds === "number"
          ? definition.Seconds
          : Number(readPath(event.state.input, String(definition.SecondsPath ?? "")) ?? 0);
      duration.waits += seconds;
    } else if (event.type === "StateEntered" && event.state.type === "Task") {
      duration.tasks += TASK_ALLOWANCE_SECONDS;
    } else if (event.type === "StateRetried") {
      const { retrier, attempt } = (event as unknown as { retry: { retrier: Json; attempt: number } }).retry;
      const interval =
        Number(retrier.IntervalSeconds ?? 1) * Number(retrier.BackoffRate ?? 2) ** Math.max(0, attempt - 1);
      duration.retries += Math.min(interval, Number(retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY));
      duration.tasks += TASK_ALLOWANCE_SECONDS;
    }
  }
  duration.seconds = duration.waits + duration.retries + duration.tasks;
  return duration;
}
