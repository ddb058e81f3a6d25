import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readDirectoryRadius } from "../support/inspect.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/**
 * `radiusPort` on the NPS side (issue 19): Directory Service and the security groups take any port
 * from 1025 to 65535, but NPS listens where its own settings say (1812 and 1645 by default). radius-sync
 * does not change NPS's ports — no cmdlet or netsh command documents them — it checks them: every
 * push reports the UDP ports the IAS process listens on, and a server that does not listen on
 * radiusPort fails the run with NpsPortMismatch before any directory is pointed at that port.
 */
describe("a radiusPort other than NPS's", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    process.env.RADIUS_SYNC_RADIUS_PORT = "1850";
    // The seed's NPS security group admits 1812 only: let radius-sync add the 1850 rules.
    process.env.RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP = "true";
  });
  afterEach(() => {
    delete process.env.RADIUS_SYNC_RADIUS_PORT;
    delete process.env.RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP;
  });

  it("fails with NpsPortMismatch naming the server and the ports it listens on, before any directory uses the port", async () => {
    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsPortMismatch");
    expect(result.cause).toContain(world.estate.npsServers[0].instanceId);
    expect(result.cause).toContain("listens on UDP 1645, 1812, not on radiusPort 1850");
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).settings).toBeUndefined();
  });

  it("configures the directories on that port once NPS listens on it", async () => {
    for (const server of world.estate.npsServers)
      world.npsHosts.modelOf(server.instanceId).authenticationPorts = [1812, 1850];

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).settings).toMatchObject({
      RadiusPort: 1850,
    });
  });
});
