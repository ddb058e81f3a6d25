import { createWorkflowError, NpsCommandTimedOut, type RadiusSyncError } from "../errors.js";
import { isInvocationFinished } from "./nps-invocation.js";
import type { NpsPushPhase, NpsTarget, PhaseProgress } from "./phases.js";

/**
 * The progress of an NPS phase whose commands were sent: every target pending, no check made yet.
 *
 * @example
 * ```ts
 * startedNpsProgress(phase, targets); // { status: "pending", started: 2, attempt: 0, pending: ["i-0a", "i-0b"], targets }
 * ```
 */
export function startedNpsProgress(
  phase: Pick<NpsPushPhase, "instanceIds">,
  targets: NpsTarget[],
): PhaseProgress {
  return {
    status: "pending",
    started: phase.instanceIds.length,
    attempt: 0,
    pending: targets.map((target) => target.instanceId),
    targets,
  };
}

/**
 * The targets still waited for, in the order they were sent.
 *
 * @example
 * ```ts
 * pendingNpsTargets({ ...progress, pending: ["i-0b"] }); // [{ instanceId: "i-0b", commandId, nonce }]
 * ```
 */
export function pendingNpsTargets(progress: Pick<PhaseProgress, "pending" | "targets">): NpsTarget[] {
  const waitingFor = new Set(progress.pending);
  return (progress.targets ?? []).filter((target) => waitingFor.has(target.instanceId));
}

/**
 * The commands to list (each once: one ListCommandInvocations covers up to 50 of its servers).
 *
 * @example
 * ```ts
 * commandIdsOf(targets); // ["c-1", "c-2"]
 * ```
 */
export function commandIdsOf(targets: readonly NpsTarget[]): string[] {
  return [...new Set(targets.map((target) => target.commandId))];
}

/**
 * The key of one invocation in a status listing: its command and its instance, so that two commands
 * of one phase that reach the same server are never confused.
 *
 * @example
 * ```ts
 * invocationKey({ commandId: "c-1", instanceId: "i-0a" }); // "c-1/i-0a"
 * ```
 */
export function invocationKey(target: { commandId: string; instanceId: string }): string {
  return `${target.commandId}/${target.instanceId}`;
}

/**
 * The pending targets whose invocation SSM lists with a final status (statuses by {@link invocationKey}).
 *
 * @example
 * ```ts
 * finishedNpsTargets(pending, new Map([["c-1/i-0a", "Success"], ["c-1/i-0b", "InProgress"]])); // [i-0a's target]
 * ```
 */
export function finishedNpsTargets(
  pending: readonly NpsTarget[],
  statuses: ReadonlyMap<string, string>,
): NpsTarget[] {
  return pending.filter((target) => isInvocationFinished(statuses.get(invocationKey(target))));
}

/**
 * What a failure confirming one server becomes: data to report with the others, except a throttled
 * AWS call, which is rethrown so the state machine retries the whole check.
 *
 * @throws the error itself when it is AwsThrottled.
 *
 * @example
 * ```ts
 * failures.push(collectedFailure(error));
 * ```
 */
export function collectedFailure(error: unknown): Error {
  if (error instanceof Error && error.name === "AwsThrottled") throw error;
  return error instanceof Error ? error : new Error(String(error));
}

/** A failure confirming one server, with where the server stands in the command and whether it ran. */
export interface ServerFailure {
  /** The server's place in the command: SSM runs them in this order, one at a time. */
  order: number;
  /** SSM never ran it there: it stopped the command after an earlier server failed (MaxErrors 0, "Terminated"). */
  notRun: boolean;
  error: Error;
}

/**
 * The failures in the order that explains them: those of servers that ran, in command order, then
 * those SSM never ran because of them — so the phase's error is named after the server that failed,
 * whichever confirmation finished first.
 *
 * @example
 * ```ts
 * explainingOrder([{ order: 1, notRun: true, error: terminated }, { order: 0, notRun: false, error: bypassed }]);
 * // [bypassed, terminated]
 * ```
 */
export function explainingOrder(failures: readonly ServerFailure[]): Error[] {
  return [...failures]
    .sort((left, right) => Number(left.notRun) - Number(right.notRun) || left.order - right.order)
    .map((failure) => failure.error);
}

