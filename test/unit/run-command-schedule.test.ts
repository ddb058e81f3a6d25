/**
 * The Run Command model's scheduling, without I/O: commands as plain records, knobs as a function,
 * time as numbers. Each test settles a few commands to a time and reads what happened.
 */
import { describe, expect, it } from "vitest";
import { command, settle } from "../fixtures/run-command/records.js";
import { resolveRateControl } from "../support/rig/run-command/rate-controls.js";
import { cancel, type Transition } from "../support/rig/run-command/schedule.js";
import type { CommandState } from "../support/rig/run-command/state.js";
import { commandSummary, invocationView } from "../support/rig/run-command/views.js";

const story = (applied: Transition[]) =>
  applied.map(({ kind, time, invocation }) => `${time} ${kind} ${invocation.instanceId}`);
const statuses = (state: CommandState) =>
  state.invocations.map((invocation) => `${invocation.status}/${invocation.statusDetails}`);

describe("MaxConcurrency", () => {
  it("with 1, starts each invocation only after the one before it ended, in target order", () => {
    const sent = command({ nodes: 3, maxConcurrency: "1" });

    const applied = settle([sent], 1000, { knobs: () => ({ runSeconds: 100 }) });

    expect(story(applied)).toEqual([
      "0 start node-0",
      "100 finish node-0",
      "100 start node-1",
      "200 finish node-1",
      "200 start node-2",
      "300 finish node-2",
    ]);
  });

  it("as a percentage of the targets, rounded down and never below one", () => {
    expect(resolveRateControl("50%", 4, { atLeast: 1 })).toBe(2);
    expect(resolveRateControl("10%", 4, { atLeast: 1 })).toBe(1);
    expect(resolveRateControl("10%", 50, { atLeast: 0 })).toBe(5);
    expect(resolveRateControl("7", 3, { atLeast: 1 })).toBe(7);

    const sent = command({ nodes: 4, maxConcurrency: "50%" });
    const applied = settle([sent], 10, { knobs: () => ({ runSeconds: 10 }) });

    expect(story(applied).filter((line) => line.startsWith("0 "))).toEqual([
      "0 start node-0",
      "0 start node-1",
    ]);
  });

  it("keeps later nodes waiting behind a slot whose agent picks the command up late", () => {
    const sent = command({ nodes: 2, maxConcurrency: "1" });

    const applied = settle([sent], 1000, {
      knobs: (node) => (node === "node-0" ? { startDelaySeconds: 50 } : {}),
    });

    expect(story(applied)).toEqual([
      "50 start node-0",
      "50 finish node-0",
      "50 start node-1",
      "50 finish node-1",
    ]);
  });
});

describe("MaxErrors", () => {
  it("with 0, ends every invocation not yet started Cancelled/Terminated after the first failure", () => {
    const sent = command({ nodes: 3, maxConcurrency: "1" });

    settle([sent], 100, {
      hosts: (node) => (node === "node-0" ? { status: "Failed", exitCode: 7 } : undefined),
    });

    expect(statuses(sent)).toEqual(["Failed/Failed", "Cancelled/Terminated", "Cancelled/Terminated"]);
    expect(sent.invocations[0]?.responseCode).toBe(7);
    expect(commandSummary(sent)).toMatchObject({ status: "Failed", completedCount: 3, errorCount: 1 });
  });

  it("starts every node SSM delivered to at the same second, even when one of them fails at once", () => {
    const sent = command({ nodes: 3, maxConcurrency: "2" });

    settle([sent], 100, { hosts: (node) => (node === "node-0" ? { status: "Failed" } : undefined) });

    expect(statuses(sent)).toEqual(["Failed/Failed", "Success/Success", "Cancelled/Terminated"]);
  });

  it("lets invocations already running finish, and counts execution timeouts but not delivery timeouts", () => {
    const sent = command({ nodes: 3, maxConcurrency: "2", maxErrors: "1", delivery: 30, execution: 60 });

    settle([sent], 1000, {
      knobs: (node) =>
        node === "node-0" ? { pendingPolls: "forever" } : node === "node-1" ? { runSeconds: 10 } : {},
      hosts: (node) => (node === "node-1" ? { status: "Failed" } : undefined),
    });

    // node-1 fails at 10 (1 error, allowed); node-2 then starts and succeeds; node-0 times out at 60 (2 errors).
    expect(statuses(sent)).toEqual(["TimedOut/ExecutionTimedOut", "Failed/Failed", "Success/Success"]);
    expect(sent.errors).toBe(2);
  });

  it("does not count a delivery timeout as an error", () => {
    const sent = command({ nodes: 2, delivery: 30, execution: 60 });

    settle([sent], 1000, { knobs: (node) => (node === "node-0" ? { startDelaySeconds: 40 } : {}) });

    expect(statuses(sent)).toEqual(["TimedOut/DeliveryTimedOut", "Success/Success"]);
    expect(sent.errors).toBe(0);
    expect(commandSummary(sent)).toMatchObject({ status: "TimedOut", statusDetails: "DeliveryTimedOut" });
  });
});

