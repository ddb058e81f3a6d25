import { describe, expect, it } from "vitest";
import {
  NpsPush,
  npsCommandComment,
  npsPushSequence,
  sameParametersApartFromNonce,
} from "../../shared/core/nps-push.js";
import { patterns } from "../../shared/nps/index.js";

// Step Functions execution names take up to 80 characters; state machine names up to 80.
const longExecutionId = `arn:aws:states:eu-west-1:123456789012:execution:${"m".repeat(80)}:${"e".repeat(80)}`;
const executionId = "arn:aws:states:eu-west-1:123456789012:execution:radius-sync-prod:run-1";

describe("npsCommandComment", () => {
  it("is the same for every retry of one push, so a retried send can find its command", () => {
    const push = { step: "rotate", index: 3 } as const;

    expect(npsCommandComment({ executionId, mode: "rotate", push })).toBe(
      npsCommandComment({ executionId, mode: "rotate", push: { ...push } }),
    );
  });

  it("differs for every other push, even one that sends the same parameters", () => {
    const comments = [
      npsCommandComment({ executionId, mode: "rotate", push: { step: "reconcile", index: 0 } }),
      npsCommandComment({ executionId, mode: "rotate", push: { step: "rotate", index: 0 } }),
      npsCommandComment({ executionId, mode: "rotate", push: { step: "rotate", index: 1 } }),
      npsCommandComment({ executionId, mode: "rotate", push: { step: "rollback", index: 0 } }),
      npsCommandComment({
        executionId: `${executionId}x`,
        mode: "rotate",
        push: { step: "rollback", index: 0 },
      }),
    ];

    expect(new Set(comments).size).toBe(comments.length);
  });

  it("stays within SSM's 100-character Comment for the longest execution ARN and says what it is", () => {
    const comment = npsCommandComment({
      executionId: longExecutionId,
      mode: "reconcile",
      push: { step: "rollback", index: 999 },
    });

    expect(comment.length).toBeLessThanOrEqual(100);
    expect(comment).toMatch(/^radius-sync reconcile rollback 999 [0-9a-f]{32}$/);
  });
});

describe("NpsPush", () => {
  it.each(["reconcile", "rotate", "rollback"])("accepts a %s push, one the state machine passes", (step) => {
    expect(NpsPush.parse({ step, index: 0 })).toEqual({ step, index: 0 });
  });

  it("accepts only the steps and phase indexes the state machine passes", () => {
    expect(NpsPush.safeParse({ step: "rotate", index: 2 }).success).toBe(true);
    expect(NpsPush.safeParse({ step: "other", index: 2 }).success).toBe(false);
    expect(NpsPush.safeParse({ step: "", index: 2 }).success).toBe(false);
    expect(NpsPush.safeParse({ step: "rotate", index: -1 }).success).toBe(false);
    expect(NpsPush.safeParse({ step: "rotate" }).success).toBe(false);
  });
});

describe("npsPushSequence", () => {
  const at = (lockAcquiredAt: string, step: "reconcile" | "rotate" | "rollback", index: number) =>
    npsPushSequence({ lockAcquiredAt, push: { step, index } });

  it("orders an execution's pushes reconcile, rotation, rollback, and any later lock holder's after all of them", () => {
    const first = "2026-01-10T12:00:00.123Z";
    const later = "2026-01-10T12:00:00.124Z";
    const ordered = [
      at(first, "reconcile", 0),
      at(first, "reconcile", 2),
      at(first, "rotate", 0),
      at(first, "rotate", 299),
      at(first, "rollback", 0),
      at(first, "rollback", 299),
      at(later, "reconcile", 0),
    ];
    // Text order is the order the NPS host compares in (ordinal, [string]::CompareOrdinal).
    expect([...ordered].sort()).toEqual(ordered);
    expect(new Set(ordered).size).toBe(ordered.length);
    expect(at(first, "rollback", 1)).toBe("2026-01-10T12:00:00.123Z/601");
  });

  it("writes the lock time to the millisecond whatever form it came in, as the document's pattern asks", () => {
    const sequence = at("2026-01-10T12:00:00Z", "rotate", 4);
    expect(sequence).toBe("2026-01-10T12:00:00.000Z/304");
    expect(new RegExp(patterns.sequence).test(sequence)).toBe(true);
  });

  it("refuses a lock time that is no date, and an index past a step's 300 ordinals", () => {
    expect(() => at("yesterday", "reconcile", 0)).toThrow(/^the lock time "yesterday" is not a date$/);
    expect(() => at("2026-01-10T12:00:00Z", "rotate", 300)).toThrow(/past the 300 a step may make/);
  });
});

describe("sameParametersApartFromNonce", () => {
  const parameters = { SecretVersion: ["AWSPENDING"], Clients: ["radius-sync-a=10.0.1.5"], Nonce: ["aa"] };

  it("ignores only the nonce", () => {
    expect(sameParametersApartFromNonce(parameters, { ...parameters, Nonce: ["bb"] })).toBe(true);
    expect(sameParametersApartFromNonce(parameters, { ...parameters, SecretVersion: ["AWSCURRENT"] })).toBe(
      false,
    );
    expect(
      sameParametersApartFromNonce(parameters, { ...parameters, Clients: ["radius-sync-a=10.0.1.6"] }),
    ).toBe(false);
    const { Clients: _clients, ...withoutClients } = parameters;
    expect(sameParametersApartFromNonce(parameters, withoutClients)).toBe(false);
  });
});
