/**
 * Step Functions' execution history, event by event: what each state adds to it, and the count of an
 * execution's events from the local interpreter's event log. One source for the bench
 * (bench/history.ts measures executions) and for the configuration (shared/core/history-budget.ts
 * bounds them): Step Functions stops an execution at 25,000 events, and no Catch handles that.
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
 */

/** Step Functions' limit on one execution's history. */
export const HISTORY_EVENT_LIMIT = 25_000;

/** The events each part of an execution adds to its history (the table above). */
export const historyEvents = {
  /** `ExecutionStarted`. */
  executionStarted: 1,
  /** `ExecutionSucceeded`, `ExecutionFailed`, `ExecutionTimedOut` or `ExecutionAborted`. */
  executionEnded: 1,
  /** `…StateEntered`. */
  stateEntered: 1,
  /** `…StateExited`. */
  stateExited: 1,
  /** One attempt of a Lambda Task: `LambdaFunctionScheduled`, `…Started`, `…Succeeded` or `…Failed`. */
  lambdaAttempt: 3,
  /** A Map's (or Parallel's) `MapStateStarted`, and its `MapStateSucceeded` or `MapStateFailed`. */
  mapStarted: 1,
  mapEnded: 1,
  /** A Map iteration's `MapIterationStarted` or its end. */
  mapIteration: 1,
} as const;

/** A state type of the definition (Amazon States Language `Type`). */
export type StateType = "Task" | "Choice" | "Pass" | "Wait" | "Succeed" | "Fail";

/**
 * The events one pass through a state adds when it ends the usual way: a Task with one attempt that
 * succeeds (or whose error a Catch takes), a Fail state that ends the execution, any other state
 * entered and left.
 *
 * @example
 * ```ts
 * eventsOfState("Task"); // 5
 * eventsOfState("Choice"); // 2
 * ```
 */
export function eventsOfState(type: StateType): number {
  if (type === "Fail") return historyEvents.stateEntered;
  const passing = historyEvents.stateEntered + historyEvents.stateExited;
  return type === "Task" ? passing + historyEvents.lambdaAttempt : passing;
}

/** History events of one execution, by the kind of state (or `execution`, `MapIteration`) that made them. */
export interface HistoryEventFigures {
  total: number;
  byKind: Record<string, number>;
}

/**
 * One entry of the local interpreter's event log (aws-local-stepfunctions), as far as counting
 * needs it: the log has one `StateEntered`/`StateExited` per state, a `StateRetried` per further
 * attempt, `StateFailed` for a failed Map, and `MapIteration*` per iteration.
 */
export interface LoggedEvent {
  type: string;
  state?: { name: string; type: string };
  index?: number | undefined;
}

const isMapLike = (type: string) => type === "Map" || type === "Parallel";

/**
 * Counts the history events Step Functions would record for the execution whose local event log this is.
 *
 * @example
 * ```ts
 * countHistoryEvents(result.events).total; // 17 for a no-op reconcile
 * ```
 */
export function countHistoryEvents(events: readonly LoggedEvent[]): HistoryEventFigures {
  const byKind: Record<string, number> = {};
  const add = (kind: string, count: number) => {
    byKind[kind] = (byKind[kind] ?? 0) + count;
  };
  const failedMaps = new Set<string>();
  for (const event of events) {
    if (event.type.startsWith("Execution")) {
      add(
        "execution",
        event.type === "ExecutionStarted" ? historyEvents.executionStarted : historyEvents.executionEnded,
      );
      continue;
    }
    if (event.type.startsWith("MapIteration")) {
      add("MapIteration", historyEvents.mapIteration);
      continue;
    }
    const { state } = event;
    if (state === undefined) continue;
    const kind = state.type;
    const key = `${state.name}#${String(event.index ?? "")}`;
    switch (event.type) {
      case "StateEntered":
        // Entered; a Task's first attempt; a Map's MapStateStarted.
        add(
          kind,
          historyEvents.stateEntered +
            (kind === "Task" ? historyEvents.lambdaAttempt : 0) +
            (isMapLike(kind) ? historyEvents.mapStarted : 0),
        );
        break;
      case "StateRetried":
        add(kind, historyEvents.lambdaAttempt);
        break;
      case "StateFailed":
        if (isMapLike(kind)) {
          add(kind, historyEvents.mapEnded);
          failedMaps.add(key);
        }
        break;
      case "StateExited":
        // Exited; a Map's MapStateSucceeded unless it failed (and a Catch took the error).
        add(
          kind,
          historyEvents.stateExited +
            (isMapLike(kind) && !failedMaps.delete(key) ? historyEvents.mapEnded : 0),
        );
        break;
      default:
        break;
    }
  }
  return { total: Object.values(byKind).reduce((sum, count) => sum + count, 0), byKind };
}
