import { describe, expect, it } from "vitest";
import { radiusSettingsFingerprint } from "../../shared/core/plan.js";
import type { RotationPhase } from "../../shared/core/rotation.js";
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
