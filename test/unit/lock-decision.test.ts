import { describe, expect, it } from "vitest";
import { decideLock, lockReasons } from "../../shared/core/lock-decision.js";
import { LockHeld } from "../../shared/errors.js";

const waits = { pollSeconds: 10, maxWaitSeconds: 30 };

describe("decideLock", () => {
  it("goes ahead with the lock, and says why", () => {
    expect(decideLock({ outcome: "acquired", attempt: 1, ...waits })).toEqual({
      status: "acquired",
      attempt: 1,
      pollSeconds: 10,
      reason: "this execution holds the mutation lock",
    });
  });

  it("notes when the lock was taken, which orders the holders' NPS pushes, and only then", () => {
    const nowMs = Date.parse("2026-01-10T12:00:00.123Z");
    expect(decideLock({ outcome: "acquired", attempt: 1, ...waits, nowMs })).toMatchObject({
      acquiredAt: "2026-01-10T12:00:00.123Z",
    });
    expect(decideLock({ outcome: "queued", attempt: 1, ...waits, nowMs })).not.toHaveProperty("acquiredAt");
    expect(decideLock({ outcome: "coalesced", attempt: 1, ...waits, nowMs })).not.toHaveProperty(
      "acquiredAt",
    );
  });

  it("keeps a queued execution waiting while attempt × poll stays below the maximum wait", () => {
    expect(decideLock({ outcome: "queued", attempt: 2, ...waits })).toEqual({
      status: "queued",
      attempt: 2,
      pollSeconds: 10,
      reason: "another execution holds the lock; this one is next",
    });
    expect(decideLock({ outcome: "queued", attempt: 29, pollSeconds: 1, maxWaitSeconds: 30 }).status).toBe(
      "queued",
    );
  });

  it("gives up with LockHeld once attempt × poll reaches the maximum wait, saying how long it waited", () => {
    for (const attempt of [3, 4]) {
      const decision = decideLock({ outcome: "queued", attempt, ...waits });
      if (decision.status !== "gaveUp") throw new Error(`expected to give up at attempt ${attempt}`);
      expect(decision.error).toBeInstanceOf(LockHeld);
      expect(decision.error.name).toBe("LockHeld");
      expect(decision.error.message).toBe(
        `another execution still holds the mutation lock after ${attempt} attempts over about ${attempt * 10} s; ` +
          "the next scheduled run will try again",
      );
    }
    expect(decideLock({ outcome: "queued", attempt: 30, pollSeconds: 1, maxWaitSeconds: 30 }).status).toBe(
      "gaveUp",
    );
  });

  it("never gives up for a coalesced or acquired outcome, however long it took", () => {
    expect(decideLock({ outcome: "coalesced", attempt: 9, ...waits })).toEqual({
      status: "coalesced",
      attempt: 9,
      pollSeconds: 10,
      reason: "another execution holds the lock and one is already queued; it will pick up these changes",
    });
    expect(decideLock({ outcome: "acquired", attempt: 9, ...waits }).status).toBe("acquired");
  });

  it("has a reason for every outcome", () => {
    expect(Object.keys(lockReasons).sort()).toEqual(["acquired", "coalesced", "queued"]);
  });
});
