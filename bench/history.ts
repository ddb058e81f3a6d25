/**
 * Step Functions' execution history and duration, measured from the local interpreter's event log.
 * The local interpreter (aws-local-stepfunctions) enforces neither the 25,000-event limit nor the
 * execution's `TimeoutSeconds`; these counters and the simulated clock are what show an execution
 * stays inside both. The event count is the product's own (shared/core/history-events.ts, with the
 * table of events per state and its sources), so that what the bench measures and what the
 * configuration bounds (shared/core/history-budget.ts) are counted one way.
 */
import type { EventLog, Json } from "../test/support/workflow.js";
import { simulatedStep } from "../test/support/workflow-time.js";

export { countHistoryEvents, type HistoryEventFigures } from "../shared/core/history-events.js";

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
 * to that), and `TASK_ALLOWANCE_SECONDS` per Lambda attempt — the same allowance the time budget
 * (shared/core/time-budget.ts) makes. The local interpreter skips the waits; this clock does not. The
 * rule is test/support/workflow-time.ts's, which the rig clock follows during a run.
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
    const step = simulatedStep(event, states);
    if (step === undefined) continue;
    if (step.kind === "wait") duration.waits += step.pauseSeconds;
    if (step.kind === "retry") duration.retries += step.pauseSeconds;
    duration.tasks += step.attemptSeconds;
  }
  duration.seconds = duration.waits + duration.retries + duration.tasks;
  return duration;
}
