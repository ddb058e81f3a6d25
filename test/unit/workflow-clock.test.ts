/**
 * The rig clock during a run of the local interpreter (test/support/workflow.ts): it moves by each
 * Wait's and each Retry's pause as AWS would take them (the rule of test/support/workflow-time.ts, the
 * bench's simulated duration), and a Task starts only once the clock's subscribers have caught up.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rigClock } from "../support/rig/clock.js";
import { type Json, runDefinition } from "../support/workflow.js";

const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

class Transient extends Error {
  override name = "Transient";
}

let unsubscribe: (() => void) | undefined;
beforeEach(() => rigClock.reset());
afterEach(() => unsubscribe?.());

const definition: Json = {
  StartAt: "First",
  States: {
    First: { Type: "Task", Resource: lambda("first"), ResultPath: null, Next: "Pause" },
    Pause: { Type: "Wait", Seconds: 30, Next: "Poll" },
    Poll: { Type: "Wait", SecondsPath: "$.poll", Next: "Second" },
    Second: {
      Type: "Task",
      Resource: lambda("second"),
      Retry: [{ ErrorEquals: ["Transient"], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 2 }],
      End: true,
    },
  },
};

describe("the rig clock in a workflow run", () => {
  it("moves by each Wait's Seconds or SecondsPath and each retry's pause, before the next Task runs", async () => {
    const seen: string[] = [];
    let attempts = 0;

    const result = await runDefinition(definition, { poll: 15 }, (name) => async () => {
      seen.push(`${name} at ${rigClock.now()}`);
      if (name === "Second") attempts += 1;
      if (name === "Second" && attempts < 3) throw new Transient("again");
      return {};
    });

    expect(result.status).toBe("SUCCEEDED");
    // 30 + 15 before Second; its retries pause 3, then 6.
    expect(seen).toEqual(["First at 0", "Second at 45", "Second at 48", "Second at 54"]);
  });

  it("lets a Task start only once every subscriber has caught up with the clock", async () => {
    const settled: number[] = [];
    unsubscribe = rigClock.onAdvance(async (now) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      settled.push(now);
    });
    const seen: number[][] = [];

    await runDefinition(definition, { poll: 15 }, () => async () => {
      seen.push([...settled]);
      return {};
    });

    expect(seen).toEqual([[], [30, 45]]);
  });

  it("fails the run, not the workflow, when a subscriber throws", async () => {
    unsubscribe = rigClock.onAdvance(() => {
      throw new Error("the model broke");
    });

    await expect(runDefinition(definition, { poll: 15 }, () => async () => ({}))).rejects.toThrow(
      "the model broke",
    );
  });

  it("only moves forward, and starts again at 0 after a reset", async () => {
    await rigClock.advance(12.5);
    expect(rigClock.now()).toBe(12.5);
    expect(() => rigClock.advance(-1)).toThrow(RangeError);

    rigClock.reset();

    expect(rigClock.now()).toBe(0);
  });
});