/** Whether SSM stopped a command on this server before it ran, because an earlier one failed (MaxErrors). */
export function stoppedAfterAnotherFailed(invocation: { status: string; statusDetails?: string }): boolean {
  return invocation.status === "Cancelled" && invocation.statusDetails === "Terminated";
}

/** The outcome of one look at an NPS phase, with what the log reports. */
export type NpsCheckVerdict =
  | { kind: "failed"; error: RadiusSyncError }
  | {
      kind: "done" | "pending";
      progress: PhaseProgress;
      attempt: number;
      confirmed: number;
      stillRunning: number;
    }
  | {
      /** Gave up now: cancel `cancel`, and keep waiting until each has ended. */
      kind: "giveUp";
      cancel: NpsTarget[];
      progress: PhaseProgress;
      attempt: number;
      confirmed: number;
      stillRunning: number;
    }
  | { kind: "timedOut"; error: NpsCommandTimedOut; attempt: number; confirmed: number; stillRunning: number };

/**
 * The verdict of one look at an NPS phase: a failure on any server ends it with one error named
 * after the first failure and carrying every failure's message; every server finished is done;
 * servers still running after `maxPolls` checks are given up on — cancelled, then waited for until
 * each has ended (at most `cancelPolls` more checks), and only then does the phase end with
 * NpsCommandTimedOut naming each of them, so that no command outlives the wait and nothing else is
 * pushed to a server before its command has ended; otherwise it keeps waiting.
 *
 * @example
 * ```ts
 * judgeNpsCheck({ progress, pending, finished, statuses, failures, maxPolls: 40, cancelPolls: 20 }); // { kind: "pending", progress, … }
 * ```
 */
export function judgeNpsCheck(options: {
  progress: PhaseProgress;
  pending: readonly NpsTarget[];
  finished: readonly NpsTarget[];
  statuses: ReadonlyMap<string, string>;
  failures: readonly Error[];
  maxPolls: number;
  cancelPolls: number;
}): NpsCheckVerdict {
  const { progress, failures, statuses } = options;
  const attempt = progress.attempt + 1;
  const done = new Set(options.finished.map(invocationKey));
  const still = options.pending.filter((target) => !done.has(invocationKey(target)));
  const checked = { attempt, confirmed: options.finished.length, stillRunning: still.length };
  const pending = still.map((target) => target.instanceId);
  const described = still.map(
    (target) =>
      `${target.instanceId} (command ${target.commandId}, ${statuses.get(invocationKey(target)) ?? "not yet delivered"})`,
  );
  const { givenUp } = progress;
  if (givenUp !== undefined) {
    if (still.length === 0) {
      const error = new NpsCommandTimedOut(
        `${givenUp.reason}; radius-sync cancelled them, and each has ended`,
      );
      return { kind: "timedOut", error, ...checked };
    }
    if (attempt >= givenUp.attempt + options.cancelPolls) {
      const error = new NpsCommandTimedOut(
        `${givenUp.reason}; radius-sync cancelled them, but ${described.join(", ")} had not ended ` +
          `${attempt - givenUp.attempt} checks later (SSM does not promise a cancel): such a server refuses ` +
          "that command once a newer push has reached it",
      );
      return { kind: "timedOut", error, ...checked };
    }
    return { kind: "pending", progress: { ...progress, status: "pending", attempt, pending }, ...checked };
  }
  const [first] = failures;
  if (first) {
    return {
      kind: "failed",
      error: createWorkflowError(first.name, failures.map((failure) => failure.message).join("; ")),
    };
  }
  if (still.length === 0) {
    return { kind: "done", progress: { ...progress, status: "done", attempt, pending: [] }, ...checked };
  }
  if (attempt >= options.maxPolls) {
    const reason =
      `${still.length} NPS server(s) did not finish after ${attempt} checks: ${described.join(", ")}; ` +
      "is the SSM agent running and the instance reachable?";
    return {
      kind: "giveUp",
      cancel: still,
      progress: { ...progress, status: "pending", attempt, pending, givenUp: { attempt, reason } },
      ...checked,
    };
  }
  return { kind: "pending", progress: { ...progress, status: "pending", attempt, pending }, ...checked };
}
