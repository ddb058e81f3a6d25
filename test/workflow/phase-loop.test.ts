/**
 * The one phase loop under AWS's latency (the rig's knobs: RadiusStatus Creating for k looks after
 * each change, SSM invocations InProgress for j looks): one check per poll covers every pending
 * directory or NPS server of the phase (the NPS servers run the command one after the other: SSM's
 * MaxConcurrency 1, MaxErrors 0), a failure ends the phase naming everything that failed, a
 * wait past its maximum fails by name and a rotation then rolls back, and throttled changes are
 * retried inside the step.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { agree, readSecretSides } from "../support/agreement.js";
import { faults } from "../support/rig/faults.js";
import { addSecondDirectory } from "../support/seed.js";
import { runWorkflow, type WorkflowResult } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

const entered = (result: WorkflowResult, name: string) =>
  result.events.filter(
    (event) => event.type === "StateEntered" && (event as { state: { name: string } }).state.name === name,
  ).length;
const retried = (result: WorkflowResult) =>
  result.events
    .filter((event) => event.type === "StateRetried")
    .map((event) => (event as { state: { name: string } }).state.name);

describe("the phase loop under AWS latency", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("checks every pending directory and NPS server with one Task per poll, the servers running one after the other", async () => {
    // Prepare: two directories, two NPS servers; RadiusStatus Creating for 3 looks, each invocation
    // InProgress for 2 looks once it runs.
    const branch = await addSecondDirectory(world.estate);
    world.radiusStatus.setLatency({ creatingPolls: 3 });
    world.invocations.setLatency({ pendingPolls: 2 });

    // Act
    const result = await runWorkflow({ mode: "reconcile" });

    // Assess: 3 + 1 directory checks, whatever the number of directories. The NPS servers take turns:
    // the first runs for looks 1-2 and ends at look 3, where SSM starts the second, which ends at look 5.
    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect([entered(result, "CheckDirectories"), entered(result, "CheckNpsServers")]).toEqual([4, 5]);
    const runs = world.npsHosts.runs();
    expect(runs).toHaveLength(2);
    expect(runs[1]?.startedAt).toBeGreaterThanOrEqual(runs[0]?.endedAt ?? Number.POSITIVE_INFINITY);
    const describes = world.calls.callsTo("DescribeDirectories").filter((call) => call.input.DirectoryIds);
    const checks = describes.slice(-4).map((call) => [...(call.input.DirectoryIds as string[])].sort());
    expect(checks).toEqual(Array(4).fill([world.estate.directory.directoryId, branch.directoryId].sort()));
    expect(world.calls.callsTo("ListCommandInvocations")).toHaveLength(5);
    expect(world.calls.callsTo("GetCommandInvocation")).toHaveLength(2);
    expect(
      agree(await readSecretSides(world, [world.estate.directory.directoryId, branch.directoryId])),
    ).toBe(true);
  });

  it("ends a directories phase with RadiusUpdateFailed naming every directory that failed", async () => {
    const branch = await addSecondDirectory(world.estate);
    world.radiusStatus.setSequence(world.estate.directory.directoryId, ["Creating", "Failed"]);
    world.radiusStatus.setSequence(branch.directoryId, ["Creating", "Failed"]);

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.error).toBe("RadiusUpdateFailed");
    expect(result.cause).toContain(branch.directoryId);
    expect(result.cause).toContain(world.estate.directory.directoryId);
    expect(result.cause).toContain("2 directories report RadiusStatus Failed");
    expect(entered(result, "CheckDirectories")).toBe(2);
  });

  it("ends an NPS phase with NpsCommandFailed at the first server that fails, the others never run", async () => {
    // Both would fail; SSM runs the command on one server at a time and stops at the first error
    // (MaxErrors 0): the server after it is cancelled by SSM ("Terminated") and never runs.
    for (const server of world.estate.npsServers) {
      world.invocations.setOutcome(server.instanceId, {
        status: "Failed",
        standardErrorContent: "NPS stopped",
      });
    }

    const result = await runWorkflow({ mode: "reconcile" });

    const [send] = world.calls.callsTo("SendCommand");
    const [first, second] = (send?.input.InstanceIds ?? []) as string[];
    expect(result.error).toBe("NpsCommandFailed");
    expect(result.cause).toContain(`NPS server ${first} failed`);
    expect(result.cause).toContain("NPS stopped");
    expect(result.cause).toContain(`NPS server ${second} failed`);
    expect(result.cause).toContain("Cancelled");
    expect(result.cause).toContain("Terminated");
    expect(entered(result, "CheckNpsServers")).toBe(1);
    expect(send?.input.MaxConcurrency).toBe("1");
    expect(send?.input.MaxErrors).toBe("0");
    expect(world.npsHosts.runs().map((run) => run.instanceId)).toEqual([first]);
  });

  it("fails a rotation's wait past its maximum by name and rolls every side back", async () => {
    // Prepare: waits of 30 s polled every 15 s allow 2 checks; the rotation's first update stays Creating.
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    process.env.RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS = "30";
    world.radiusStatus.setLatency({ creatingPolls: 5 });
    try {
      // Act: once the wait has failed, Directory Service answers at once again, so the rollback completes.
      const result = await runWorkflow(
        { mode: "rotate" },
        {
          intercept: async (_state, _input, next) => {
            try {
              return await next();
            } catch (error) {
              if ((error as Error).name === "RadiusUpdateTimedOut")
                world.radiusStatus.setLatency({ creatingPolls: 0 });
              throw error;
            }
          },
        },
      );

      // Assess
      expect(result.error).toBe("RadiusUpdateTimedOut");
      expect(result.cause).toContain("after 2 checks");
      expect(result.cause).toContain("rotation rolled back");
      expect(entered(result, "RollBackRotation")).toBe(1);
      expect(agree(await readSecretSides(world, [world.estate.directory.directoryId]))).toBe(true);
    } finally {
      delete process.env.RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS;
    }
  });

  it("retries a throttled directory update inside the step, without failing the step", async () => {
    // AWS_MAX_ATTEMPTS=1 in tests: the SDK does not retry, the step does.
    const throttled = faults.fail({
      service: "ds",
      operation: "EnableRadius",
      code: "ThrottlingException",
      times: 2,
    });

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(throttled.failed).toBe(2);
    expect(retried(result)).toEqual([]);
    expect(world.calls.callsTo("EnableRadius").map((call) => call.errorCode ?? "ok")).toEqual([
      "ThrottlingException",
      "ThrottlingException",
      "ok",
    ]);
  });
});