describe("the delivery timeout and the late start", () => {
  it("starts a late agent's invocation before the delivery timeout, and never from then on", () => {
    const early = command({ nodes: 1, delivery: 600, execution: 600 });
    const late = command({ nodes: 1, delivery: 600, execution: 600 });
    const knobs = (delay: number) => () => ({ startDelaySeconds: delay });

    expect(story(settle([early], 5000, { knobs: knobs(599) }))).toEqual([
      "599 start node-0",
      "599 finish node-0",
    ]);
    // Pending until the command expires (delivery + execution timeout), then DeliveryTimedOut.
    expect(settle([late], 1199, { knobs: knobs(600) })).toEqual([]);
    expect(story(settle([late], 1200, { knobs: knobs(600), from: 1199 }))).toEqual([
      "1200 deliveryTimeout node-0",
    ]);
    expect(late.invocations[0]?.startedAt).toBeUndefined();
  });

  it("with the ExpiresAfter window, lets the agent start it until the command expires", () => {
    const sent = command({ nodes: 1, delivery: 600, execution: 600 });

    const applied = settle([sent], 5000, {
      knobs: () => ({ startDelaySeconds: 1100, pendingPolls: "forever" }),
      window: "ExpiresAfter",
    });

    expect(story(applied)).toEqual(["1100 start node-0", "1700 executionTimeout node-0"]);
  });
});

describe("the execution timeout", () => {
  it("ends a running invocation TimedOut/ExecutionTimedOut when it passes, with no output", () => {
    const sent = command({ nodes: 1, execution: 120 });

    const applied = settle([sent], 120, { hosts: () => ({ status: "Running" }) });

    expect(story(applied)).toEqual(["0 start node-0", "120 executionTimeout node-0"]);
    expect(invocationView(sent, sent.invocations[0] ?? ({} as never))).toMatchObject({
      status: "TimedOut",
      statusDetails: "ExecutionTimedOut",
      responseCode: -1,
      standardOutputContent: "",
      executionElapsedTime: "PT120S",
    });
  });

  it("wins over a finish at the same second", () => {
    const sent = command({ nodes: 1, execution: 120 });

    settle([sent], 200, { knobs: () => ({ runSeconds: 120 }) });

    expect(statuses(sent)).toEqual(["TimedOut/ExecutionTimedOut"]);
  });
});

describe("cancellation", () => {
  it("cancels a pending invocation at once and a running one after the kill, leaving an ended one as it was", () => {
    const sent = command({ nodes: 3, maxConcurrency: "2" });
    const knobs = (node: string) => (node === "node-0" ? {} : { pendingPolls: "forever" as const });
    settle([sent], 10, { knobs });
    const queued = command({ nodes: 2, maxConcurrency: "1", names: ["node-1", "node-2"] });
    settle([queued], 10, { knobs });
    expect(statuses(sent)).toEqual(["Success/Success", "InProgress/InProgress", "InProgress/InProgress"]);
    expect(statuses(queued)).toEqual(["InProgress/InProgress", "Pending/Pending"]);

    const { ended, cancelling } = cancel(sent, sent.invocations, 10);
    cancel(queued, queued.invocations, 10);

    expect(ended).toEqual([]);
    expect(cancelling.map((invocation) => invocation.instanceId)).toEqual(["node-1", "node-2"]);
    expect(statuses(sent)).toEqual(["Success/Success", "Cancelling/Cancelling", "Cancelling/Cancelling"]);
    expect(statuses(queued)).toEqual(["Cancelling/Cancelling", "Cancelled/Cancelled"]);
    expect(commandSummary(sent).status).toBe("Cancelling");
    expect(story(settle([sent, queued], 11, { from: 10, knobs }))).toEqual([
      "11 kill node-1",
      "11 kill node-2",
      "11 kill node-1",
    ]);
    expect(commandSummary(sent).status).toBe("Cancelled");
    expect(statuses(queued)).toEqual(["Cancelled/Cancelled", "Cancelled/Cancelled"]);
  });

  it("does not kill an invocation whose cancel does not take: it shows Cancelling, then ends by itself", () => {
    const sent = command({ nodes: 1 });
    settle([sent], 0, { knobs: () => ({ runSeconds: 300 }) });
    cancel(sent, sent.invocations, 0);

    const applied = settle([sent], 1000, { knobs: () => ({ runSeconds: 300, cancelTakes: false }) });

    expect(story(applied)).toEqual(["300 finish node-0"]);
    expect(statuses(sent)).toEqual(["Success/Success"]);
  });
});

describe("clock order across commands", () => {
  it("applies a late start of an earlier command before the starts of a later one that come after it", () => {
    const first = command({ nodes: 1, sentAt: 0, names: ["late"] });
    const second = command({ nodes: 1, sentAt: 50, names: ["prompt"] });
    const third = command({ nodes: 1, sentAt: 80, names: ["prompt"] });

    const applied = settle([third, second, first], 100, {
      knobs: (node) => ({ startDelaySeconds: node === "late" ? 60 : 0 }),
    });

    expect(story(applied)).toEqual([
      "50 start prompt",
      "50 finish prompt",
      "60 start late",
      "60 finish late",
      "80 start prompt",
      "80 finish prompt",
    ]);
  });
});

describe("what an invocation reports when it finishes", () => {
  it("takes the host's output and exit code, and a forced outcome's fields one by one", () => {
    const sent = command({ nodes: 2 });

    settle([sent], 0, {
      hosts: (node) =>
        node === "node-0"
          ? { status: "Success", stdout: "summary" }
          : { status: "Failed", exitCode: 3, stderr: "no NPS" },
      knobs: (node) => (node === "node-1" ? { forced: { stdout: "forced" } } : {}),
    });

    expect(
      sent.invocations.map(({ status, responseCode, stdout, stderr }) => [
        status,
        responseCode,
        stdout,
        stderr,
      ]),
    ).toEqual([
      ["Success", 0, "summary", ""],
      ["Failed", 3, "forced", "no NPS"],
    ]);
  });
});
