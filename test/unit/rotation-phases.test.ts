import { describe, expect, it } from "vitest";
import { radiusSettingsFingerprint } from "../../shared/core/plan.js";
import { planRollback, planRotation, type RotationPhase } from "../../shared/core/rotation.js";
import { type BaseRadiusSettings, toWorkflowPhases } from "../../shared/steps/rotation-phases.js";

/** A rotation's or rollback's planned phases as the state machine's one phase loop runs them. */
const settings: BaseRadiusSettings = {
  port: 1812,
  protocol: "PAP",
  timeoutSeconds: 30,
  retries: 1,
  displayLabel: "MFA",
};
const directoryIds = ["d-1111111111", "d-2222222222"];
const nps: RotationPhase = {
  kind: "nps",
  instanceIds: ["i-0bbbbbbbbbbbbbbb2", "i-0aaaaaaaaaaaaaaa1"],
  secret: "pending",
  mismatch: false,
  reason: "pool B takes the pending secret",
};
const directories: RotationPhase = {
  kind: "directories",
  servers: ["10.0.4.10", "10.0.3.10"],
  secret: "pending",
  mismatch: true,
  reason: "directories move to pool B",
};

describe("toWorkflowPhases", () => {
  it("keeps an NPS phase as planned, on a copy of its instance ids", () => {
    const [phase] = toWorkflowPhases([nps], { directoryIds, settings });

    expect(phase).toEqual(nps);
    expect(phase?.kind === "nps" && phase.instanceIds).not.toBe(nps.instanceIds);
  });

  it("points every directory at the phase's servers, sorted, with the base settings and their fingerprint", () => {
    const [phase] = toWorkflowPhases([directories], { directoryIds, settings });
    const expectedSettings = { ...settings, servers: ["10.0.3.10", "10.0.4.10"] };

    expect(phase).toEqual({
      kind: "directories",
      directoryIds,
      enable: [],
      settings: expectedSettings,
      settingsFingerprint: radiusSettingsFingerprint(expectedSettings),
      secret: "pending",
      mismatch: true,
      reason: "directories move to pool B",
    });
    expect(directories.kind === "directories" && directories.servers).toEqual(["10.0.4.10", "10.0.3.10"]);
  });

  it("leaves out the directories phases of a rotation without directories, and keeps the NPS phases in order", () => {
    const second: RotationPhase = { ...nps, instanceIds: ["i-0ccccccccccccccc3"], secret: "current" };

    expect(toWorkflowPhases([nps, directories, second], { directoryIds: [], settings })).toEqual([
      nps,
      second,
    ]);
  });

  it("keeps the phases in their planned order", () => {
    const kinds = toWorkflowPhases([nps, directories, nps], { directoryIds, settings }).map(
      (phase) => phase.kind,
    );

    expect(kinds).toEqual(["nps", "directories", "nps"]);
  });
});

describe("rotation phases with IPv6 servers", () => {
  const servers = [
    { instanceId: "i-0aaaaaaaaaaaaaaa1", ip: "10.0.3.10", ipv6: "2001:db8:0:3::10" },
    { instanceId: "i-0bbbbbbbbbbbbbbb2", ip: "10.0.4.10", ipv6: "2001:db8:0:4::10" },
  ];
  const base: BaseRadiusSettings = {
    port: 1812,
    protocol: "PAP",
    timeoutSeconds: 30,
    retries: 1,
    displayLabel: "MFA",
  };

  it("names each blue/green pool on both families and hands the network types to every directories phase", () => {
    const plan = planRotation({ strategy: "blue-green", servers, directoryIds: ["d-1111111111"] });
    const directoriesPhases = plan.phases.filter((phase) => phase.kind === "directories");
    expect(directoriesPhases.map((phase) => [phase.servers, phase.serversIpv6])).toEqual([
      [["10.0.3.10"], ["2001:db8:0:3::10"]],
      [["10.0.4.10"], ["2001:db8:0:4::10"]],
      [
        ["10.0.3.10", "10.0.4.10"],
        ["2001:db8:0:3::10", "2001:db8:0:4::10"],
      ],
    ]);
    const phases = toWorkflowPhases(plan.phases, {
      directoryIds: ["d-1111111111"],
      settings: base,
      networkTypes: { "d-1111111111": "Dual-stack" },
    });
    for (const phase of phases.filter((entry) => entry.kind === "directories")) {
      expect(phase).toMatchObject({ networkTypes: { "d-1111111111": "Dual-stack" } });
      if (phase.kind === "directories")
        expect(phase.settings.serversIpv6).toHaveLength(phase.settings.servers.length);
    }
  });

  it("leaves IPv4 rotations as they were: no IPv6 list, no network types", () => {
    const plan = planRotation({
      strategy: "blue-green",
      servers: servers.map(({ ipv6: _, ...server }) => server),
      directoryIds: ["d-1111111111"],
    });
    const phases = toWorkflowPhases(plan.phases, { directoryIds: ["d-1111111111"], settings: base });
    for (const phase of phases) {
      expect(phase).not.toHaveProperty("networkTypes");
      if (phase.kind === "directories") expect(phase.settings).not.toHaveProperty("serversIpv6");
    }
  });

  it("rolls back to every server on both families", () => {
    const rollback = planRollback({ servers, directoryIds: ["d-1111111111"] });
    expect(rollback.phases.find((phase) => phase.kind === "directories")).toMatchObject({
      servers: ["10.0.3.10", "10.0.4.10"],
      serversIpv6: ["2001:db8:0:3::10", "2001:db8:0:4::10"],
    });
  });
});
