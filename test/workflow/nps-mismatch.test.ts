import { beforeEach, describe, expect, it } from "vitest";
import { agree, readSecretSides } from "../support/agreement.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

describe("an NPS server whose client does not take the new secret", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
  });

  it("fails the rotation with NpsSecretMismatch naming that server and that client, and rolls back", async () => {
    // Prepare: on the second server, one of our clients keeps whatever secret it holds.
    const server = world.estate.npsServers[1].instanceId;
    const [stuck, other] = [...world.npsHosts.clientsOf(server).keys()].sort();
    world.npsHosts.keepSecretOf(server, stuck ?? "");

    // Act
    const result = await runWorkflow({ mode: "rotate" });

    // Assess: named by server and client; the client that did take the secret is not accused.
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsSecretMismatch");
    expect(result.cause).toContain(`NPS server ${server}`);
    // The host reads back what it applied and fails before SSM moves on to the next server.
    expect(result.cause).toContain(`after applying, NPS still disagrees: 1 client(s) (${stuck})`);
    expect(result.cause).not.toContain(`${stuck}, ${other}`);
    expect(result.cause).toMatch(/rotation rolled back/);
    expect(agree(await readSecretSides(world, [world.estate.directory.directoryId]))).toBe(true);
  });
});
