import { acquireMutationLock, releaseMutationLock } from "../aws/lock.js";
import type { Config } from "../config.js";
import { LockHeld } from "../errors.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";

/** What the AcquireLock state tells the state machine to do next. */
export interface LockDecision {
  status: "acquired" | "queued" | "coalesced";
  attempt: number;
  pollSeconds: number;
  reason: string;
}

/**
 * Takes the mutation lock for a run that has changes to make. While another
 * execution holds the lock, one execution waits in the queue (the state machine polls) and every
 * further one coalesces: the queued execution will discover whatever changed, so nothing is lost.
 *
 * @example
 * ```ts
 * const decision = await takeLock({ config, run, attempt: 0, nowSeconds: Math.floor(Date.now() / 1000) });
 * ```
 */
export async function takeLock(options: {
  config: Readonly<Config>;
  run: Run;
  attempt: number;
  nowSeconds: number;
}): Promise<LockDecision> {
  const { config, run } = options;
  const attempt = options.attempt + 1;
  const pollSeconds = config.waits.pollSeconds;
  const outcome = await acquireMutationLock({
    tableName: config.stateTable,
    owner: run.executionId,
    nowSeconds: options.nowSeconds,
    ttlSeconds: config.lock.ttlSeconds,
  });
  if (outcome === "queued" && attempt * pollSeconds >= config.lock.maxWaitSeconds) {
    await releaseMutationLock({ tableName: config.stateTable, owner: run.executionId });
    throw new LockHeld(
      `another execution still holds the mutation lock after ${attempt} attempts over about ` +
        `${attempt * pollSeconds} s; the next scheduled run will try again`,
    );
  }
  const reasons = {
    acquired: "this execution holds the mutation lock",
    queued: "another execution holds the lock; this one is next",
    coalesced: "another execution holds the lock and one is already queued; it will pick up these changes",
  } as const;
  logger.info("mutation lock", { outcome, attempt });
  return { status: outcome, attempt, pollSeconds, reason: reasons[outcome] };
}
