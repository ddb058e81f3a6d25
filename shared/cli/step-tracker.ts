import type { HistoryEvent } from "@aws-sdk/client-sfn";

/** A step that has started and not yet ended. */
export interface OpenStep {
  name: string;
  startedAt: Date;
  /** How many Map states it runs inside (0 = top level), for indenting. */
  depth: number;
}

/** A step that ended: exited normally, or failed with an error name. */
export interface FinishedStep extends OpenStep {
  endedAt: Date;
  /** The error name when the step failed (a Catch may still have handled it). */
  error?: string;
  /** The error a Retry got the step past: it failed once, then exited normally. */
  retriedAfter?: string;
}

/** How the execution ended, as its last history event says. */
export type ExecutionEnd = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

const endings: Record<string, ExecutionEnd> = {
  ExecutionSucceeded: "SUCCEEDED",
  ExecutionFailed: "FAILED",
  ExecutionTimedOut: "TIMED_OUT",
  ExecutionAborted: "ABORTED",
};

/** A Task (re)scheduled: after a failure it means a Retry. */
const scheduledTypes = ["TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"];

/**
 * Choice and Succeed states are instant decisions, and Pass states the phase loop's bookkeeping (which
 * phase is next); showing them would bury the steps that do work.
 */
const silentStateKinds = ["Choice", "Succeed", "Pass"];

const failureDetails = (event: HistoryEvent) =>
  event.taskFailedEventDetails ??
  event.lambdaFunctionFailedEventDetails ??
  event.lambdaFunctionTimedOutEventDetails ??
  event.taskTimedOutEventDetails ??
  event.executionFailedEventDetails;

/**
 * Turns Step Functions history events into step progress: which steps run now, which ended and
 * how long each took (from the events' own timestamps). Feed it every event once, in order.
 *
 * @example
 * ```ts
 * const tracker = new StepTracker();
 * const finished = tracker.apply(event); // the steps this event ended, if any
 * tracker.open; // what runs now
 * tracker.end; // "SUCCEEDED" once the execution has ended
 * ```
 */
export class StepTracker {
  /** The steps running now, oldest first. */
  readonly open: OpenStep[] = [];
  /** How the execution ended, once it has. */
  end: ExecutionEnd | undefined;
  /** The Map states open now, innermost last: inner steps are indented under them. */
  private readonly maps: string[] = [];
  /** The newest failure's error name: a failed Map reports the error of the step that broke it. */
  private lastError: string | undefined;
  /** Failed steps already shown, by name: a Retry may still bring one to a normal exit. */
  private readonly failed = new Map<string, FinishedStep>();
  /** Kind and pending failure of each open step (a failed step stays open until a Retry or Catch decides). */
  private readonly details = new WeakMap<
    OpenStep,
    { kind: string; failure?: { error: string; at: Date }; retriedAfter?: string }
  >();

  /** Applies one event; returns the steps it finished (usually none or one). */
  apply(event: HistoryEvent): FinishedStep[] {
    const type = event.type ?? "";
    const at = event.timestamp ?? new Date();
    const ending = endings[type];
    if (ending) {
      this.end = ending;
      return this.flushFailures();
    }
    if (type.endsWith("StateEntered")) {
      // Another state runs, so a pending failure was caught (or the execution moved on): show it.
      const flushed = this.flushFailures();
      const kind = type.slice(0, -"StateEntered".length);
      const name = event.stateEnteredEventDetails?.name ?? kind;
      if (!silentStateKinds.includes(kind)) {
        const step: OpenStep = { name, startedAt: at, depth: this.maps.length };
        this.details.set(step, { kind });
        this.open.push(step);
      }
      if (kind === "Map") this.maps.push(name);
      return flushed;
    }
    if (type.endsWith("StateExited")) return this.exit(type, event.stateExitedEventDetails?.name, at);
    if (type === "MapStateFailed" || type === "MapStateAborted") {
      const flushed = this.flushFailures();
      const name = this.maps.pop();
      return [...flushed, ...this.close((step) => step.name === name, at, this.lastError ?? type)];
    }
    if (scheduledTypes.includes(type)) {
      // Scheduled again after a failure: a Retry, so the failure is not the step's end.
      const retried = this.open.findLast((step) => this.details.get(step)?.failure);
      const detail = retried && this.details.get(retried);
      if (detail?.failure) {
        detail.retriedAfter = detail.failure.error;
        delete detail.failure;
      }
      return [];
    }
    // An iteration is not a step: the failed step inside it has been marked already.
    if (type === "MapIterationFailed") return [];
    if (type.endsWith("Failed") || type.endsWith("TimedOut")) {
      // Failure events name no state: it is the newest open task, preferably one not failing already.
      const error = failureDetails(event)?.error ?? type;
      this.lastError = error;
      const tasks = this.open.filter((step) => this.details.get(step)?.kind !== "Map");
      const target = tasks.findLast((step) => !this.details.get(step)?.failure) ?? tasks.at(-1);
      const detail = target && this.details.get(target);
      if (detail) detail.failure = { error, at };
    }
    return [];
  }

  private exit(type: string, stateName: string | undefined, at: Date): FinishedStep[] {
    const kind = type.slice(0, -"StateExited".length);
    const name = stateName ?? kind;
    const mapIndex = kind === "Map" ? this.maps.lastIndexOf(name) : -1;
    if (mapIndex >= 0) this.maps.splice(mapIndex, 1);
    const index = this.open.findLastIndex((step) => step.name === name);
    const [step] = index >= 0 ? this.open.splice(index, 1) : [];
    if (step) {
      // Exited with a failure still pending: a Catch handled it, and the step failed.
      const detail = this.details.get(step);
      if (detail?.failure) return [{ ...step, endedAt: at, error: detail.failure.error }];
      return [
        { ...step, endedAt: at, ...(detail?.retriedAfter ? { retriedAfter: detail.retriedAfter } : {}) },
      ];
    }
    // A failure already shown (a sibling moved on first), then its Retry succeeded.
    const shown = this.failed.get(name);
    if (!shown?.error) return [];
    this.failed.delete(name);
    const { error, ...rest } = shown;
    return [{ ...rest, endedAt: at, retriedAfter: error }];
  }

  private flushFailures(): FinishedStep[] {
    const flushed: FinishedStep[] = [];
    for (const step of [...this.open]) {
      const failure = this.details.get(step)?.failure;
      if (!failure) continue;
      this.open.splice(this.open.indexOf(step), 1);
      const finished = { ...step, endedAt: failure.at, error: failure.error };
      this.failed.set(step.name, finished);
      flushed.push(finished);
    }
    return flushed;
  }

  private close(matches: (step: OpenStep) => boolean, at: Date, error?: string): FinishedStep[] {
    const index = this.open.findLastIndex(matches);
    const [step] = index >= 0 ? this.open.splice(index, 1) : [];
    return step ? [{ ...step, endedAt: at, ...(error ? { error } : {}) }] : [];
  }
}
