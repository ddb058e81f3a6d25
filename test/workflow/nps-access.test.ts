import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readAppliedRecords, writeNpsRecord } from "../../shared/aws/state-table.js";
import { logger } from "../../shared/observability.js";
import type { NpsModel } from "../support/nps-model/nps-model.js";
import { runWorkflow } from "../support/workflow.js";
import { estateChanges, prepareWorld, type World } from "../support/world.js";

/**
 * The NPS side through the real definition and handlers, on the NPS model double: fail closed
 * without the MFA extension, and hand edits repaired by the next push (the refresh interval's).
 */

/** As if `npsRefreshHours` (24) had passed since the last push: the next reconcile pushes again. */
async function ageNpsRecords(world: World) {
  const tableName = world.estate.stateTable;
  const instanceIds = world.estate.npsServers.map((server) => server.instanceId);
  const records = await readAppliedRecords({ tableName, directoryIds: [], instanceIds });
  for (const [instanceId, record] of records.npsServers) {
    const appliedAt = new Date(Date.parse(record.appliedAt) - 25 * 3_600_000).toISOString();
    await writeNpsRecord({ tableName, instanceId, record: { ...record, appliedAt } });
  }
}

describe("fail closed on NPS", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("fails a reconcile with NpsMfaExtensionMissing naming the server, and leaves that NPS unchanged", async () => {
    // Prepare
    const [, bare] = world.estate.npsServers;
    const model = world.npsHosts.modelOf(bare.instanceId);
    model.extension.registered = false;
    const before = structuredClone(model);
    // Act
    const result = await runWorkflow({ mode: "reconcile" });
    // Assess
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsMfaExtensionMissing");
    expect(result.cause).toContain(bare.instanceId);
    expect(result.cause).toContain("Azure MFA NPS extension is not registered");
    expect(world.npsHosts.modelOf(bare.instanceId)).toEqual(before);
    expect(world.npsHosts.lastOutputOf(bare.instanceId)?.stderr).toMatch(
      /^radius-sync NPS sync failed \[NpsMfaExtensionMissing\]/,
    );
  });

  it("fails with NpsMfaExtensionBypassed when IP_WHITELIST exempts a connector IP", async () => {
    const [server] = world.estate.npsServers;
    world.npsHosts.modelOf(server.instanceId).extension.ipWhitelist = [
      world.estate.directory.connectIps[0] ?? "",
    ];

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.error).toBe("NpsMfaExtensionBypassed");
    expect(result.cause).toContain(server.instanceId);
  });
});

/** A connection request policy someone else adds above ours; it stays, right below ours once repaired. */
const someonesPolicy: NpsModel["connectionRequestPolicies"][number] = {
  name: "Someone's new policy",
  enabled: true,
  conditions: [["0x100c", "^10\\.99\\.0\\.1$"]],
  profile: [["0x1025", "0x1"]],
};

describe("hand edits to what radius-sync owns on NPS", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    expect((await runWorkflow({ mode: "reconcile" })).status).toBe("SUCCEEDED");
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** What check-nps-command reported for this server: the summary it parsed from the script's output. */
  const reportedFor = (info: { mock: { calls: unknown[][] } }, instanceId: string) =>
    info.mock.calls
      .filter(([message]) => message === "NPS server configured")
      .map(([, fields]) => fields as { instanceId: string; summary: Record<string, unknown> })
      .filter((fields) => fields.instanceId === instanceId)
      .map((fields) => fields.summary);

  it.each([
    [
      "a disabled client",
      (model: NpsModel) => {
        const [name] = [...model.clients.keys()];
        const client = model.clients.get(name ?? "");
        if (client) client.enabled = false;
      },
      { updated: 1, policiesChanged: [] },
    ],
    [
      "a changed processing order (someone's policy put first)",
      (model: NpsModel) => {
        model.connectionRequestPolicies.splice(0, 0, someonesPolicy);
      },
      { updated: 0, policiesChanged: ["radius-sync-crp"] },
    ],
    [
      "a changed profile",
      (model: NpsModel) => {
        const ours = model.connectionRequestPolicies.find((policy) => policy.name === "radius-sync-crp");
        if (ours) ours.profile = [["0x1025", "0x1"]];
      },
      { updated: 0, policiesChanged: ["radius-sync-crp"] },
    ],
    [
      "a missing policy",
      (model: NpsModel) => {
        model.connectionRequestPolicies = model.connectionRequestPolicies.filter(
          (policy) => policy.name !== "radius-sync-crp",
        );
      },
      { updated: 0, policiesChanged: ["radius-sync-crp"] },
    ],
  ])(
    "repairs %s at the next push, reports it, and a second run changes nothing",
    async (_label, edit, reported) => {
      // Prepare: a hand edit on one server, and the refresh interval passed.
      const [server] = world.estate.npsServers;
      const model = world.npsHosts.modelOf(server.instanceId);
      const converged = structuredClone(model);
      edit(model);
      await ageNpsRecords(world);
      const info = vi.spyOn(logger, "info");
      // Act
      const repair = await runWorkflow({ mode: "reconcile" });
      // Assess: repaired (apart from the restart), and the host's summary says what it changed.
      expect(repair.status).toBe("SUCCEEDED");
      const { restarts: _before, ...ours } = converged;
      const { restarts: _after, ...now } = world.npsHosts.modelOf(server.instanceId);
      const foreignKept = now.connectionRequestPolicies.some((policy) => policy.name === someonesPolicy.name);
      if (foreignKept) ours.connectionRequestPolicies.splice(1, 0, someonesPolicy);
      expect(now).toEqual(ours);
      expect(world.npsHosts.lastOutputOf(server.instanceId)?.summary).toMatchObject({
        restarted: true,
        ...reported,
      });
      // ...and the product reports the repair it read from that output.
      expect(reportedFor(info, server.instanceId)).toEqual([
        expect.objectContaining({ restarted: true, ...reported }),
      ]);
      // Act again: nothing to do, nothing changed.
      world.calls.reset();
      const again = await runWorkflow({ mode: "reconcile" });
      expect(again.status).toBe("SUCCEEDED");
      expect(estateChanges(world)).toEqual([]);
      // And a push with the same input once the refresh interval passes again: the host changes nothing.
      const repaired = structuredClone(world.npsHosts.modelOf(server.instanceId));
      await ageNpsRecords(world);
      info.mockClear();
      expect((await runWorkflow({ mode: "reconcile" })).status).toBe("SUCCEEDED");
      expect(world.npsHosts.modelOf(server.instanceId)).toEqual(repaired);
      expect(reportedFor(info, server.instanceId)).toEqual([
        expect.objectContaining({
          created: 0,
          updated: 0,
          removed: 0,
          policiesChanged: [],
          restarted: false,
        }),
      ]);
    },
  );
});
