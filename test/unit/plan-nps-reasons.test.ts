import { describe, expect, it } from "vitest";
import type { EligibleNpsServer } from "../../shared/core/eligibility.js";
import { type NpsPolicySettings, npsFingerprint } from "../../shared/core/fingerprint.js";
import type { DiscoveredDirectory } from "../../shared/core/model.js";
import { planNpsClients, planNpsServers } from "../../shared/core/plan-nps.js";

/** Why an NPS server is pushed, in the words the plan shows, one cause at a time and together. */
const settings: NpsPolicySettings = {
  accessMode: "push",
  protocol: "PAP",
  adGroup: "",
  requireMessageAuthenticator: false,
};
const a = { name: "radius-sync-d-1111111111-10-0-1-10", ip: "10.0.1.10", directoryId: "d-1111111111" };
const b = { name: "radius-sync-d-1111111111-10-0-1-11", ip: "10.0.1.11", directoryId: "d-1111111111" };
const c = { name: "radius-sync-d-2222222222-10-0-2-10", ip: "10.0.2.10", directoryId: "d-2222222222" };
const ref = ({ name, ip }: { name: string; ip: string }) => ({ name, ip });
const appliedAt = "2026-01-10T12:00:00.000Z";

function server(recorded: (typeof a)[], versionId: string, recordedSettings = settings): EligibleNpsServer {
  const clients = recorded.map(ref);
  return {
    instanceId: "i-0aaaaaaaaaaaaaaa1",
    pingStatus: "Online",
    platformType: "Windows",
    ipAddress: "10.0.3.10",
    applied: {
      clients,
      secretVersionId: versionId,
      appliedAt,
      fingerprint: npsFingerprint({
        clients,
        secretVersionId: versionId,
        settings: recordedSettings,
        namePrefix: "radius-sync",
      }),
    },
  };
}

function planFor(npsServer: EligibleNpsServer, options: { clients?: (typeof a)[] } = {}) {
  const [action] = planNpsServers({
    npsServers: [npsServer],
    clients: options.clients ?? [a, b],
    secret: { create: false, versionId: "v1" },
    settings,
    namePrefix: "radius-sync",
  });
  return action;
}

describe("planNpsServers: the reasons it gives", () => {
  it("pushes nothing to a server whose record matches, and says what it holds", () => {
    expect(planFor(server([a, b], "v1"))).toMatchObject({
      action: "none",
      reason:
        `NPS server has the 2 clients, secret version and NPS settings of the push at ${appliedAt}; ` +
        "the run's push verifies it and repairs what changed by hand",
    });
  });

  it("names the clients added and removed, and only that, when only the clients changed", () => {
    expect(planFor(server([a, c], "v1"))).toEqual({
      instanceId: "i-0aaaaaaaaaaaaaaa1",
      ipAddress: "10.0.3.10",
      action: "push",
      clientChanges: { create: [ref(b)], update: [], remove: [ref(c)] },
      reason: `clients added: ${b.name} (10.0.1.11); clients removed: ${c.name} (10.0.2.10)`,
    });
  });

  it("names only the clients added when none is removed", () => {
    expect(planFor(server([a], "v1"))?.reason).toBe(`clients added: ${b.name} (10.0.1.11)`);
  });

  it("names only the clients removed when none is added", () => {
    expect(planFor(server([a, b, c], "v1"))?.reason).toBe(`clients removed: ${c.name} (10.0.2.10)`);
  });

  it("names the secret versions, and updates every kept client, when only the secret changed", () => {
    expect(planFor(server([a, b], "v0"))).toMatchObject({
      clientChanges: { create: [], update: [ref(a), ref(b)], remove: [] },
      reason: "secret version changed from v0 to v1",
    });
  });

  it("blames the NPS settings when clients and secret are as recorded but the fingerprint differs", () => {
    const before = { ...settings, requireMessageAuthenticator: true };
    expect(planFor(server([a, b], "v1", before))).toMatchObject({
      clientChanges: { create: [], update: [], remove: [] },
      reason:
        "the NPS settings (access mode, protocol, AD group, Message-Authenticator) or the name prefix changed",
    });
  });

  it("gives every cause, separated, when several hold at once", () => {
    const stale = server([a, c], "v0", { ...settings, protocol: "MS-CHAPv2" });
    expect(planFor(stale)?.reason).toBe(
      [
        `clients added: ${b.name} (10.0.1.11)`,
        `clients removed: ${c.name} (10.0.2.10)`,
        "secret version changed from v0 to v1",
        "the NPS settings (access mode, protocol, AD group, Message-Authenticator) or the name prefix changed",
      ].join("; "),
    );
  });
});

describe("planNpsClients", () => {
  const directory = (directoryId: string, radiusSourceIps: string[]): DiscoveredDirectory => ({
    directoryId,
    name: "corp.example.com",
    type: "ADConnector",
    stage: "Active",
    radiusSourceIps,
    udpIngressRules: [],
  });

  it("names a shared address after the first directory by id, whatever order they come in", () => {
    const plan = planNpsClients({
      namePrefix: "radius-sync",
      directories: [directory("d-2222222222", ["10.0.1.10"]), directory("d-1111111111", ["10.0.1.10"])],
    });
    expect(plan).toEqual({
      clients: [{ name: a.name, ip: "10.0.1.10", directoryId: "d-1111111111" }],
      notes: [
        `10.0.1.10 sends RADIUS for both d-1111111111 and d-2222222222; NPS client ${a.name} serves both`,
      ],
    });
  });
});
