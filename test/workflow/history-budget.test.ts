/**
 * The configuration's worst case of history events (shared/core/history-budget.ts) against a real
 * execution of the definition: a blue/green rotation in which every phase waits out every check it
 * may make and the last phase fails at its last check, then rolls back. Its history, counted as Step
 * Functions counts it (shared/core/history-events.ts, the bench's counter), is exactly the worst case
 * of its phases — so the configuration's bound is the definition's, not a guess. With these waits the
 * worst case fails at the last directory update: giving up on an NPS push (5 checks per server, then 5
 * for its cancel) makes fewer events than the push finishing and the update after it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PhaseShape, worstCaseHistoryEvents } from "../../shared/core/history-budget.js";
import { countHistoryEvents } from "../../shared/core/history-events.js";
import { installInterceptor } from "../support/doubles/registry.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/** Checks each wait makes before it gives up (per NPS server: they run one at a time): 300 s every 60 s. */
const checks = 5;
const waits = {
  RADIUS_SYNC_POLL_SECONDS: "60",
  RADIUS_SYNC_MAX_NPS_WAIT_SECONDS: "300",
  RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS: "300",
  RADIUS_SYNC_ROTATION_STRATEGY: "blue-green",
};

let world: World;
beforeEach(async () => {
  world = await prepareWorld();
  const reconcile = await runWorkflow({ mode: "reconcile" });
  expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
  Object.assign(process.env, waits);
});
afterEach(() => {
  for (const variable of Object.keys(waits)) delete process.env[variable];
});

describe("the worst case of history events", () => {
  it("is what a blue/green rotation makes that waits out every check, fails at its last phase's last check and rolls back", async () => {
    const directoryId = world.estate.directory.directoryId;
    // Every server runs just under its turn (299 s of rig clock; at 300 s SSM's execution timeout would
    // kill it; the next starts when it ends), so it finishes at the last check of its turn; every
    // directory at the last check its phase makes.
    world.invocations.setLatency({ pendingPolls: 0, runSeconds: 299 });
    world.radiusStatus.setLatency({ creatingPolls: checks - 1 });
    // The rotation's third directory update (its last phase) ends Failed at its last check; the
    // rollback's update (the fourth) completes like the others.
    let updates = 0;
    installInterceptor(
      { service: "ds", operation: "UpdateRadius" },
      "test:last-rotation-phase-fails-at-its-last-check",
      async (call, next) => {
        if (call.input.DirectoryId === directoryId) {
          updates += 1;
          const failing = [...Array<"Creating">(checks - 1).fill("Creating"), "Failed" as const];
          if (updates === 3) world.radiusStatus.setSequence(directoryId, failing);
          if (updates === 4) world.radiusStatus.clear(directoryId);
        }
        return await next();
      },
      "high",
    );
    const directories: PhaseShape = { kind: "directories" };
    const pool: PhaseShape = { kind: "nps", servers: 1 };
    const every: PhaseShape = { kind: "nps", servers: 2 };

    const result = await runWorkflow({ mode: "rotate" });

    expect(result.status).toBe("FAILED");
    expect(result.error, result.cause).toBe("RadiusUpdateFailed");
    expect(updates).toBe(4);
    const worst = worstCaseHistoryEvents({
      waits: { pollSeconds: 60, maxNpsWaitSeconds: 300, maxRadiusWaitSeconds: 300, maxLockWaitSeconds: 3600 },
      phases: {
        // Every run pushes to every NPS server first (drift repaired, the running configuration checked).
        reconcile: [every],
        rotation: {
          phases: [directories, pool, directories, pool, directories],
          rollback: [every, directories],
        },
      },
      queued: false,
    });
    // Each NPS push waited out every server's turn: 10 checks to both servers, 5 to each pool, 10 to both.
    const npsChecks = result.events.filter(
      (event) =>
        event.type === "StateEntered" &&
        (event as { state: { name: string } }).state.name === "CheckNpsServers",
    ).length;
    expect(npsChecks).toBe(2 * checks + checks + checks + 2 * checks);
    expect(countHistoryEvents(result.events).total).toBe(worst);
  });
});
