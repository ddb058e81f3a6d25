import { acquireMutationLock, releaseMutationLock } from "../aws/lock.js";
import type { Config } from "../config.js";
import { decideLock, type LockDecision } from "../core/lock-decision.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";

export type { LockDecision };

/**
 * Takes the mutation lock for a run that has changes to make. While another
 * execution holds the lock, one execution waits in the queue (the state machine polls) and every
 * further one coalesces: the queued execution will discover whatever changed, so nothing is lost.
 *
 * @example
 * ```ts
 * const decision = await takeLock({ config, run, attempt: 0, nowMs: Date.now() });
 * ```
 */
export async function takeLock(options: {
  config: Readonly<Config>;
  run: Run;
  attempt: number;
  nowMs: number;
}): Promise<LockDecision> {
  const { config, run } = options;
  const attempt = options.attempt + 1;
  const outcome = await acquireMutationLock({
    tableName: config.stateTable,
    owner: run.executionId,
    nowSeconds: Math.floor(options.nowMs / 1000),
    ttlSeconds: config.lock.ttlSeconds,
  });
  const decision = decideLock({
    outcome,
    attempt,
    pollSeconds: config.waits.pollSeconds,
    maxWaitSeconds: config.lock.maxWaitSeconds,
    nowMs: options.nowMs,
  });
  if (decision.status === "gaveUp") {
    // Leave the queue, so that the next scheduled run can take the place.
    await releaseMutationLock({ tableName: config.stateTable, owner: run.executionId });
    throw decision.error;
  }
  logger.info("mutation lock", { outcome, attempt });
  return decision;
}
