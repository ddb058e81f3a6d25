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
 * The pending targets whose invocation SSM lists with a final status.
 *
 * @example
 * ```ts
 * finishedNpsTargets(pending, new Map([["i-0a", "Success"], ["i-0b", "InProgress"]])); // [i-0a's target]
 * ```
 */
export function finishedNpsTargets(
  pending: readonly NpsTarget[],
  statuses: ReadonlyMap<string, string>,
): NpsTarget[] {
  return pending.filter((target) => isInvocationFinished(statuses.get(target.instanceId)));
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
  | { kind: "timedOut"; error: NpsCommandTimedOut; attempt: number; confirmed: number; stillRunning: number };

/**
 * The verdict of one look at an NPS phase: a failure on any server ends it with one error named
 * after the first failure and carrying every failure's message; every server finished is done;
 * servers still running after `maxPolls` checks end it with NpsCommandTimedOut naming each of them
 * with its status; otherwise it keeps waiting for those still running.
 *
 * @example
 * ```ts
 * judgeNpsCheck({ progress, pending, finished, statuses, failures, maxPolls: 40 }); // { kind: "pending", progress, … }
 * ```
 */
export function judgeNpsCheck(options: {
  progress: PhaseProgress;
  pending: readonly NpsTarget[];
  finished: readonly NpsTarget[];
  statuses: ReadonlyMap<string, string>;
  failures: readonly Error[];
  maxPolls: number;
}): NpsCheckVerdict {
  const { progress, failures, statuses } = options;
  const [first] = failures;
  if (first) {
    return {
      kind: "failed",
      error: createWorkflowError(first.name, failures.map((failure) => failure.message).join("; ")),
    };
  }
  const attempt = progress.attempt + 1;
  const done = new Set(options.finished.map((target) => target.instanceId));
  const still = options.pending.filter((target) => !done.has(target.instanceId));
  const checked = { attempt, confirmed: options.finished.length, stillRunning: still.length };
  if (still.length === 0) {
    return { kind: "done", progress: { ...progress, status: "done", attempt, pending: [] }, ...checked };
  }
  if (attempt >= options.maxPolls) {
    const described = still.map(
      (target) =>
        `${target.instanceId} (command ${target.commandId}, ${statuses.get(target.instanceId) ?? "not yet delivered"})`,
    );
    const error = new NpsCommandTimedOut(
      `${still.length} NPS server(s) did not finish after ${attempt} checks: ${described.join(", ")}; ` +
        "is the SSM agent running and the instance reachable?",
    );
    return { kind: "timedOut", error, ...checked };
  }
  const pending = still.map((target) => target.instanceId);
  return { kind: "pending", progress: { ...progress, status: "pending", attempt, pending }, ...checked };
}
