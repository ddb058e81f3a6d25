/**
 * Step Functions' execution history, counted from the local interpreter's event log. The local
 * interpreter (aws-local-stepfunctions) enforces neither the 25,000-event limit nor the execution's
 * `TimeoutSeconds`; these counters and the simulated clock are what show an execution stays inside
 * both.
 *
 * Events per state, as Step Functions records them (event types: HistoryEvent `type`,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html; sequences as
 * AWS records them, e.g. the AWS-validated execution-history snapshots of localstack's
 * `tests/aws/services/stepfunctions/v2/error_handling/test_task_lambda.snapshot.json` and
 * `…/scenarios/test_base_scenarios.snapshot.json`):
 *
 * | state | events |
 * | --- | --- |
 * | execution | `ExecutionStarted`, then `ExecutionSucceeded` or `ExecutionFailed` |
 * | Task (a Lambda resource) | `TaskStateEntered`; per attempt `LambdaFunctionScheduled`, `LambdaFunctionStarted`, `LambdaFunctionSucceeded` or `LambdaFunctionFailed`; `TaskStateExited` when it succeeds or a Catch takes its error (none when the error ends the execution) |
 * | Map | `MapStateEntered`, `MapStateStarted`; per iteration `MapIterationStarted` and `MapIterationSucceeded`/`Failed`; `MapStateSucceeded` or `MapStateFailed`; `MapStateExited` |
 * | Wait, Choice, Pass, Succeed | `…StateEntered`, `…StateExited` |
 * | Fail | `FailStateEntered` (then the execution's `ExecutionFailed`) |
 *
 * The local log has one `StateEntered`/`StateExited` per state, a `StateRetried` per further attempt,
 * and `MapIteration*` per iteration: each maps onto the events above.
 */
import type { EventLog, Json } from "../test/support/workflow.js";
import { isStateEvent, simulatedStep } from "../test/support/workflow-time.js";

/** History events of one execution, by the kind of state (or `execution`, `MapIteration`) that made them. */
export interface HistoryEventFigures {
  total: number;
  byKind: Record<string, number>;
}

/**
 * Counts the history events Step Functions would record for the execution whose local event log this is.
 *
 * @example
 * ```ts
 * countHistoryEvents(result.events).total; // 17 for a no-op reconcile
 * ```
 */
export function countHistoryEvents(events: readonly EventLog[]): HistoryEventFigures {
  const byKind: Record<string, number> = {};
  const add = (kind: string, count: number) => {
    byKind[kind] = (byKind[kind] ?? 0) + count;
  };
  const failedMaps = new Set<string>();
  for (const event of events) {
    if (event.type.startsWith("Execution")) {
      add("execution", 1);
      continue;
    }
    if (event.type.startsWith("MapIteration")) {
      add("MapIteration", 1);
      continue;
    }
    if (!isStateEvent(event)) continue;
    const kind = event.state.type;
    const key = `${event.state.name}#${"index" in event ? String(event.index ?? "") : ""}`;
    switch (event.type) {
      case "StateEntered":
        // Entered; a Task's first attempt (Scheduled, Started, Succeeded|Failed); a Map's MapStateStarted.
        add(kind, 1 + (kind === "Task" ? 3 : 0) + (kind === "Map" || kind === "Parallel" ? 1 : 0));
        break;
      case "StateRetried":
        add(kind, 3);
        break;
      case "StateFailed":
        if (kind === "Map" || kind === "Parallel") {
          add(kind, 1);
          failedMaps.add(key);
        }
        break;
      case "StateExited":
        // Exited; a Map's MapStateSucceeded unless it failed (and a Catch took the error).
        add(kind, 1 + ((kind === "Map" || kind === "Parallel") && !failedMaps.delete(key) ? 1 : 0));
        break;
      default:
        break;
    }
  }
  return { total: Object.values(byKind).reduce((sum, count) => sum + count, 0), byKind };
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
