import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planChanges } from "../../shared/core/plan.js";
import { loadConvergedDiscovery, loadDesired, NOW } from "../fixtures/plan/fixtures.js";

/**
 * The NPS refresh interval: radius-sync re-pushes an NPS server whose last push is `refreshHours`
 * old, to repair changes made by hand, and not a millisecond sooner: a refresh that came too early
 * would re-push every server on every run, and the plan would never settle.
 */
const hour = 3_600_000;
const converged = loadConvergedDiscovery();
const pushedAt = Date.parse(NOW);

function pushesAfter(refreshHours: number, elapsedMs: number): string[] {
  const desired = loadDesired();
  desired.nps.refreshHours = refreshHours;
  const plan = planChanges({
    desired,
    discovery: converged,
    now: new Date(pushedAt + elapsedMs).toISOString(),
  });
  return plan.npsServers.filter((server) => server.action === "push").map((server) => server.reason);
}

describe("the NPS refresh interval", () => {
  it("re-pushes nothing one millisecond before refreshHours have passed", () => {
    expect(pushesAfter(24, 24 * hour - 1)).toEqual([]);
  });

  it("re-pushes every server once refreshHours have passed, saying when it last pushed", () => {
    expect(pushesAfter(24, 24 * hour)).toEqual([
      `last pushed at ${NOW}, more than 24 h ago: re-push to repair changes made by hand`,
      `last pushed at ${NOW}, more than 24 h ago: re-push to repair changes made by hand`,
    ]);
  });

  it("never refreshes when refreshHours is 0, however old the push", () => {
    expect(pushesAfter(0, 8760 * hour)).toEqual([]);
  });

  it("re-pushes exactly when refreshHours have passed, for any interval from 1 h to a year", () => {
    const refreshHours = fc.oneof(fc.constantFrom(1, 2, 24, 8759, 8760), fc.integer({ min: 1, max: 8760 }));
    const offsetMs = fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -2 * hour, max: 2 * hour }));
    fc.assert(
      fc.property(refreshHours, offsetMs, (hours, offset) => {
        const elapsed = hours * hour + offset;
        expect(pushesAfter(hours, elapsed)).toHaveLength(elapsed >= hours * hour ? 2 : 0);
      }),
      { numRuns: 200 },
    );
  });
});
