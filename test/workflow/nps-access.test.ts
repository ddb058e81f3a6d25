import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../shared/observability.js";
import { type AccessRequest, views } from "../support/nps-model/nps-evaluate.js";
import type { NpsModel } from "../support/nps-model/nps-model.js";
import { runWorkflow } from "../support/workflow.js";
import { estateChanges, prepareWorld, type World } from "../support/world.js";

/**
 * The NPS side through the real definition and handlers, on the NPS model double: fail closed at
 * every run (issue 19: the drift run after the MFA extension disappeared closes radius-sync's door,
 * the first run after it is back opens it), and hand edits repaired by the next run's push.
 */

const ourRequest = (world: World, mfaApproved: boolean): AccessRequest => ({
  clientIp: world.estate.directory.connectIps[0] ?? "",
  userGroups: [],
  authType: "PAP",
  passwordValid: true,
  mfaApproved,
});
const vpnRequests: AccessRequest[] = [true, false].flatMap((mfaApproved) =>
  [true, false].map((passwordValid) => ({
    clientIp: "10.9.0.1",
    userGroups: [],
    authType: "PAP" as const,
    passwordValid,
    mfaApproved,
  })),
);
/** Every NPS server's answers, in every view, to the VPN's requests. */
const vpnAnswers = (world: World) =>
  world.estate.npsServers.flatMap((server) =>
    views.flatMap((view) =>
      vpnRequests.map((request) => world.npsHosts.evaluate(server.instanceId, request, view).answer),
    ),
  );
const answersOf = (world: World, instanceId: string, mfaApproved: boolean) =>
  views.map((view) => world.npsHosts.evaluate(instanceId, ourRequest(world, mfaApproved), view).answer);

describe("fail closed on NPS", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("installs nothing on a server without the MFA extension and fails the reconcile with NpsMfaExtensionMissing naming it", async () => {
    // Prepare
    const [, bare] = world.estate.npsServers;
    const model = world.npsHosts.modelOf(bare.instanceId);
    model.extension.registered = false;
    const { markers: _before, ...before } = structuredClone(model);
    // Act
    const result = await runWorkflow({ mode: "reconcile" });
    // Assess
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsMfaExtensionMissing");
    expect(result.cause).toContain(bare.instanceId);
    expect(result.cause).toContain("Azure MFA NPS extension is not registered");
    const { markers: _after, ...after } = world.npsHosts.modelOf(bare.instanceId);
    expect(after).toEqual(before);
    expect(world.npsHosts.lastOutputOf(bare.instanceId)?.stderr).toMatch(
      /^radius-sync NPS sync failed \[NpsMfaExtensionMissing\]/,
    );
  });

  it("closes radius-sync's door on the drift run after the extension disappeared, and opens it on the first run after it is back; a VPN client's answers never move", async () => {
    // Prepare: a converged estate whose first NPS server also serves a VPN.
    const [server] = world.estate.npsServers;
    world.npsHosts.addForeignClient(server.instanceId, "vpn-gateway", {
      ip: "10.9.0.1",
      secretVersionId: "vpn",
    });
    const vpn = vpnAnswers(world);
    expect((await runWorkflow({ mode: "reconcile" })).status).toBe("SUCCEEDED");
    expect(answersOf(world, server.instanceId, false)).toEqual([
      "Access-Reject",
      "Access-Reject",
      "Access-Reject",
    ]);
    expect(vpnAnswers(world)).toEqual(vpn);
    // The extension is uninstalled on that server (an upgrade gone wrong).
    world.npsHosts.modelOf(server.instanceId).extension.registered = false;
    // Act: the hourly drift run.
    const drift = await runWorkflow({ mode: "reconcile" });
    // Assess: the named error, and no request of ours is accepted without MFA any more.
    expect(drift.status).toBe("FAILED");
    expect(drift.error).toBe("NpsMfaExtensionMissing");
    expect(drift.cause).toContain(server.instanceId);
    expect(drift.cause).toContain("closed its door");
    expect(answersOf(world, server.instanceId, false)).toEqual(["discarded", "discarded", "discarded"]);
    expect(vpnAnswers(world)).toEqual(vpn);
    // The extension is back: the next run opens the door again.
    world.npsHosts.modelOf(server.instanceId).extension.registered = true;
    const restored = await runWorkflow({ mode: "reconcile" });
    expect(restored.status, restored.cause).toBe("SUCCEEDED");
    expect(answersOf(world, server.instanceId, true)).toEqual([
      "Access-Accept",
      "Access-Accept",
      "Access-Accept",
    ]);
    expect(answersOf(world, server.instanceId, false)).toEqual([
      "Access-Reject",
      "Access-Reject",
      "Access-Reject",
    ]);
    expect(world.npsHosts.lastOutputOf(server.instanceId)?.summary).toMatchObject({ doorReopened: true });
    expect(restored.output).toMatchObject({ changed: true });
    expect(vpnAnswers(world)).toEqual(vpn);
  });

  it("fails with NpsMfaExtensionBypassed when IP_WHITELIST lists an address the configuration did not acknowledge", async () => {
    const [server] = world.estate.npsServers;
    world.npsHosts.modelOf(server.instanceId).extension.ipWhitelist = [
      world.estate.directory.connectIps[0] ?? "",
    ];

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.error).toBe("NpsMfaExtensionBypassed");
    expect(result.cause).toContain(server.instanceId);
    expect(result.cause).toContain("NAS-IP-Address");
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
      // Prepare: a hand edit on one server.
      const [server] = world.estate.npsServers;
      const model = world.npsHosts.modelOf(server.instanceId);
      const converged = structuredClone(model);
      edit(model);
      const info = vi.spyOn(logger, "info");
      // Act
      const repair = await runWorkflow({ mode: "reconcile" });
      // Assess: repaired (apart from the restart), and the host's summary says what it changed.
      expect(repair.status).toBe("SUCCEEDED");
      expect(repair.output).toMatchObject({ changed: true });
      const { restarts: _before, markers: _m1, running: _r1, ...ours } = converged;
      const {
        restarts: _after,
        markers: _m2,
        running: _r2,
        ...now
      } = world.npsHosts.modelOf(server.instanceId);
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
      // Act again: the next run's push changes nothing on the host.
      const repaired = structuredClone(world.npsHosts.modelOf(server.instanceId));
      info.mockClear();
      world.calls.reset();
      const again = await runWorkflow({ mode: "reconcile" });
      expect(again.status).toBe("SUCCEEDED");
      expect(again.output).toMatchObject({ changed: false });
      expect(estateChanges(world)).toEqual(["SendCommand"]);
      const { markers: _m3, ...afterAgain } = world.npsHosts.modelOf(server.instanceId);
      const { markers: _m4, ...wanted } = repaired;
      expect(afterAgain).toEqual(wanted);
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
