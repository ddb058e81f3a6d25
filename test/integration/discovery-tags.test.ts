/**
 * Discovery with `directoryTag` (issue 21): every supported directory's tags are read — one
 * ListTagsForResource each, ten at a time — and a throttled read is tried again after a backoff
 * instead of failing the step. At 1,000 directories the reads are measured on a simulated clock
 * (test/unit/tag-reads.test.ts, docs/benchmarks.md); here on moto, with a throttle injected.
 */
import { AddTagsToResourceCommand } from "@aws-sdk/client-directory-service";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { getConfig } from "../../shared/config.js";
import { discoverEstate } from "../../shared/steps/discover-estate.js";
import { faults } from "../support/rig/faults.js";
import { addSecondDirectory, type SeededDirectory } from "../support/seed.js";
import { prepareWorld, type World } from "../support/world.js";

let world: World;
let branch: SeededDirectory;
beforeEach(async () => {
  world = await prepareWorld();
  branch = await addSecondDirectory(world.estate);
  await clients.ds.send(
    new AddTagsToResourceCommand({
      ResourceId: world.estate.directory.directoryId,
      Tags: [{ Key: "radius-sync", Value: "true" }],
    }),
  );
  process.env.RADIUS_SYNC_DIRECTORY_TAG = "radius-sync=true";
  world.calls.reset();
});
afterEach(() => {
  delete process.env.RADIUS_SYNC_DIRECTORY_TAG;
});

describe("discovery with directoryTag", () => {
  it("reads each directory's tags once and manages only the tagged ones", async () => {
    const discovery = await discoverEstate({ config: getConfig() });

    expect(discovery.directories.map((directory) => directory.directoryId)).toEqual([
      world.estate.directory.directoryId,
    ]);
    expect(discovery.skippedDirectories).toContainEqual({
      directoryId: branch.directoryId,
      reason: "not tagged radius-sync=true",
    });
    const read = world.calls.callsTo("ListTagsForResource").map((call) => call.input.ResourceId);
    expect([...read].sort()).toEqual([world.estate.directory.directoryId, branch.directoryId].sort());
  });

  it("tries a throttled read again after a backoff instead of failing discovery", async () => {
    faults.fail({ service: "ds", operation: "ListTagsForResource", code: "ThrottlingException", times: 1 });

    const discovery = await discoverEstate({ config: getConfig() });

    expect(discovery.directories.map((directory) => directory.directoryId)).toEqual([
      world.estate.directory.directoryId,
    ]);
    expect(world.calls.callsTo("ListTagsForResource")).toHaveLength(3);
  });
});
