import { describe, expect, it } from "vitest";
import {
  collectedFailure,
  commandIdsOf,
  explainingOrder,
  finishedNpsTargets,
  invocationKey,
  judgeNpsCheck,
  pendingNpsTargets,
  startedNpsProgress,
  stoppedAfterAnotherFailed,
} from "../../shared/core/nps-check.js";
import type { PhaseProgress } from "../../shared/core/phases.js";
import {
  AwsThrottled,
  NpsCommandFailed,
  NpsCommandTimedOut,
  NpsMfaExtensionMissing,
  NpsSecretMismatch,
  RadiusSyncError,
} from "../../shared/errors.js";

const a = { instanceId: "i-0a", commandId: "c-1", nonce: "n-1" };
const b = { instanceId: "i-0b", commandId: "c-1", nonce: "n-1" };
const c = { instanceId: "i-0c", commandId: "c-2", nonce: "n-2" };
const targets = [a, b, c];

function progressAt(attempt: number, pending = ["i-0a", "i-0b", "i-0c"]): PhaseProgress {
  return { status: "pending", started: 3, attempt, pending, targets };
}

describe("startedNpsProgress", () => {
  it("waits for every target, no check made yet, counting the phase's servers as started", () => {
    expect(startedNpsProgress({ instanceIds: ["i-0a", "i-0b", "i-0c", "i-0d"] }, [a, c])).toEqual({
      status: "pending",
      started: 4,
      attempt: 0,
      pending: ["i-0a", "i-0c"],
      targets: [a, c],
    });
  });
});

describe("pendingNpsTargets", () => {
  it("keeps the targets still waited for, in the order they were sent", () => {
    expect(pendingNpsTargets({ pending: ["i-0c", "i-0a"], targets })).toEqual([a, c]);
    expect(pendingNpsTargets({ pending: [], targets })).toEqual([]);
  });

  it("has nothing to wait for when the progress carries no targets", () => {
    expect(pendingNpsTargets({ pending: ["i-0a"] })).toEqual([]);
  });
});

describe("commandIdsOf", () => {
  it("lists each command once, in the order first seen", () => {
    expect(commandIdsOf([c, a, b])).toEqual(["c-2", "c-1"]);
    expect(commandIdsOf([])).toEqual([]);
  });
});

describe("invocationKey", () => {
  it("keys an invocation by its command and its instance", () => {
    expect(invocationKey(a)).toBe("c-1/i-0a");
    expect(invocationKey({ ...a, commandId: "c-2" })).not.toBe(invocationKey(a));
  });
});

describe("finishedNpsTargets", () => {
  it("keeps the targets SSM lists with a final status, by command and instance", () => {
    const statuses = new Map([
      ["c-1/i-0a", "Success"],
      ["c-1/i-0b", "InProgress"],
    ]);

    expect(finishedNpsTargets(targets, statuses)).toEqual([a]);
    expect(finishedNpsTargets(targets, new Map([["c-2/i-0c", "Failed"]]))).toEqual([c]);
    expect(
      finishedNpsTargets(
        targets,
        new Map([
          ["c-1/i-0a", "Pending"],
          ["c-1/i-0b", "Delayed"],
          ["c-2/i-0c", "Cancelling"],
        ]),
      ),
    ).toEqual([]);
  });

  it("never reads another command's status for the same server", () => {
    // Two commands of one phase reach i-0a: the earlier one ended, the later one still runs.
    const later = { ...a, commandId: "c-3" };
    const statuses = new Map([
      ["c-1/i-0a", "Success"],
      ["c-3/i-0a", "InProgress"],
    ]);

    expect(finishedNpsTargets([later], statuses)).toEqual([]);
  });
});

