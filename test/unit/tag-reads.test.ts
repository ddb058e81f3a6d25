import { describe, expect, it } from "vitest";
import { measureTagReads, SimulatedClock } from "../../bench/tag-discovery.js";
import { defaultThrottlingRetry, mapPacedThrottled } from "../../shared/aws/throttling.js";
import { AwsThrottled } from "../../shared/errors.js";

/**
 * Discovery with `directoryTag` reads one directory's tags per call (issue 21): ten calls at a time,
 * the whole batch slowed when Directory Service throttles, failed with AwsThrottled only past its
 * 20 s. Measured on a simulated clock against a stand-in service (bench/tag-discovery.ts: 150 ms a
 * call, a token bucket for the request rate): API calls and simulated seconds, never wall time.
 */
const model = (perSecond?: number) => ({
  latencyMs: 150,
  ...(perSecond === undefined ? {} : { rate: { perSecond, burst: perSecond } }),
});

describe("reading 1,000 directories' tags", () => {
  it("took 150 simulated seconds one call at a time, five times the 30 s Lambda timeout", async () => {
    const before = await measureTagReads({ directories: 1000, variant: "before", model: model() });

    expect(before).toMatchObject({ calls: 1000, throttled: 0, seconds: 150, outcome: "read" });
  });

  it("takes 15 simulated seconds ten calls at a time when Directory Service keeps up", async () => {
    const after = await measureTagReads({ directories: 1000, variant: "after", model: model() });

    expect(after).toMatchObject({ calls: 1000, throttled: 0, seconds: 15, outcome: "read" });
  });

  it("slows to Directory Service's rate when it throttles at 50 calls a second, and still reads every tag in 20 s", async () => {
    const after = await measureTagReads({ directories: 1000, variant: "after", model: model(50) });

    expect(after.outcome).toBe("read");
    expect(after.throttled).toBeGreaterThan(0);
    expect(after.calls).toBe(1000 + after.throttled);
    expect(after.seconds).toBeGreaterThanOrEqual(1000 / 50 - 1);
    expect(after.seconds).toBeLessThanOrEqual(20);
  });

  it("fails with AwsThrottled once past its 20 s, when the rate cannot read them all in time (20 a second)", async () => {
    const after = await measureTagReads({ directories: 1000, variant: "after", model: model(20) });

    expect(after.outcome).toBe("AwsThrottled");
    expect(after.seconds).toBeGreaterThanOrEqual(20);
    expect(after.seconds).toBeLessThan(22);
  });

  it("failed at the first throttle one call at a time", async () => {
    const before = await measureTagReads({
      directories: 1000,
      variant: "before",
      model: { latencyMs: 150, rate: { perSecond: 1, burst: 5 } },
    });

    expect(before).toMatchObject({ calls: 6, throttled: 1, outcome: "AwsThrottled" });
  });
});

describe("mapPacedThrottled", () => {
  const retry = (clock: SimulatedClock) => ({
    ...defaultThrottlingRetry,
    sleep: (milliseconds: number) => clock.sleep(milliseconds),
    random: () => 0.5,
  });

  it("retries a throttled item after one backoff, keeping the results in the items' order", async () => {
    const clock = new SimulatedClock();
    const attempts = new Map<number, number>();

    const results = await clock.run(() =>
      mapPacedThrottled(
        [1, 2, 3],
        { concurrency: 2, retry: retry(clock), deadlineMs: 20_000, now: () => clock.now },
        async (item) => {
          attempts.set(item, (attempts.get(item) ?? 0) + 1);
          await clock.sleep(100);
          if (item === 2 && attempts.get(item) === 1) throw new AwsThrottled("slow down");
          return item * 10;
        },
      ),
    );

    expect(results).toEqual([10, 20, 30]);
    expect(attempts.get(2)).toBe(2);
    // Item 2 throttled at 100 ms, waits half of base·2^0 = 100 ms, then 100 ms more.
    expect(clock.now).toBe(300);
  });

  it("does not retry an error other than a throttle", async () => {
    const clock = new SimulatedClock();
    let calls = 0;

    const running = clock.run(() =>
      mapPacedThrottled(
        [1, 2],
        { concurrency: 1, retry: retry(clock), deadlineMs: 20_000, now: () => clock.now },
        async () => {
          calls += 1;
          throw Object.assign(new Error("no"), { name: "AccessDeniedException" });
        },
      ),
    );

    await expect(running).rejects.toMatchObject({ name: "AccessDeniedException" });
    expect(calls).toBe(1);
  });
});
