import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  initialRotationState,
  planRollback,
  planRotation,
  type RotationState,
  type SimulatedPhase,
  simulatePhases,
  simulateRotation,
} from "../../shared/core/rotation.js";
import { directoryIdsArbitrary, serversArbitrary } from "../fixtures/rotation/arbitraries.js";

const runs = { numRuns: 300 };

/**
 * A state somewhere inside a phase: each directory (or server) the phase touches has either
 * finished or not, as `done` picks.
 */
function partway(step: SimulatedPhase, done: (key: string) => boolean): RotationState {
  const pick = <Value>(before: Record<string, Value>, after: Record<string, Value>) =>
    Object.fromEntries(
      Object.keys(before).map((key) => [key, (done(key) ? after[key] : before[key]) as Value]),
    );
  return {
    directories: pick(step.before.directories, step.after.directories),
    servers: pick(step.before.servers, step.after.servers),
  };
}

describe("planRotation properties", () => {
  it("never lets a blue-green rotation mismatch, and ends with everything on the pending secret", () => {
    fc.assert(
      fc.property(
        serversArbitrary(2, 9),
        directoryIdsArbitrary(0, 4),
        fc.constantFrom("auto" as const, "blue-green" as const),
        (servers, directoryIds, strategy) => {
          // Act
          const plan = planRotation({ strategy, servers, directoryIds });
          const steps = simulateRotation(plan);

          // Assess
          expect(plan.strategy).toBe("blue-green");
          expect(steps.filter((step) => step.mismatch)).toEqual([]);
          expect(plan.phases.every((phase) => !phase.mismatch)).toBe(true);
          const last = steps.at(-1)?.after;
          expect(Object.values(last?.servers ?? {})).toEqual(servers.map(() => "pending"));
          const allIps = servers.map((server) => server.ip).sort();
          for (const directory of Object.values(last?.directories ?? {})) {
            expect(directory).toEqual({ servers: allIps, secret: "pending" });
          }
        },
      ),
      runs,
    );
  });

  it("splits blue-green pools into a sorted first half (A, never smaller) and the rest (B)", () => {
    fc.assert(
      fc.property(serversArbitrary(2, 9), (servers) => {
        const { pools } = planRotation({ strategy: "blue-green", servers, directoryIds: [] });
        const a = pools?.a.map((server) => server.instanceId) ?? [];
        const b = pools?.b.map((server) => server.instanceId) ?? [];
        const sorted = servers.map((server) => server.instanceId).sort();
        expect([...a, ...b]).toEqual(sorted);
        expect(a.length - b.length).toBeGreaterThanOrEqual(0);
        expect(a.length - b.length).toBeLessThanOrEqual(1);
        expect(b.length).toBeGreaterThan(0);
      }),
      runs,
    );
  });

  it("always admits at least one mismatching in-place phase when a directory sends requests, and says so", () => {
    fc.assert(
      fc.property(serversArbitrary(1, 9), directoryIdsArbitrary(1, 4), (servers, directoryIds) => {
        const plan = planRotation({ strategy: "in-place", servers, directoryIds });
        const mismatching = plan.phases.filter((phase) => phase.mismatch);
        expect(mismatching.length).toBeGreaterThanOrEqual(1);
        expect(plan.reason).toContain(`MFA requests may fail during ${mismatching.length} of`);
        expect(mismatching.every((phase) => phase.reason.includes("MFA may fail meanwhile"))).toBe(true);
        expect(simulateRotation(plan).map((step) => step.mismatch)).toEqual(
          plan.phases.map((p) => p.mismatch),
        );
      }),
      runs,
    );
  });

  it("rolls back to the current secret everywhere from any point of any rotation", () => {
    const crash = fc.record({
      servers: serversArbitrary(1, 7),
      directoryIds: directoryIdsArbitrary(0, 3),
      strategy: fc.constantFrom("auto" as const, "in-place" as const),
      phaseIndex: fc.nat(),
      doneSeed: fc.func(fc.boolean()),
    });
    fc.assert(
      fc.property(crash, ({ servers, directoryIds, strategy, phaseIndex, doneSeed }) => {
        // Prepare: stop partway through one phase of the rotation.
        const plan = planRotation({ strategy, servers, directoryIds });
        const steps = simulateRotation(plan);
        const step = steps[phaseIndex % steps.length];
        if (!step) throw new Error("a rotation plan has phases");
        const crashed = partway(step, (key) => doneSeed(key));

        // Act
        const rollback = planRollback({ servers, directoryIds });
        const after = simulatePhases(rollback.phases, { servers: plan.servers, initial: crashed }).at(
          -1,
        )?.after;

        // Assess
        expect(after).toEqual(initialRotationState({ servers, directoryIds }));
      }),
      runs,
    );
  });
});
