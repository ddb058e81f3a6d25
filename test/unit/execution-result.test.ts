import { describe, expect, it } from "vitest";
import { executionMetrics, maxCauseLength, resultEvent } from "../../shared/core/execution-result.js";

const startedAt = "2026-11-24T12:00:00.000Z";
const nowMs = Date.parse("2026-11-24T12:00:05.250Z");
const executionId = "arn:aws:states:us-east-1:123456789012:execution:radius-sync:abc";

describe("executionMetrics", () => {
  it("records the duration and the changes applied by a run that changed something", () => {
    expect(executionMetrics({ startedAt, nowMs, result: { changed: true, changeCount: 3 } })).toEqual([
      { name: "ExecutionDurationMs", unit: "Milliseconds", value: 5250 },
      { name: "ChangesApplied", unit: "Count", value: 3 },
    ]);
  });

  it("records no changes for a run that changed nothing, whatever count it carries", () => {
    expect(executionMetrics({ nowMs, result: { changed: false, changeCount: 3 } })).toEqual([
      { name: "ChangesApplied", unit: "Count", value: 0 },
    ]);
    expect(executionMetrics({ nowMs, result: { changeCount: 3 } })).toEqual([
      { name: "ChangesApplied", unit: "Count", value: 0 },
    ]);
    expect(executionMetrics({ nowMs, result: { changed: true } })).toEqual([
      { name: "ChangesApplied", unit: "Count", value: 0 },
    ]);
  });

  it("records a failure instead of changes, and no duration when the start is unknown", () => {
    expect(
      executionMetrics({ startedAt: "", nowMs, result: { changed: true, changeCount: 3 }, failure: {} }),
    ).toEqual([{ name: "ExecutionFailed", unit: "Count", value: 1 }]);
  });
});

describe("resultEvent", () => {
  it("stays quiet for a run that neither changed anything nor failed", () => {
    expect(resultEvent({ executionId, result: {} })).toBeUndefined();
    expect(
      resultEvent({ executionId, result: { changed: false, changeCount: 2, summary: ["x"] } }),
    ).toBeUndefined();
  });

  it("announces a run that changed something, with its count and summary", () => {
    expect(
      resultEvent({ executionId, result: { changed: true, changeCount: 2, summary: ["a", "b"] } }),
    ).toStrictEqual({
      executionId,
      status: "SUCCEEDED",
      changed: true,
      changeCount: 2,
      summary: ["a", "b"],
    });
    expect(resultEvent({ executionId, result: { changed: true } })).toStrictEqual({
      executionId,
      status: "SUCCEEDED",
      changed: true,
      changeCount: 0,
      summary: [],
    });
  });

  it("announces a failure with its error name and only the message of its Cause", () => {
    const cause = JSON.stringify({
      errorType: "LockHeld",
      errorMessage: "another execution …",
      trace: ["at x"],
    });
    expect(
      resultEvent({ executionId, result: {}, failure: { Error: "LockHeld", Cause: cause } }),
    ).toStrictEqual({
      executionId,
      status: "FAILED",
      changed: false,
      changeCount: 0,
      summary: [],
      error: "LockHeld",
      cause: "another execution …",
    });
  });

  it("announces a failure without an error name or Cause with neither field", () => {
    expect(
      resultEvent({ executionId, result: { changed: true, changeCount: 1 }, failure: {} }),
    ).toStrictEqual({
      executionId,
      status: "FAILED",
      changed: true,
      changeCount: 1,
      summary: [],
    });
  });

  it("cuts a long cause to 1000 characters", () => {
    expect(maxCauseLength).toBe(1000);
    const event = resultEvent({ executionId, result: {}, failure: { Error: "X", Cause: "y".repeat(1001) } });
    expect(event?.cause).toBe("y".repeat(1000));
    const exact = resultEvent({ executionId, result: {}, failure: { Error: "X", Cause: "y".repeat(1000) } });
    expect(exact?.cause).toBe("y".repeat(1000));
  });
});
