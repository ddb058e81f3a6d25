/**
 * How long each step of an execution would take on AWS, read from the local interpreter's event log:
 * the one rule behind both the bench's simulated duration (bench/history.ts) and the rig clock's
 * advances in the workflow runner (test/support/workflow.ts). The local interpreter skips every wait;
 * this rule does not.
 *
 * - a Wait state lasts its `Seconds`, or its `SecondsPath` read from the state's input;
 * - a Retry pauses `IntervalSeconds`·`BackoffRate`^(attempt−1), capped at `MaxDelaySeconds` (full
 *   jitter waits up to that: the upper bound is taken);
 * - every Lambda attempt (a Task state's first one, and each retry) is one
 *   {@link TASK_ALLOWANCE_SECONDS}, the allowance the time budget (shared/core/time-budget.ts) makes.
 */
import { TASK_ALLOWANCE_SECONDS } from "../../shared/core/time-budget.js";
import type { EventLog, Json } from "./workflow.js";

/** One step that takes time on AWS: a Wait, a Task's first Lambda attempt, or a Retry (pause + attempt). */
export interface SimulatedStep {
  kind: "wait" | "retry" | "task";
  /** Seconds the execution pauses: a Wait's, or the Retry's before its attempt; 0 for a task. */
  pauseSeconds: number;
  /** Seconds allowed for the Lambda attempt this step makes (0 for a wait). */
  attemptSeconds: number;
}

type StateEvent = EventLog & { state: { name: string; type: string; input?: unknown } };

/**
 * Whether a log entry belongs to a state (entered, exited, retried …).
 *
 * @example
 * ```ts
 * events.filter(isStateEvent).map((event) => event.state.name);
 * ```
 */
export const isStateEvent = (event: EventLog): event is StateEvent => "state" in event;

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

/**
 * The seconds a Wait state waits on AWS: its `Seconds`, or its `SecondsPath` read from its input.
 *
 * @example
 * ```ts
 * waitSeconds({ Type: "Wait", SecondsPath: "$.poll" }, { poll: 15 }); // 15
 * ```
 */
export function waitSeconds(state: Json, input: unknown): number {
  if (typeof state.Seconds === "number") return state.Seconds;
  return Number(readPath(input, String(state.SecondsPath ?? "")) ?? 0);
}

/**
 * The upper bound of a retrier's pause before retry `attempt` (1 for the first retry).
 *
 * @example
 * ```ts
 * retryPauseSeconds({ IntervalSeconds: 3, BackoffRate: 2 }, 2); // 6
 * ```
 */
export function retryPauseSeconds(retrier: Json, attempt: number): number {
  const interval =
    Number(retrier.IntervalSeconds ?? 1) * Number(retrier.BackoffRate ?? 2) ** Math.max(0, attempt - 1);
  return Math.min(interval, Number(retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY));
}

/**
 * The time one log entry stands for on AWS, or undefined when it takes none (a Choice, an exit …).
 *
 * @example
 * ```ts
 * simulatedStep(event, collectStates(definition)); // { kind: "wait", pauseSeconds: 15, attemptSeconds: 0 }
 * ```
 */
export function simulatedStep(event: EventLog, states: ReadonlyMap<string, Json>): SimulatedStep | undefined {
  if (!isStateEvent(event)) return undefined;
  if (event.type === "StateEntered" && event.state.type === "Wait") {
    const pauseSeconds = waitSeconds(states.get(event.state.name) ?? {}, event.state.input);
    return { kind: "wait", pauseSeconds, attemptSeconds: 0 };
  }
  if (event.type === "StateEntered" && event.state.type === "Task") {
    return { kind: "task", pauseSeconds: 0, attemptSeconds: TASK_ALLOWANCE_SECONDS };
  }
  if (event.type === "StateRetried") {
    const { retrier, attempt } = (event as unknown as { retry: { retrier: Json; attempt: number } }).retry;
    return {
      kind: "retry",
      pauseSeconds: retryPauseSeconds(retrier, attempt),
      attemptSeconds: TASK_ALLOWANCE_SECONDS,
    };
  }
  return undefined;
}
