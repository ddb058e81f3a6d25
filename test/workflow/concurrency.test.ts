import { describe, expect, it } from "vitest";
import { runWorkflow, type WorkflowResult } from "../support/workflow.js";
import { estateChanges, prepareWorld } from "../support/world.js";

type StateEvent = {
  type: string;
  timestamp: number;
  state: { name: string; output?: { lock?: { status?: string } } };
};

/** When an execution held the lock: from the AcquireLock that acquired it to the state that released it. */
function lockInterval(result: WorkflowResult): [number, number] | undefined {
  const events = result.events as unknown as StateEvent[];
  const acquired = events.find(
    (event) =>
      event.type === "StateExited" &&
      event.state.name === "AcquireLock" &&
      event.state.output?.lock?.status === "acquired",
  );
  if (!acquired) return undefined;
  const released = events.find(
    (event) =>
      event.type === "StateEntered" &&
      ["ReportChanges", "ReleaseLockWithoutChanges", "ReleaseLockAfterFailure"].includes(event.state.name) &&
      event.timestamp >= acquired.timestamp,
  );
  return [acquired.timestamp, released?.timestamp ?? Number.POSITIVE_INFINITY];
}

describe("twenty executions started at once", () => {
  it("mutate one at a time, coalesce the rest, and all end", async () => {
    // Prepare
    const world = await prepareWorld();

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, () => runWorkflow({ mode: "reconcile" }, { waitMs: { WaitForLock: 20 } })),
    );

    // Assess
    expect(results.map((result) => `${result.status} ${result.error ?? ""}`.trim())).toEqual(
      Array.from({ length: 20 }, () => "SUCCEEDED"),
    );
    const outputs = results.map((result) => result.output as { changed: boolean; coalesced?: boolean });
    expect(outputs.filter((output) => output.changed)).toHaveLength(1);
    expect(outputs.filter((output) => output.coalesced).length).toBeGreaterThanOrEqual(1);
    const intervals = results
      .flatMap((result) => {
        const interval = lockInterval(result);
        return interval ? [interval] : [];
      })
      .sort(([left], [right]) => left - right);
    expect(intervals.length).toBeGreaterThanOrEqual(1);
    expect(intervals.length).toBeLessThanOrEqual(2);
    for (let index = 1; index < intervals.length; index += 1) {
      expect(intervals[index]?.[0]).toBeGreaterThanOrEqual(
        intervals[index - 1]?.[1] ?? Number.POSITIVE_INFINITY,
      );
    }
    // The queued execution, if it ran, only verified the NPS servers: a second SendCommand that
    // changed nothing on them.
    const changes = estateChanges(world).sort();
    expect(changes.filter((operation) => operation !== "SendCommand")).toEqual([
      "AuthorizeSecurityGroupIngress",
      "CreateSecret",
      "EnableRadius",
    ]);
    expect(changes.filter((operation) => operation === "SendCommand")).toHaveLength(intervals.length);
  });
});
