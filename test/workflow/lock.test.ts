import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { radiusSyncEnvironment } from "../support/environment.js";
import { readDirectoryRadius } from "../support/inspect.js";
import { runWorkflow, type WorkflowResult } from "../support/workflow.js";
import { estateChanges, prepareWorld, type World } from "../support/world.js";

const tableName = radiusSyncEnvironment.RADIUS_SYNC_STATE_TABLE;

async function lockItem(key = "lock#mutation") {
  const { Item } = await clients.dynamodb.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } } }),
  );
  return Item;
}

async function plantLock(owner: string, expiresAt: number, key = "lock#mutation") {
  await clients.dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: key }, owner: { S: owner }, expiresAt: { N: String(expiresAt) } },
    }),
  );
}

const enteredStates = (result: WorkflowResult) =>
  result.events.flatMap((event) =>
    event.type === "StateEntered" ? [(event as { state: { name: string } }).state.name] : [],
  );

describe("the mutation lock", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("is taken by a run with changes and released when it succeeds", async () => {
    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(
      world.calls.callsTo("PutItem").some((call) => JSON.stringify(call.input).includes("lock#mutation")),
    ).toBe(true);
    expect(await lockItem()).toBeUndefined();
  });

  it("is held by a run without changes too, whose NPS command may still close a door, and released", async () => {
    await runWorkflow({ mode: "reconcile" });
    world.calls.reset();

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.output).toMatchObject({ changed: false });
    expect(enteredStates(result)).toContain("AcquireLock");
    expect(enteredStates(result)).toContain("ReportChanges");
    expect(await lockItem()).toBeUndefined();
  });

  it("is not written at all by a dry run", async () => {
    await runWorkflow({ mode: "reconcile" });
    world.calls.reset();

    const result = await runWorkflow({ mode: "reconcile", dryRun: true });

    expect(enteredStates(result)).not.toContain("AcquireLock");
    expect(world.calls.callsTo("PutItem")).toEqual([]);
  });

  it("is released through Catch when a step fails", async () => {
    world.invocations.setOutcome(world.estate.npsServers[0].instanceId, {
      status: "Failed",
      standardErrorContent: "boom",
    });

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsCommandFailed");
    expect(enteredStates(result)).toContain("ReleaseLockAfterFailure");
    expect(await lockItem()).toBeUndefined();
  });

  it("left expired by a crashed execution is taken over", async () => {
    await plantLock(
      "arn:aws:states:us-east-1:123456789012:execution:radius-sync:crashed",
      Math.floor(Date.now() / 1000) - 1,
    );

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).status).toBe("Completed");
    expect(await lockItem()).toBeUndefined();
  });

  it("held by a live execution makes a run wait in the queue, then fail with LockHeld and leave the queue", async () => {
    const holder = "arn:aws:states:us-east-1:123456789012:execution:radius-sync:busy";
    await plantLock(holder, Math.floor(Date.now() / 1000) + 3600);

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("LockHeld");
    expect(enteredStates(result).filter((name) => name === "AcquireLock")).toHaveLength(3600 / 15);
    expect((await lockItem())?.owner?.S).toBe(holder);
    expect(await lockItem("lock#queue")).toBeUndefined();
    expect(estateChanges(world)).toEqual([]);
  });
});
