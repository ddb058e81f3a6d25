/**
 * The history-event counter (shared/core/history-events.ts, which the bench uses) on small definitions run by the local interpreter,
 * against the events Step Functions records for each state (the table in shared/core/history-events.ts, from the
 * HistoryEvent API reference and AWS-recorded execution histories). Counts only, no clock.
 */
import { describe, expect, it } from "vitest";
import { simulatedDuration } from "../../bench/history.js";
import { countHistoryEvents } from "../../shared/core/history-events.js";
import { collectStates, type Json, runDefinition } from "../support/workflow.js";

const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

class Transient extends Error {
  override name = "Transient";
}

async function run(definition: Json, handlers: Record<string, (input: unknown) => Promise<unknown>>) {
  const result = await runDefinition(definition, { items: [1, 2], wait: 7 }, (name) => handlers[name]);
  return { result, history: countHistoryEvents(result.events) };
}

describe("history events as Step Functions counts them", () => {
  it("counts a Lambda Task, a Pass, a Wait, a Choice and a Succeed as 5 + 2 + 2 + 2 + 2, plus the execution's 2", async () => {
    const definition = {
      StartAt: "Work",
      States: {
        Work: { Type: "Task", Resource: lambda("work"), ResultPath: null, Next: "Note" },
        Note: { Type: "Pass", Next: "Pause" },
        Pause: { Type: "Wait", SecondsPath: "$.wait", Next: "Decide" },
        Decide: {
          Type: "Choice",
          Choices: [{ Variable: "$.wait", NumericEquals: 7, Next: "Done" }],
          Default: "Done",
        },
        Done: { Type: "Succeed" },
      },
    };

    const { result, history } = await run(definition, { Work: async () => ({}) });

    expect(result.status).toBe("SUCCEEDED");
    expect(history).toEqual({
      total: 15,
      byKind: { execution: 2, Task: 5, Pass: 2, Wait: 2, Choice: 2, Succeed: 2 },
    });
  });

  it("counts three events per Lambda attempt, and TaskStateExited when a Catch takes the error, then FailStateEntered", async () => {
    const definition = {
      StartAt: "Work",
      States: {
        Work: {
          Type: "Task",
          Resource: lambda("work"),
          Retry: [{ ErrorEquals: ["Transient"], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 2 }],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Give up" }],
          End: true,
        },
        "Give up": { Type: "Fail", Error: "Failed", Cause: "three attempts failed" },
      },
    };

    const { result, history } = await run(definition, {
      Work: async () => {
        throw new Transient("try again");
      },
    });

    // Entered + 3 attempts × (Scheduled, Started, Failed) + Exited; FailStateEntered; Started + Failed.
    expect(result.status).toBe("FAILED");
    expect(history).toEqual({ total: 14, byKind: { execution: 2, Task: 11, Fail: 1 } });
  });

  it("counts no TaskStateExited when the error ends the execution", async () => {
    const definition = {
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: lambda("work"), End: true } },
    };

    const { history } = await run(definition, {
      Work: async () => {
        throw new Error("boom");
      },
    });

    // As AWS records it: ExecutionStarted, TaskStateEntered, Scheduled, Started, Failed, ExecutionFailed.
    expect(history).toEqual({ total: 6, byKind: { execution: 2, Task: 4 } });
  });

  it("counts a Map as Entered, Started, Succeeded, Exited, with two events per iteration around its states", async () => {
    const definition = {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemsPath: "$.items",
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "Work",
            States: { Work: { Type: "Task", Resource: lambda("work"), End: true } },
          },
          End: true,
        },
      },
    };

    const { history } = await run(definition, { Work: async (item) => item });

    expect(history).toEqual({ total: 20, byKind: { execution: 2, Map: 4, MapIteration: 4, Task: 10 } });
  });

  it("simulates the waits from their SecondsPath, each retry's upper-bound interval and 2 s per Lambda attempt", async () => {
    const definition = {
      StartAt: "Work",
      States: {
        Work: {
          Type: "Task",
          Resource: lambda("work"),
          Retry: [{ ErrorEquals: ["Transient"], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 2 }],
          ResultPath: null,
          Next: "Pause",
        },
        Pause: { Type: "Wait", SecondsPath: "$.wait", Next: "Again" },
        Again: { Type: "Wait", Seconds: 10, End: true },
      },
    };
    let attempts = 0;

    const { result } = await run(definition, {
      Work: async () => {
        attempts += 1;
        if (attempts < 3) throw new Transient("try again");
        return {};
      },
    });

    // Waits 7 + 10; retries 3 + 6; three attempts × 2 s.
    expect(simulatedDuration(result.events, collectStates(definition))).toEqual({
      seconds: 32,
      waits: 17,
      retries: 9,
      tasks: 6,
    });
  });
});
