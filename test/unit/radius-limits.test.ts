import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config.js";
import { DirectoryUpdatePhase } from "../../shared/core/phases.js";
import { RadiusSettings } from "../../shared/core/plan-schema.js";
import { RADIUS_PORT_RANGE } from "../../shared/core/radius-limits.js";
import { InvalidConfiguration } from "../../shared/errors.js";
import { describeIssues } from "../../shared/middleware/parse-input.js";
import { BaseRadiusSettings } from "../../shared/steps/rotation-phases.js";

const required = {
  RADIUS_SYNC_NPS_TAG: "radius-sync:nps=true",
  RADIUS_SYNC_NPS_AD_GROUP: "CORP\\WorkSpaces-MFA",
  RADIUS_SYNC_SSM_DOCUMENT_NAME: "radius-sync-nps",
  RADIUS_SYNC_STATE_TABLE: "radius-sync-state",
};

const settings = { protocol: "PAP", timeoutSeconds: 30, retries: 1, displayLabel: "MFA" } as const;

describe("the RADIUS port range (Directory Service's PortNumber, 1025-65535)", () => {
  it("is the range botocore's ds/2015-04-16 model gives PortNumber", () => {
    expect(RADIUS_PORT_RANGE).toEqual({ min: 1025, max: 65535 });
  });

  it.each([1025, 1812, 65535])("accepts RADIUS_SYNC_RADIUS_PORT=%i", (port) => {
    const config = parseConfig({ ...required, RADIUS_SYNC_RADIUS_PORT: String(port) });
    expect(config.radius.port).toBe(port);
  });

  it.each([
    [1024, "must be at least 1025"],
    [1, "must be at least 1025"],
    [65536, "must be at most 65535"],
  ])("refuses RADIUS_SYNC_RADIUS_PORT=%i, naming the variable and the bound", (port, why) => {
    const act = () => parseConfig({ ...required, RADIUS_SYNC_RADIUS_PORT: String(port) });
    expect(act).toThrow(InvalidConfiguration);
    expect(act).toThrow(`RADIUS_SYNC_RADIUS_PORT ${why}`);
  });

  it("is enforced by every schema that carries directory settings, up to the step that calls EnableRadius", () => {
    // Prepare: the same settings at the last allowed port and one below it.
    const at = (port: number) => ({ ...settings, port });
    const directoryPhase = (port: number) => ({
      kind: "directories",
      directoryIds: ["d-0123456789"],
      enable: ["d-0123456789"],
      settings: { ...at(port), servers: ["10.0.2.7"] },
      settingsFingerprint: "f",
      secret: "current",
      mismatch: false,
      reason: "RADIUS is not enabled",
    });
    const schemas = [
      (port: number) => RadiusSettings.safeParse({ ...at(port), servers: ["10.0.2.7"] }),
      (port: number) => BaseRadiusSettings.safeParse(at(port)),
      (port: number) => DirectoryUpdatePhase.safeParse(directoryPhase(port)),
    ];
    // Act
    const accepted = schemas.map((parse) => parse(1025).success);
    const refused = schemas.map((parse) => parse(1024).success);
    // Assess
    expect(accepted).toEqual([true, true, true]);
    expect(refused).toEqual([false, false, false]);
  });
});

describe("a directory phase read back from state with settings Directory Service would refuse", () => {
  const phase = (change: Partial<Record<"port" | "timeoutSeconds" | "retries", number>>) => ({
    kind: "directories",
    directoryIds: ["d-0123456789"],
    enable: [],
    settings: { ...settings, port: 1812, servers: ["10.0.2.7"], ...change },
    settingsFingerprint: "f",
    secret: "current",
    mismatch: false,
    reason: "RADIUS settings differ",
  });

  it.each([
    [{ port: 1024 }, "settings.port: must be at least 1025"],
    [{ port: 65536 }, "settings.port: must be at most 65535"],
    [{ timeoutSeconds: 0 }, "settings.timeoutSeconds: must be at least 1"],
    [{ timeoutSeconds: 51 }, "settings.timeoutSeconds: must be at most 50"],
    [{ retries: 11 }, "settings.retries: must be at most 10"],
    [{ retries: 1.5 }, "settings.retries: must be a whole number"],
  ])("is refused for %j, naming the setting and the bound", (change, problem) => {
    // describeIssues words the InvalidInput that parseInput throws before the step calls Directory Service.
    const result = DirectoryUpdatePhase.safeParse(phase(change));
    expect(result.error && describeIssues(result.error)).toBe(problem);
  });
});
