import { beforeEach, describe, expect, it } from "vitest";
import { readDirectoryRadius } from "../support/inspect.js";
import { runWorkflow, type WorkflowResult } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/** Operations sent after the first failing state, i.e. changes the failure did not stop. */
const mutatingOperations = (world: World) => world.calls.mutatingCalls().map((call) => call.operation);
const failedStates = (result: WorkflowResult) =>
  result.events
    .filter((event) => event.type === "StateFailed")
    .map((event) => (event as { state: { name: string } }).state.name);

describe("reconcile refuses, before any change, when the estate cannot be converged", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("fails with DirectoryNotActive naming the directory and its stage", async () => {
    world.stages.setStage(world.estate.directory.directoryId, "Impaired");

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("DirectoryNotActive");
    expect(result.cause).toContain(world.estate.directory.directoryId);
    expect(result.cause).toContain("Impaired");
    expect(mutatingOperations(world)).toEqual([]);
  });

  it("fails with NpsServerOffline naming the server and its ping status", async () => {
    const offline = world.estate.npsServers[1].instanceId;
    world.nodes.setPingStatus(offline, "ConnectionLost");

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsServerOffline");
    expect(result.cause).toContain(offline);
    expect(result.cause).toContain("ConnectionLost");
    expect(mutatingOperations(world)).toEqual([]);
  });

  it("fails with NpsServerNotManaged naming exactly the configured server that has no SSM agent", async () => {
    // Prepare: both servers configured by id; SSM answers InvalidInstanceId for the whole call.
    const unmanaged = world.estate.npsServers[0].instanceId;
    const managed = world.estate.npsServers[1].instanceId;
    world.nodes.markNotRegistered(unmanaged);
    process.env.RADIUS_SYNC_NPS_INSTANCE_IDS = `${managed},${unmanaged}`;
    try {
      // Act
      const result = await runWorkflow({ mode: "reconcile" });

      // Assess: the refused batch was narrowed down to the one unknown id.
      expect(result.status).toBe("FAILED");
      expect(result.error).toBe("NpsServerNotManaged");
      expect(result.cause).toContain(`NPS server ${unmanaged} is not an SSM managed node`);
      expect(result.cause).not.toContain(`NPS server ${managed} is not an SSM managed node`);
      expect(
        world.calls
          .callsTo("DescribeInstanceInformation")
          .some((call) => call.errorCode === "InvalidInstanceId"),
      ).toBe(true);
      expect(mutatingOperations(world)).toEqual([]);
    } finally {
      delete process.env.RADIUS_SYNC_NPS_INSTANCE_IDS;
    }
  });
});

describe("reconcile stops at the first failing side and changes nothing after it", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("fails with NpsCommandFailed naming the server and quoting the script's error", async () => {
    const failing = world.estate.npsServers[1].instanceId;
    world.invocations.setOutcome(failing, {
      status: "Failed",
      responseCode: 1,
      standardErrorContent: "New-NpsRadiusClient : Access is denied.",
    });

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsCommandFailed");
    expect(result.cause).toContain(failing);
    expect(result.cause).toContain("Access is denied");
    expect(failedStates(result)).toContain("CheckNpsServers");
    expect(world.calls.callsTo("EnableRadius")).toEqual([]);
    expect(world.calls.callsTo("UpdateRadius")).toEqual([]);
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).settings).toBeUndefined();
  });

  it("fails with RadiusUpdateFailed when the directory reports RadiusStatus Failed, and the next run updates it again", async () => {
    const { directoryId } = world.estate.directory;
    world.radiusStatus.setSequence(directoryId, ["Creating", "Failed"]);

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("RadiusUpdateFailed");
    expect(result.cause).toContain(directoryId);
    expect(world.calls.callsTo("EnableRadius")).toHaveLength(1);
    world.radiusStatus.clear(directoryId);
    world.calls.reset();

    const next = await runWorkflow({ mode: "reconcile" });

    expect(next.status, next.cause).toBe("SUCCEEDED");
    expect(world.calls.callsTo("UpdateRadius").map((call) => call.input.DirectoryId)).toEqual([directoryId]);
  });

  it("fails with RadiusUpdateTimedOut after exactly the configured number of status checks", async () => {
    const { directoryId } = world.estate.directory;
    world.radiusStatus.setSequence(directoryId, ["Creating"]);
    const maxPolls = Math.ceil(1800 / 15);

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("RadiusUpdateTimedOut");
    expect(result.cause).toContain(directoryId);
    expect(result.cause).toContain("Creating");
    const checks = result.events.filter(
      (event) =>
        event.type === "StateEntered" &&
        (event as { state: { name: string } }).state.name === "CheckDirectories",
    );
    expect(checks).toHaveLength(maxPolls);
    expect(world.calls.callsTo("EnableRadius")).toHaveLength(1);
  });

  it("fails with InvalidInput naming every bad field, before reading anything", async () => {
    const result = await runWorkflow({ mode: "rotate-everything", dryRun: "yes", surprise: 1 });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("InvalidInput");
    expect(result.cause).toContain("mode");
    expect(result.cause).toContain("dryRun");
    expect(result.cause).toContain("surprise");
    expect(world.calls.calls).toEqual([]);
  });
});