describe("collectedFailure", () => {
  it("rethrows a throttled call, by name, so the state machine retries the check", () => {
    const throttled = new AwsThrottled("Rate exceeded");
    expect(() => collectedFailure(throttled)).toThrow(throttled);
    // Minified bundles rename classes; the name is what counts.
    const named = Object.assign(new Error("Rate exceeded"), { name: "AwsThrottled" });
    expect(() => collectedFailure(named)).toThrow(named);
  });

  it("collects any other error as it is", () => {
    const mismatch = new NpsSecretMismatch("m");
    const plain = new RangeError("r");

    expect(collectedFailure(mismatch)).toBe(mismatch);
    expect(collectedFailure(plain)).toBe(plain);
  });

  it("wraps a thrown non-Error, even one that calls itself AwsThrottled", () => {
    const collected = collectedFailure("text");

    expect(collected).toBeInstanceOf(Error);
    expect(collected.message).toBe("text");
    expect(collectedFailure({ name: "AwsThrottled" }).message).toBe("[object Object]");
  });
});

describe("judgeNpsCheck", () => {
  const judge = (options: Partial<Parameters<typeof judgeNpsCheck>[0]>) =>
    judgeNpsCheck({
      progress: progressAt(0),
      pending: targets,
      finished: [],
      statuses: new Map(),
      failures: [],
      maxPolls: 40,
      cancelPolls: 20,
      ...options,
    });

  it("ends with one error named after the first failure and carrying every failure's message", () => {
    const verdict = judge({
      finished: [a, b],
      failures: [
        new NpsMfaExtensionMissing("NPS server i-0a: m"),
        new NpsSecretMismatch("NPS server i-0b: s"),
      ],
    });

    expect(verdict.kind).toBe("failed");
    const error = verdict.kind === "failed" ? verdict.error : undefined;
    expect(error).toBeInstanceOf(NpsMfaExtensionMissing);
    expect(error?.message).toBe("NPS server i-0a: m; NPS server i-0b: s");
  });

  it("reports one failure as it is, and a failure of no workflow name as a RadiusSyncError", () => {
    const one = judge({ failures: [new NpsCommandFailed("only")] });
    expect(one).toEqual({ kind: "failed", error: new NpsCommandFailed("only") });
    expect(one.kind === "failed" && one.error.name).toBe("NpsCommandFailed");

    const unknown = judge({ failures: [new RangeError("odd")] });
    expect(unknown.kind === "failed" && unknown.error.name).toBe("RadiusSyncError");
    expect(unknown.kind === "failed" && unknown.error).toBeInstanceOf(RadiusSyncError);
  });

  it("lets a failure win over a timeout at the last check", () => {
    expect(judge({ progress: progressAt(39), failures: [new NpsCommandFailed("f")] }).kind).toBe("failed");
  });

  it("is done when every pending server finished, even at the last check", () => {
    const verdict = judge({ progress: progressAt(39), finished: targets });

    expect(verdict).toEqual({
      kind: "done",
      progress: { status: "done", started: 3, attempt: 40, pending: [], targets },
      attempt: 40,
      confirmed: 3,
      stillRunning: 0,
    });
  });

  it("keeps waiting for the servers still running before the last check", () => {
    const verdict = judge({ progress: progressAt(38), finished: [b] });

    expect(verdict).toEqual({
      kind: "pending",
      progress: { status: "pending", started: 3, attempt: 39, pending: ["i-0a", "i-0c"], targets },
      attempt: 39,
      confirmed: 1,
      stillRunning: 2,
    });
  });

  it("gives up at check number maxPolls: cancels each server still running and keeps waiting for them", () => {
    const verdict = judge({
      progress: progressAt(39, ["i-0a", "i-0c"]),
      pending: [a, c],
      statuses: new Map([["c-1/i-0a", "InProgress"]]),
    });

    const reason =
      "2 NPS server(s) did not finish after 40 checks: i-0a (command c-1, InProgress), " +
      "i-0c (command c-2, not yet delivered); is the SSM agent running and the instance reachable?";
    expect(verdict).toEqual({
      kind: "giveUp",
      cancel: [a, c],
      progress: {
        status: "pending",
        started: 3,
        attempt: 40,
        pending: ["i-0a", "i-0c"],
        targets,
        givenUp: { attempt: 40, reason },
      },
      attempt: 40,
      confirmed: 0,
      stillRunning: 2,
    });
  });

  it("says 1 NPS server(s) for one server", () => {
    const verdict = judge({ progress: progressAt(0, ["i-0b"]), pending: [b], maxPolls: 1 });

    expect(verdict.kind === "giveUp" && verdict.progress.givenUp?.reason).toBe(
      "1 NPS server(s) did not finish after 1 checks: i-0b (command c-1, not yet delivered); " +
        "is the SSM agent running and the instance reachable?",
    );
  });

  it("gives up past maxPolls too, and waits while one check remains", () => {
    expect(judge({ progress: progressAt(45) }).kind).toBe("giveUp");
    expect(judge({ progress: progressAt(39), maxPolls: 41 }).kind).toBe("pending");
    expect(judge({ progress: progressAt(0), maxPolls: 2 }).kind).toBe("pending");
    expect(judge({ progress: progressAt(1), maxPolls: 2 }).kind).toBe("giveUp");
  });

  describe("once given up", () => {
    const givenUp = (attempt: number, pending = ["i-0a"]): PhaseProgress => ({
      ...progressAt(attempt, pending),
      givenUp: { attempt: 40, reason: "1 NPS server(s) did not finish after 40 checks: i-0a …" },
    });

    it("keeps waiting while a cancelled server has not ended, confirming nothing and failing on nothing", () => {
      const verdict = judge({
        progress: givenUp(40),
        pending: [a],
        failures: [new NpsCommandFailed("cancelled")],
        statuses: new Map([["c-1/i-0a", "Cancelling"]]),
      });

      expect(verdict).toMatchObject({ kind: "pending", progress: { attempt: 41, pending: ["i-0a"] } });
    });

    it("ends with NpsCommandTimedOut once every cancelled server has ended, saying so", () => {
      const verdict = judge({ progress: givenUp(41), pending: [a], finished: [a] });

      expect(verdict.kind).toBe("timedOut");
      const error = verdict.kind === "timedOut" ? verdict.error : undefined;
      expect(error).toBeInstanceOf(NpsCommandTimedOut);
      expect(error?.message).toBe(
        "1 NPS server(s) did not finish after 40 checks: i-0a …; radius-sync cancelled them, and each has ended",
      );
    });

    it("ends after cancelPolls more checks even if a cancel did not take, naming what still runs", () => {
      const still = judge({
        progress: givenUp(44),
        pending: [a],
        statuses: new Map([["c-1/i-0a", "InProgress"]]),
        cancelPolls: 5,
      });
      const waiting = judge({ progress: givenUp(43), pending: [a], cancelPolls: 5 });

      expect(waiting.kind).toBe("pending");
      expect(still.kind).toBe("timedOut");
      expect(still.kind === "timedOut" && still.error.message).toMatch(
        /radius-sync cancelled them, but i-0a \(command c-1, InProgress\) had not ended 5 checks later \(SSM does not promise a cancel\): such a server refuses that command once a newer push has reached it$/,
      );
    });
  });
});

describe("explainingOrder", () => {
  const error = (name: string) => Object.assign(new Error(name), { name });

  it("names the phase after the server that failed, not one SSM stopped before it ran, whichever was confirmed first", () => {
    const terminated = error("NpsCommandFailed");
    const bypassed = error("NpsMfaExtensionBypassed");
    const later = error("NpsRoleMissing");

    expect(
      explainingOrder([
        { order: 1, notRun: true, error: terminated },
        { order: 2, notRun: false, error: later },
        { order: 0, notRun: false, error: bypassed },
      ]),
    ).toEqual([bypassed, later, terminated]);
  });

  it("reads SSM's stop after an earlier failure from the invocation: Cancelled with StatusDetails Terminated", () => {
    expect(stoppedAfterAnotherFailed({ status: "Cancelled", statusDetails: "Terminated" })).toBe(true);
    expect(stoppedAfterAnotherFailed({ status: "Cancelled", statusDetails: "Cancelled" })).toBe(false);
    expect(stoppedAfterAnotherFailed({ status: "Failed", statusDetails: "Failed" })).toBe(false);
  });
});
