import { beforeEach, describe, expect, it } from "vitest";
import { readDirectoryRadius } from "../support/inspect.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { runPackagedWorkflow } from "../support/lambda/packaged-workflow.js";
import { faults } from "../support/rig/faults.js";
import type { EventLog, WorkflowResult } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

const run = (input: unknown) => runPackagedWorkflow(input, { lambdas: currentLambdas() });
const mutatingOperations = (world: World) => world.calls.mutatingCalls().map((call) => call.operation);
const statesWith = (result: WorkflowResult, type: string) =>
  result.events
    .filter((event: EventLog) => event.type === type)
    .map((event) => (event as { state: { name: string } }).state.name);
/** Step Functions' Cause of a Lambda failure: the runtime's error payload as JSON. */
const messageOf = (result: WorkflowResult) =>
  (JSON.parse(result.cause ?? "{}") as { errorMessage?: string }).errorMessage ?? "";

describe("the packaged reconcile path refuses, before any change, under each error's own name", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("fails with InvalidInput naming every bad field, before reading anything", async () => {
    const result = await run({ mode: "rotate-everything", dryRun: "yes", surprise: 1 });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("InvalidInput");
    expect(JSON.parse(result.cause ?? "{}")).toMatchObject({ errorType: "InvalidInput" });
    for (const field of ["mode", "dryRun", "surprise"]) expect(messageOf(result)).toContain(field);
    expect(world.calls.calls).toEqual([]);
  });

  it("fails with DirectoryNotActive naming the directory and its stage", async () => {
    world.stages.setStage(world.estate.directory.directoryId, "Impaired");

    const result = await run({ mode: "reconcile" });

    expect(result.error).toBe("DirectoryNotActive");
    expect(messageOf(result)).toContain(world.estate.directory.directoryId);
    expect(messageOf(result)).toContain("Impaired");
    expect(mutatingOperations(world)).toEqual([]);
  });

  it("fails with NpsServerOffline naming the server and its ping status", async () => {
    const offline = world.estate.npsServers[1].instanceId;
    world.nodes.setPingStatus(offline, "ConnectionLost");

    const result = await run({ mode: "reconcile" });

    expect(result.error).toBe("NpsServerOffline");
    expect(messageOf(result)).toContain(offline);
    expect(mutatingOperations(world)).toEqual([]);
  });

  it("fails with NpsServerNotManaged when a configured server has no SSM agent", async () => {
    // SSM answers InvalidInstanceId for the whole call, as AWS does; discovery narrows it down.
    const unmanaged = world.estate.npsServers[0].instanceId;
    const managed = world.estate.npsServers[1].instanceId;
    world.nodes.markNotRegistered(unmanaged);
    await currentLambdas().setEnvironmentOfAll({ RADIUS_SYNC_NPS_INSTANCE_IDS: `${managed},${unmanaged}` });
    try {
      const result = await run({ mode: "reconcile" });

      expect(result.error).toBe("NpsServerNotManaged");
      expect(messageOf(result)).toContain(`NPS server ${unmanaged} is not an SSM managed node`);
      expect(messageOf(result)).not.toContain(`NPS server ${managed} is not an SSM managed node`);
      expect(mutatingOperations(world)).toEqual([]);
    } finally {
      await currentLambdas().setEnvironmentOfAll({});
    }
  });
});

describe("the packaged reconcile path stops at the first failing side, under each error's own name", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("fails with NpsCommandFailed quoting the script's error, before any directory changes", async () => {
    const failing = world.estate.npsServers[1].instanceId;
    world.invocations.setOutcome(failing, {
      status: "Failed",
      responseCode: 1,
      standardErrorContent: "New-NpsRadiusClient : Access is denied.",
    });

    const result = await run({ mode: "reconcile" });

    expect(result.error).toBe("NpsCommandFailed");
    expect(messageOf(result)).toContain("Access is denied");
    expect(statesWith(result, "StateFailed")).toContain("CheckNpsServers");
    expect(world.calls.callsTo("EnableRadius")).toEqual([]);
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).settings).toBeUndefined();
  });

  it("fails with RadiusUpdateFailed when the directory reports RadiusStatus Failed, and says so in the result event without the stack trace", async () => {
    world.radiusStatus.setSequence(world.estate.directory.directoryId, ["Creating", "Failed"]);

    const result = await run({ mode: "reconcile" });

    expect(result.error).toBe("RadiusUpdateFailed");
    expect(messageOf(result)).toContain(world.estate.directory.directoryId);
    // The execution's Cause is Lambda's error payload (as on AWS); the result event quotes its message.
    expect(JSON.parse(result.cause ?? "{}")).toHaveProperty("trace");
    const [published] = world.calls.callsTo("PutEvents");
    const entries = published?.input.Entries as Array<{ Detail: string }> | undefined;
    const detail = JSON.parse(entries?.[0]?.Detail ?? "{}") as { error?: string; cause?: string };
    expect(detail).toEqual(
      expect.objectContaining({ error: "RadiusUpdateFailed", cause: messageOf(result) }),
    );
  });

  it("fails with RadiusUpdateTimedOut after the configured number of status checks", async () => {
    world.radiusStatus.setSequence(world.estate.directory.directoryId, ["Creating"]);

    const result = await run({ mode: "reconcile" });

    expect(result.error).toBe("RadiusUpdateTimedOut");
    expect(statesWith(result, "StateEntered").filter((name) => name === "CheckDirectories")).toHaveLength(
      Math.ceil(1800 / 15),
    );
  });
});

describe("the packaged definition retries AwsThrottled", () => {
  it("retries the Task whose function exhausted its SDK retries on throttling, and then succeeds", async () => {
    const world = await prepareWorld();
    // The SDK in the function retries 3 times (its default); every attempt of the first call is throttled.
    const throttled = faults.fail({
      service: "ds",
      operation: "DescribeDirectories",
      code: "ThrottlingException",
      times: 3,
    });

    const result = await run({ mode: "reconcile", dryRun: true });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(throttled.failed).toBe(3);
    expect(statesWith(result, "StateRetried")).toEqual(["DiscoverAndPlan"]);
    expect(currentLambdas().failures).toContainEqual({
      functionKey: "discover",
      errorType: "AwsThrottled",
      origin: "bundle",
    });
    expect(mutatingOperations(world)).toEqual([]);
  });
});
