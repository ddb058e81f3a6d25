import { describe, expect, it } from "vitest";
import { mapWithConcurrency } from "../../shared/core/concurrency.js";
import { nextChunk, type PhaseProgress, secretVersionFor } from "../../shared/core/phases.js";
import { InvalidInput } from "../../shared/errors.js";

const start: PhaseProgress = { status: "start", started: 0, attempt: 0, pending: [] };
const ids = Array.from({ length: 60 }, (_, index) => `d-${index.toString(16).padStart(10, "0")}`);

describe("a phase's chunks", () => {
  it("starts 25 items a step and continues until every item is started, then waits for all of them", () => {
    const first = nextChunk({ items: ids, progress: start, size: 25, waitFor: ids });
    const second = nextChunk({ items: ids, progress: first.after, size: 25, waitFor: ids });
    const third = nextChunk({ items: ids, progress: second.after, size: 25, waitFor: ids });

    expect([first.chunk.length, second.chunk.length, third.chunk.length]).toEqual([25, 25, 10]);
    expect([first.after.status, second.after.status, third.after.status]).toEqual([
      "continue",
      "continue",
      "pending",
    ]);
    expect(third.after.pending).toEqual(ids);
    expect([...first.chunk, ...second.chunk, ...third.chunk]).toEqual(ids);
  });

  it("is done at once when nothing is waited for", () => {
    expect(nextChunk({ items: ["sg-1"], progress: start, size: 25 }).after).toMatchObject({
      status: "done",
      started: 1,
    });
  });
});

describe("a phase's secret role", () => {
  it("resolves to the run's current or pending version", () => {
    const secret = {
      arn: "arn:aws:secretsmanager:…:secret:s",
      currentVersionId: "v1",
      pendingVersionId: "v2",
    };

    expect([secretVersionFor(secret, "current"), secretVersionFor(secret, "pending")]).toEqual(["v1", "v2"]);
  });

  it("refuses the pending role in a run that has no pending version", () => {
    expect(() => secretVersionFor({ arn: "a", currentVersionId: "v1" }, "pending")).toThrow(InvalidInput);
  });
});

describe("mapWithConcurrency", () => {
  it("keeps at most `limit` items running and returns the results in order", async () => {
    let running = 0;
    let most = 0;

    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (delay, index) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running -= 1;
      return index;
    });

    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it("starts nothing after a failure and rejects with it once the running items settle", async () => {
    const started: number[] = [];

    const act = mapWithConcurrency([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error("item 1 failed");
      await new Promise((resolve) => setTimeout(resolve, 5));
      return item;
    });

    await expect(act).rejects.toThrow("item 1 failed");
    expect(started.length).toBeLessThan(5);
  });
});
