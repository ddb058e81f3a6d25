/** How a bounded in-call retry waits: exponential growth from `baseMs`, capped at `capMs`. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Retries after the first attempt; past this the caller gives up. */
  maxRetries: number;
}

/**
 * The wait before retry number `retry` (0 for the first retry) with "full jitter": a uniformly
 * random time between 0 and min(cap, base·2^retry), the schedule AWS recommends so that callers
 * that failed together do not retry together ("Exponential Backoff And Jitter", AWS Architecture
 * Blog). `random` is a number in [0, 1), passed in so the core stays free of hidden inputs.
 *
 * @example
 * ```ts
 * fullJitterDelayMs({ baseMs: 50, capMs: 1000, maxRetries: 6 }, 3, Math.random()); // somewhere in [0, 400)
 * ```
 */
export function fullJitterDelayMs(policy: BackoffPolicy, retry: number, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry));
  return Math.floor(Math.min(Math.max(random, 0), 1) * ceiling);
}
