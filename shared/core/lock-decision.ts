import { LockHeld } from "../errors.js";

/**
 * What the AcquireLock state (shared/steps/lock.ts) makes of the lock table's answer: go ahead, wait
 * in the queue, coalesce into the queued execution, or give up after waiting too long. Pure.
 */

/** What the lock table answered one attempt to take the mutation lock. */
export type LockOutcome = "acquired" | "queued" | "coalesced";

/** What the AcquireLock state tells the state machine to do next. */
export interface LockDecision {
  status: LockOutcome;
  attempt: number;
  pollSeconds: number;
  reason: string;
  /**
   * When the lock was taken (UTC, milliseconds). One execution holds the lock at a time, so these
   * times order the holders: the NPS pushes of a later holder are newer (shared/core/nps-push.ts).
   */
  acquiredAt?: string;
}

/** Why each outcome is what it is, as the execution's output says. */
export const lockReasons: Readonly<Record<LockOutcome, string>> = {
  acquired: "this execution holds the mutation lock",
  queued: "another execution holds the lock; this one is next",
  coalesced: "another execution holds the lock and one is already queued; it will pick up these changes",
};

/**
 * Decides one attempt (`attempt` counts it, from 1). A queued execution gives up with LockHeld once
 * it has waited about `maxWaitSeconds` (attempt × pollSeconds reaches it), and must then leave the
 * queue; every other outcome is passed on with its reason.
 *
 * @example
 * ```ts
 * decideLock({ outcome: "queued", attempt: 3, pollSeconds: 10, maxWaitSeconds: 30 });
 * // { status: "gaveUp", error: LockHeld("another execution still holds the mutation lock after 3 attempts …") }
 * ```
 */
export function decideLock(options: {
  outcome: LockOutcome;
  attempt: number;
  pollSeconds: number;
  maxWaitSeconds: number;
  nowMs?: number;
}): LockDecision | { status: "gaveUp"; error: LockHeld } {
  const { outcome, attempt, pollSeconds } = options;
  const waitedSeconds = attempt * pollSeconds;
  if (outcome === "queued" && waitedSeconds >= options.maxWaitSeconds) {
    const error = new LockHeld(
      `another execution still holds the mutation lock after ${attempt} attempts over about ` +
        `${waitedSeconds} s; the next scheduled run will try again`,
    );
    return { status: "gaveUp", error };
  }
  const decision: LockDecision = { status: outcome, attempt, pollSeconds, reason: lockReasons[outcome] };
  if (outcome === "acquired" && options.nowMs !== undefined)
    decision.acquiredAt = new Date(options.nowMs).toISOString();
  return decision;
}
