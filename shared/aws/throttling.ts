import { setTimeout as sleep } from "node:timers/promises";
import { type BackoffPolicy, fullJitterDelayMs } from "../core/backoff.js";

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
