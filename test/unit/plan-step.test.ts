import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config.js";
import type { Discovery } from "../../shared/core/model.js";
import { maxClients } from "../../shared/nps/index.js";
import type { Run } from "../../shared/run.js";
import { planRun } from "../../shared/steps/plan-step.js";

const config = parseConfig({
  RADIUS_SYNC_NPS_TAG: "radius-sync:nps=true",
  RADIUS_SYNC_NPS_AD_GROUP: "CORP\\WorkSpaces-MFA",
  RADIUS_SYNC_SSM_DOCUMENT_NAME: "radius-sync-nps",
  RADIUS_SYNC_STATE_TABLE: "radius-sync-state",
});

function run(dryRun: boolean): Run {
  return {
    mode: "reconcile",
    dryRun,
    executionId: "arn:aws:states:us-east-1:123456789012:execution:radius-sync:unit",
    startedAt: "2026-11-24T12:00:00.000Z",
  };
}

/** An estate whose directories send RADIUS from `addresses` distinct IPs, two per directory. */
function estateWith(addresses: number): Discovery {
  const directories = Array.from({ length: Math.ceil(addresses / 2) }, (_, index) => ({
    directoryId: `d-${index.toString(16).padStart(10, "0")}`,
    name: `corp${index}.example.com`,
    type: "ADConnector",
    stage: "Active",
    radiusSourceIps: [
      `10.1.${Math.floor(index / 100)}.${(index % 100) * 2 + 1}`,
      `10.2.${Math.floor(index / 100)}.${(index % 100) * 2 + 1}`,
    ].slice(0, Math.min(2, addresses - index * 2)),
    securityGroupId: `sg-${index.toString(16).padStart(17, "0")}`,
    udpIngressRules: [],
  }));
  return {
    directories,
    missingDirectoryIds: [],
    skippedDirectories: [],
    npsServers: [
      {
        instanceId: "i-0123456789abcdef0",
        pingStatus: "Online",
        platformType: "Windows",
        ipAddress: "10.0.1.20",
      },
    ],
    missingNpsInstanceIds: [],
    secret: {
      exists: true,
      name: "radius-sync/shared-secret",
      arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:radius-sync/shared-secret-AbCdEf",
      currentVersionId: "00000000-0000-0000-0000-000000000001",
    },
  };
}

describe("planRun", () => {
  it("plans an estate with as many NPS clients as one command carries", () => {
    const result = planRun({ config, run: run(false), discovery: estateWith(maxClients) });

    expect("work" in result && result.work.npsClients).toHaveLength(maxClients);
  });

  it("refuses, before any change, an estate with more NPS clients than one command carries", () => {
    expect(() => planRun({ config, run: run(false), discovery: estateWith(maxClients + 2) })).toThrow(
      expect.objectContaining({
        name: "InvalidConfiguration",
        message: expect.stringContaining(`${maxClients + 2} addresses`),
      }),
    );
  });

  it("shows the limit as a problem in a dry run", () => {
    const result = planRun({ config, run: run(true), discovery: estateWith(maxClients + 2) });

    expect("plan" in result && result.plan.problems.map((problem) => problem.error)).toContain(
      "InvalidConfiguration",
    );
  });
});
