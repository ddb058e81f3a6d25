/**
 * A directories phase larger than one step changes its directories in chunks across steps (25 per
 * step by default; 1 here, so two seeded directories show it), then one check covers them all; a
 * directory deleted meanwhile does not keep the others from being checked.
 */
import { DeleteDirectoryCommand, DirectoryServiceClient } from "@aws-sdk/client-directory-service";
import { beforeEach, describe, expect, it } from "vitest";
import { createSharedSecret } from "../../shared/aws/secrets.js";
import { readAppliedRecords } from "../../shared/aws/state-table.js";
import { getConfig } from "../../shared/config.js";
import type { DirectoryUpdatePhase, PhaseProgress } from "../../shared/core/phases.js";
import { radiusSettingsFingerprint } from "../../shared/core/plan.js";
import { SECRET_EXCLUDED_CHARACTERS } from "../../shared/core/secret-policy.js";
import type { Run } from "../../shared/run.js";
import { checkDirectories, updateDirectories } from "../../shared/steps/directory-radius.js";
import { rigClient } from "../support/rig/rig-clients.js";
import { addSecondDirectory } from "../support/seed.js";
import { prepareWorld, type World } from "../support/world.js";

const run: Run = {
  mode: "reconcile",
  dryRun: false,
  executionId: "arn:aws:states:us-east-1:123456789012:execution:radius-sync-test:chunks",
  startedAt: "2026-11-24T12:00:00.000Z",
};
const start: PhaseProgress = { status: "start", started: 0, attempt: 0, pending: [] };

describe("a directories phase in chunks", () => {
  let world: World;
  let phase: DirectoryUpdatePhase;
  let secret: { arn: string; currentVersionId: string };
  beforeEach(async () => {
    world = await prepareWorld();
    const branch = await addSecondDirectory(world.estate);
    const directoryIds = [world.estate.directory.directoryId, branch.directoryId].sort();
    const settings = {
      servers: world.estate.npsServers.map((server) => server.privateIp).sort(),
      port: 1812,
      protocol: "PAP" as const,
      timeoutSeconds: 30,
      retries: 1,
      displayLabel: "MFA",
    };
    phase = {
      kind: "directories",
      directoryIds,
      enable: directoryIds,
      settings,
      settingsFingerprint: radiusSettingsFingerprint(settings),
      secret: "current",
      mismatch: false,
      reason: "RADIUS is not enabled",
    };
    const created = await createSharedSecret({
      name: getConfig().secret.name,
      length: 64,
      excludeCharacters: SECRET_EXCLUDED_CHARACTERS,
      clientRequestToken: "00000000-0000-4000-8000-000000000002",
    });
    secret = { arn: created.arn, currentVersionId: created.versionId };
    world.calls.reset();
  });

  it("starts one chunk per step, continues until every directory is started, then one check covers them all", async () => {
    const config = getConfig();
    const enabled = () => world.calls.callsTo("EnableRadius").map((call) => call.input.DirectoryId);

    const first = await updateDirectories({ config, run, phase, secret, progress: start, chunkSize: 1 });
    const afterFirst = enabled();
    const second = await updateDirectories({ config, run, phase, secret, progress: first, chunkSize: 1 });
    const checked = await checkDirectories({ config, run, phase, secret, progress: second, maxPolls: 3 });

    expect(first).toMatchObject({ status: "continue", started: 1 });
    expect(afterFirst).toEqual(phase.directoryIds.slice(0, 1));
    expect(second).toMatchObject({ status: "pending", started: 2, pending: phase.directoryIds });
    expect(enabled()).toEqual(phase.directoryIds);
    expect(checked).toMatchObject({ status: "done", attempt: 1, pending: [] });
    expect(world.calls.callsTo("DescribeDirectories").map((call) => call.input.DirectoryIds)).toEqual([
      phase.directoryIds,
    ]);
  });

  it("checks the others when a directory of the phase was deleted, and fails naming it (DescribeDirectories fails whole batches)", async () => {
    const config = getConfig();
    const started = await updateDirectories({ config, run, phase, secret, progress: start });
    const [kept = "", deleted = ""] = phase.directoryIds;
    await rigClient(DirectoryServiceClient).send(new DeleteDirectoryCommand({ DirectoryId: deleted }));

    const checking = checkDirectories({ config, run, phase, secret, progress: started, maxPolls: 3 });

    await expect(checking).rejects.toMatchObject({
      name: "DirectoryNotFound",
      message: expect.stringContaining(deleted),
    });
    const records = await readAppliedRecords({
      tableName: config.stateTable,
      directoryIds: [kept],
      instanceIds: [],
    });
    expect(records.directories.get(kept)?.secretVersionId).toBe(secret.currentVersionId);
  });
});
