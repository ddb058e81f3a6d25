/**
 * Discovery with `directoryTag` at scale, on a simulated clock (issue 21): Directory Service reads one
 * directory's tags per ListTagsForResource call, so D directories are D calls, and moto answers them
 * at once. Here the real `readDirectoryTags` (shared/steps/discover-estate.ts: concurrency, retries with
 * full-jitter backoff) runs against a stand-in Directory Service client whose every call takes a fixed
 * latency and which throttles by a token bucket (`ThrottlingException`, as AWS's common errors name
 * it), on a clock that advances only when every call and backoff is waiting. AWS documents neither
 * the call's latency nor Directory Service's request rate: both are stated assumptions, measured as a
 * grid. Counts (calls, throttled calls) and simulated seconds, never wall time.
 */
import type { DirectoryServiceClient } from "@aws-sdk/client-directory-service";
import { listDirectoryTags } from "../shared/aws/directory-service.js";
import { defaultThrottlingRetry } from "../shared/aws/throttling.js";
import { readDirectoryTags } from "../shared/steps/discover-estate.js";

/** A clock that moves to the next timer only when nothing else can run. */
export class SimulatedClock {
  now = 0;
  #timers: Array<{ at: number; order: number; wake: () => void }> = [];
  #order = 0;

  /** Resolves `milliseconds` later on this clock. */
  sleep(milliseconds: number): Promise<void> {
    return new Promise((wake) => {
      this.#timers.push({ at: this.now + milliseconds, order: this.#order, wake });
      this.#order += 1;
    });
  }

  /** Runs `work` to its end, advancing the clock from timer to timer. */
  async run<Result>(work: () => Promise<Result>): Promise<Result> {
    let outcome: { value: Result } | { error: unknown } | undefined;
    work().then(
      (value) => {
        outcome = { value };
      },
      (error: unknown) => {
        outcome = { error };
      },
    );
    for (;;) {
      // Let every promise that can move, move (a macrotask turn drains the microtask queue).
      await new Promise((settled) => setImmediate(settled));
      if (outcome) break;
      this.#timers.sort((left, right) => left.at - right.at || left.order - right.order);
      const next = this.#timers.shift();
      if (!next) throw new Error("the simulated work waits for nothing and never ends");
      this.now = next.at;
      next.wake();
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  }
}

/** How the stand-in Directory Service answers: each call's latency, and its request rate (none: unthrottled). */
export interface TagServiceModel {
  latencyMs: number;
  /** Token bucket: calls per second sustained, and the burst it starts with. */
  rate?: { perSecond: number; burst: number };
}

/** A deterministic stand-in for Math.random (the jitter), so that every run measures the same. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** One measurement: the calls made, those throttled, the simulated seconds, and how it ended. */
export interface TagReadFigures {
  directories: number;
  variant: "before" | "after";
  model: TagServiceModel;
  calls: number;
  throttled: number;
  seconds: number;
  outcome: "read" | "AwsThrottled";
}

/**
 * Reads the tags of `directories` directories as discovery does, against the stand-in service.
 *
 * @example
 * ```ts
 * const figures = await measureTagReads({ directories: 1000, variant: "after", model: { latencyMs: 150 } });
 * figures.seconds; // 15
 * ```
 */
export async function measureTagReads(options: {
  directories: number;
  /** "before": one call at a time, no retry (issue 21's starting point); "after": readDirectoryTags. */
  variant: "before" | "after";
  model: TagServiceModel;
}): Promise<TagReadFigures> {
  const clock = new SimulatedClock();
  const { model } = options;
  let tokens = model.rate?.burst ?? 0;
  let refilledAt = 0;
  let calls = 0;
  let throttled = 0;
  const client = {
    send: async () => {
      calls += 1;
      let allowed = true;
      if (model.rate) {
        tokens = Math.min(
          model.rate.burst,
          tokens + ((clock.now - refilledAt) / 1000) * model.rate.perSecond,
        );
        refilledAt = clock.now;
        allowed = tokens >= 1;
        if (allowed) tokens -= 1;
        else throttled += 1;
      }
      await clock.sleep(model.latencyMs);
      if (!allowed) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      return { Tags: [{ Key: "radius-sync", Value: "true" }] };
    },
  } as unknown as DirectoryServiceClient;
  const ids = Array.from(
    { length: options.directories },
    (_, index) => `d-${index.toString(16).padStart(10, "0")}`,
  );
  const retry = {
    ...defaultThrottlingRetry,
    sleep: (milliseconds: number) => clock.sleep(milliseconds),
    random: seededRandom(21),
  };
  const read: () => Promise<unknown> =
    options.variant === "after"
      ? () => readDirectoryTags(ids, { client, retry, now: () => clock.now })
      : async () => {
          // Before issue 21: one call after the other, a throttle failing the step at once.
          for (const id of ids) await listDirectoryTags(id, client);
        };
  let outcome: TagReadFigures["outcome"] = "read";
  try {
    await clock.run(read);
  } catch (error) {
    if ((error as Error).name !== "AwsThrottled") throw error;
    outcome = "AwsThrottled";
  }
  const { directories, variant } = options;
  return { directories, variant, model, calls, throttled, seconds: clock.now / 1000, outcome };
}

/** The assumed latency of one ListTagsForResource call (issue 21 estimated ~120 ms: 250 in 30 s). */
export const assumedLatencyMs = 150;

/** The Directory Service request rates the grid assumes (none: it keeps up with ten calls in flight). */
export const assumedRates = [undefined, 50, 20] as const;

/**
 * The grid the bench reports: before and after, at each size, unthrottled and at each assumed rate
 * (a token bucket whose burst is one second's calls).
 *
 * @example
 * ```ts
 * const figures = await measureTagDiscovery([1000]);
 * ```
 */
export async function measureTagDiscovery(
  sizes: readonly number[] = [100, 250, 1000],
): Promise<TagReadFigures[]> {
  const figures: TagReadFigures[] = [];
  for (const directories of sizes) {
    for (const perSecond of assumedRates) {
      const model: TagServiceModel = {
        latencyMs: assumedLatencyMs,
        ...(perSecond === undefined ? {} : { rate: { perSecond, burst: perSecond } }),
      };
      for (const variant of ["before", "after"] as const) {
        figures.push(await measureTagReads({ directories, variant, model }));
      }
    }
  }
  return figures;
}
