import { setTimeout as sleep } from "node:timers/promises";
import { type BackoffPolicy, fullJitterDelayMs } from "../core/backoff.js";
import { mapWithConcurrency } from "../core/concurrency.js";

/** How one item of a batch is retried when AWS throttles it, inside the step. */
export interface ThrottlingRetry extends BackoffPolicy {
  sleep: (milliseconds: number) => Promise<unknown>;
  random: () => number;
}

/**
 * Directory Service and EC2 throttle bursts of control-plane calls (RequestLimitExceeded,
 * ThrottlingException, ServiceException — shared/aws/aws-errors.ts). A step that changes many
 * directories or groups retries the one throttled item a few times with full jitter (at most about
 * 1.4 s in all, well inside the Lambda timeout) rather than failing the whole chunk; past that the step
 * fails with AwsThrottled and the state machine's own Retry, with its longer backoff, takes over.
 */
export const defaultThrottlingRetry: ThrottlingRetry = {
  baseMs: 200,
  capMs: 2000,
  maxRetries: 3,
  sleep,
  random: Math.random,
};

/**
 * Runs `work`, retrying it while it fails with AwsThrottled (what the adapters turn AWS's transient
 * errors into), up to the policy's retries.
 *
 * @example
 * ```ts
 * await retryThrottled(() => enableOrUpdateRadius(request));
 * ```
 */
export async function retryThrottled<Result>(
  work: () => Promise<Result>,
  retry: ThrottlingRetry = defaultThrottlingRetry,
): Promise<Result> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const throttled = error instanceof Error && error.name === "AwsThrottled";
      if (!throttled || attempt >= retry.maxRetries) throw error;
      await retry.sleep(fullJitterDelayMs(retry, attempt, retry.random()));
    }
  }
}

/** How {@link mapPacedThrottled} paces a batch: its calls in flight, its backoff, and its time. */
export interface PacedBatch {
  concurrency: number;
  /** The backoff after a throttle (`maxRetries` caps the exponent, not the number of retries). */
  retry: ThrottlingRetry;
  /** Past this many milliseconds since the batch started, a throttled call fails the step. */
  deadlineMs: number;
  now?: () => number;
}

/**
 * Runs `work` for every item, `concurrency` at a time, pacing the whole batch by AWS's throttling:
 * a throttled call (AwsThrottled) makes every worker wait for one full-jitter backoff, longer with each
 * throttle in a row and shorter after each success, and is tried again — so a batch that outruns the
 * service's request rate slows to it instead of failing one item after a few retries. A throttle after
 * `deadlineMs` fails the step with AwsThrottled, which the state machine retries with its own backoff.
 * Results come in the items' order.
 *
 * @example
 * ```ts
 * const tags = await mapPacedThrottled(ids, { concurrency: 10, retry: defaultThrottlingRetry, deadlineMs: 20_000 }, read);
 * ```
 */
export async function mapPacedThrottled<Item, Result>(
  items: readonly Item[],
  batch: PacedBatch,
  work: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const now = batch.now ?? Date.now;
  const { retry } = batch;
  const started = now();
  let notBefore = started;
  let streak = 0;
  return await mapWithConcurrency(items, batch.concurrency, async (item) => {
    for (;;) {
      const wait = notBefore - now();
      if (wait > 0) await retry.sleep(wait);
      try {
        const result = await work(item);
        streak = Math.max(0, streak - 1);
        return result;
      } catch (error) {
        const throttled = error instanceof Error && error.name === "AwsThrottled";
        if (!throttled || now() - started >= batch.deadlineMs) throw error;
        streak += 1;
        const delay = fullJitterDelayMs(retry, Math.min(streak, retry.maxRetries + 1) - 1, retry.random());
        notBefore = Math.max(notBefore, now() + delay);
      }
    }
  });
}
