/**
 * State-table records that fail their schema (a field lost or renamed by hand, a half-written item, an
 * older version's shape) are read as absent — the safe reading: the next run applies again — but not
 * silently: each is logged as a warning with its key and the fields that failed, and the plan carries
 * a note naming it (issue 21).
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { readAppliedRecords } from "../../shared/aws/state-table.js";
import { getConfig } from "../../shared/config.js";
import { logger } from "../../shared/observability.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

let world: World;
beforeEach(async () => {
  world = await prepareWorld();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function storeRaw(key: string, data: string): Promise<void> {
  await clients.dynamodb.send(
    new PutItemCommand({ TableName: getConfig().stateTable, Item: { pk: { S: key }, data: { S: data } } }),
  );
}

describe("state-table records that fail their schema", () => {
  it("are read as absent and each logged with its key and the fields that failed", async () => {
    const directoryId = world.estate.directory.directoryId;
    const [server] = world.estate.npsServers;
    const instanceId = server?.instanceId ?? "";
    await storeRaw(
      `directory#${directoryId}`,
      JSON.stringify({ secretVersionId: 7, appliedAt: "yesterday" }),
    );
    await storeRaw(`nps#${instanceId}`, "{not json");
    await storeRaw("rotation#last", JSON.stringify({ executionId: "x", status: "DONE", at: "now" }));
    const warn = vi.spyOn(logger, "warn");

    const records = await readAppliedRecords({
      tableName: getConfig().stateTable,
      directoryIds: [directoryId],
      instanceIds: [instanceId],
    });

    expect(records.directories.size).toBe(0);
    expect(records.npsServers.size).toBe(0);
    expect(records.lastRotation).toBeUndefined();
    const unreadable = [
      { key: `directory#${directoryId}`, fields: ["secretVersionId", "settingsFingerprint"] },
      { key: `nps#${instanceId}`, fields: ["data (not JSON)"] },
      { key: "rotation#last", fields: ["status"] },
    ];
    expect(records.unreadable).toEqual(unreadable);
    for (const record of unreadable) {
      expect(warn).toHaveBeenCalledWith("state-table record fails its schema: read as absent", record);
    }
  });

  it("show in the plan as notes naming each key, and the directory is planned again", async () => {
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    const directoryId = world.estate.directory.directoryId;
    await storeRaw(
      `directory#${directoryId}`,
      JSON.stringify({ secretVersionId: "v", settingsFingerprint: 1 }),
    );

    const preview = await runWorkflow({ mode: "reconcile", dryRun: true });

    expect(preview.status, preview.cause).toBe("SUCCEEDED");
    const summary = (preview.output as { plan: { summary: string[] } }).plan.summary;
    expect(summary).toContain(
      `note: state-table record directory#${directoryId} fails its schema (settingsFingerprint, appliedAt) ` +
        "and is read as absent: its directory is planned as if radius-sync had never set it",
    );
    expect(summary.some((line) => line.includes(directoryId) && line.includes("update"))).toBe(true);
  });
});
