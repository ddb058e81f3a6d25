import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config.js";
import { radiusSettingsFingerprint } from "../../shared/core/plan.js";
import { desiredSettingsFrom, planRun } from "../../shared/steps/plan-step.js";
import {
  D1,
  D2,
  findDirectory,
  findNpsServer,
  loadConvergedDiscovery,
  loadFreshDiscovery,
  NOW,
  NPS1,
  NPS2,
} from "../fixtures/plan/fixtures.js";
import {
  baseEnv,
  config,
  convergedWithSecretAge,
  day,
  dryPlanOf,
  runOf,
  workOf,
} from "../fixtures/plan/plan-step.js";

/**
 * The plan step between the pure planner and the apply states: what a run may change (directory
 * restriction, the command limit, rotation), what it carries (the Work slice, capped summaries) and
 * the order of its phases. plan-step-summary.test.ts covers large estates.
 */
describe("desiredSettingsFrom", () => {
  it("takes every setting the planner compares from the configuration", () => {
    const custom = parseConfig({
      ...baseEnv,
      RADIUS_SYNC_NAME_PREFIX: "mfa-sync",
      RADIUS_SYNC_RADIUS_PORT: "1645",
      RADIUS_SYNC_RADIUS_TIMEOUT: "20",
      RADIUS_SYNC_RADIUS_RETRIES: "3",
      RADIUS_SYNC_DISPLAY_LABEL: "Azure MFA",
      RADIUS_SYNC_NPS_ACCESS_MODE: "push",
      RADIUS_SYNC_NPS_AD_GROUP: "CORP\\WorkSpaces-MFA",
      RADIUS_SYNC_NPS_REQUIRE_MESSAGE_AUTHENTICATOR: "true",
      RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP: "true",
    });

    expect(desiredSettingsFrom(custom)).toEqual({
      namePrefix: "mfa-sync",
      radius: { port: 1645, protocol: "PAP", timeoutSeconds: 20, retries: 3, displayLabel: "Azure MFA" },
      nps: {
        accessMode: "push",
        adGroup: "CORP\\WorkSpaces-MFA",
        requireMessageAuthenticator: true,
        manageSecurityGroup: true,
      },
    });
  });
});

describe("planRun: the apply slice of a fresh estate", () => {
  const work = workOf({ discovery: loadFreshDiscovery() });

  it("creates the secret by name and carries no ARN or version yet", () => {
    expect(work.secret).toEqual({ action: "create", name: "radius-sync/shared-secret" });
  });

  it("writes each authorized source's description once and groups the rules by security group", () => {
    const d1 = findDirectory(loadFreshDiscovery(), D1);
    expect(work.securityGroups.port).toBe(1812);
    expect(work.securityGroups.descriptions).toEqual({
      "10.0.3.10/32": "radius-sync: RADIUS from NPS i-0aaaaaaaaaaaaaaa1",
      "10.0.4.10/32": "radius-sync: RADIUS from NPS i-0bbbbbbbbbbbbbbb2",
    });
    expect(work.securityGroups.groups).toContainEqual({
      groupId: d1.securityGroupId,
      directoryId: D1,
      authorize: ["10.0.3.10/32", "10.0.4.10/32"],
      revoke: [],
    });
    expect(work.securityGroups.groups).toHaveLength(2);
  });

  it("orders the phases security groups, then NPS, then directories, each with its reason", () => {
    expect(work.phases).toEqual([
      { kind: "securityGroups", mismatch: false, reason: "4 security-group rule change(s) in 2 group(s)" },
      {
        kind: "nps",
        instanceIds: [NPS1, NPS2],
        planned: [NPS1, NPS2],
        secret: "current",
        mismatch: false,
        reason:
          "2 of 2 NPS server(s) need the configuration, the others are verified; one server at a time, " +
          "so the others keep answering while each restarts",
      },
      expect.objectContaining({
        kind: "directories",
        directoryIds: [D1, D2],
        enable: [D1, D2],
        secret: "current",
        mismatch: false,
        reason: "2 directories need RADIUS enabled or updated",
      }),
    ]);
  });

  it("gives the directories phase the planned settings and their fingerprint", () => {
    const phase = work.phases.find((entry) => entry.kind === "directories");
    const settings = {
      servers: ["10.0.3.10", "10.0.4.10"],
      port: 1812,
      protocol: "PAP" as const,
      timeoutSeconds: 30,
      retries: 1,
      displayLabel: "MFA",
    };
    expect(phase).toMatchObject({ settings, settingsFingerprint: radiusSettingsFingerprint(settings) });
  });

  it("carries each NPS client as a name and an address only", () => {
    expect(work.npsClients[0]).toEqual({ name: "radius-sync-d-1111111111-10-0-1-10", ip: "10.0.1.10" });
    expect(work.npsClients).toHaveLength(4);
  });

  it("turns the configured waits into poll counts", () => {
    const waits = parseConfig({
      ...baseEnv,
      RADIUS_SYNC_POLL_SECONDS: "20",
      RADIUS_SYNC_MAX_NPS_WAIT_SECONDS: "330",
      RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS: "1210",
    });
    expect(workOf({ discovery: loadFreshDiscovery(), config: waits }).waits).toEqual({
      pollSeconds: 20,
      maxNpsPolls: 17,
      // A cancelled command is waited for the document's 300 s execution timeout.
      npsCancelPolls: 15,
      maxRadiusPolls: 61,
    });
  });

  it("has no rotation outside rotate mode", () => {
    expect(work.rotation).toBeUndefined();
    expect(work.summary.some((line) => line.startsWith("rotate the shared secret"))).toBe(false);
  });
});

describe("planRun: a converged estate", () => {
  it("keeps the secret by ARN and version, changes nothing, and only verifies the NPS servers", () => {
    const discovery = loadConvergedDiscovery();
    const work = workOf({ discovery });

    expect(discovery.secret.exists && work.secret).toEqual({
      action: "keep",
      arn: discovery.secret.exists ? discovery.secret.arn : "",
      versionId: discovery.secret.exists ? discovery.secret.currentVersionId : "",
    });
    // Every run reaches every NPS server: the command changes nothing on one that agrees, and closes
    // radius-sync's door on one that lost its MFA extension since the last run.
    expect(work.phases).toEqual([
      expect.objectContaining({ kind: "nps", instanceIds: [NPS1, NPS2], planned: [], secret: "current" }),
    ]);
    expect(work.phaseCount).toBe(1);
    expect(work.changeCount).toBe(0);
  });

  it("sends the servers that need a change first, then the ones it verifies, one phase for all", () => {
    const discovery = loadConvergedDiscovery();
    const npsTwo = findNpsServer(discovery, NPS2);
    if (npsTwo.applied) npsTwo.applied.fingerprint = "what an older configuration hashed to";

    const phase = workOf({ discovery }).phases.find((entry) => entry.kind === "nps");

    expect(phase).toMatchObject({ instanceIds: [NPS2, NPS1], planned: [NPS2] });
    expect(phase?.reason).toMatch(/^1 of 2 NPS server\(s\) need the configuration/);
  });

  it("updates one directory in the singular, without enabling it, when only its settings drifted", () => {
    const discovery = loadConvergedDiscovery();
    const d2 = findDirectory(discovery, D2);
    if (!d2.radiusSettings) throw new Error("the converged fixture has RADIUS settings");
    d2.radiusSettings.timeoutSeconds = 10;

    const phase = workOf({ discovery }).phases.find((entry) => entry.kind === "directories");

    expect(phase).toMatchObject({
      directoryIds: [D2],
      enable: [],
      reason: "1 directory needs RADIUS enabled or updated",
    });
  });

  it("revokes the rule of a moved NPS server by CIDR and port, and authorizes its new address", () => {
    const discovery = loadConvergedDiscovery();
    findNpsServer(discovery, NPS2).ipAddress = "10.0.4.99";

    const groups = workOf({ discovery }).securityGroups.groups;

    for (const group of groups) {
      expect(group.revoke).toEqual([{ cidr: "10.0.4.10/32", port: 1812 }]);
      expect(group.authorize).toEqual(["10.0.4.99/32"]);
    }
    expect(groups).toHaveLength(2);
  });
});

describe("planRun: problems", () => {
  it("stops before any change with the first problem's name and every problem in the message", () => {
    const discovery = loadFreshDiscovery();
    discovery.missingDirectoryIds = ["d-3333333333"];
    discovery.missingNpsInstanceIds = ["i-0ccccccccccccccc3"];
    const { plan } = dryPlanOf(discovery);
    const [first, second] = plan.problems;
    if (!first || !second) throw new Error("expected two problems");

    expect(() => planRun({ config, run: runOf(), discovery })).toThrow(
      expect.objectContaining({
        name: first.error,
        message: `nothing was changed: ${first.error}: ${first.message}; ${second.error}: ${second.message}`,
      }),
    );
  });
});

describe("planRun: directoryIds in the input", () => {
  it("changes only the requested directories and their rules, and counts only those", () => {
    const discovery = loadFreshDiscovery();
    const work = workOf({ discovery, run: runOf({ directoryIds: [D2] }) });
    const d2 = findDirectory(discovery, D2);

    expect(work.securityGroups.groups.map((group) => group.groupId)).toEqual([d2.securityGroupId]);
    expect(work.phases.find((phase) => phase.kind === "directories")).toMatchObject({
      directoryIds: [D2],
      enable: [D2],
    });
    // The secret, 2 rules, 2 NPS pushes and 1 directory.
    expect(work.changeCount).toBe(1 + 2 + 2 + 1);
  });

  it("does not count the secret when it exists, nor a requested directory that needs nothing", () => {
    const discovery = loadConvergedDiscovery();
    findNpsServer(discovery, NPS1).ipAddress = "10.0.3.99";

    const work = workOf({ discovery, run: runOf({ directoryIds: [D1] }) });

    // D1's group: the old rule revoked, the new one authorized; whatever else the plan does is counted too.
    const rules = work.securityGroups.groups.flatMap((group) => [...group.authorize, ...group.revoke]);
    const nps = work.phases.find((phase) => phase.kind === "nps");
    const pushes = nps?.kind === "nps" ? (nps.planned ?? nps.instanceIds).length : 0;
    const directories = work.phases.find((phase) => phase.kind === "directories")?.directoryIds.length ?? 0;
    expect(work.changeCount).toBe(rules.length + pushes + directories);
    expect(rules).toHaveLength(2);
  });
});

describe("planRun: rotate mode", () => {
  it("adds the rotation as one change, with the secret's age in whole days", () => {
    const discovery = convergedWithSecretAge(3 * day - 1);
    const work = workOf({ discovery, run: runOf({ mode: "rotate" }) });
    const createdAt = new Date(Date.parse(NOW) - (3 * day - 1)).toISOString();

    expect(work.changeCount).toBe(1);
    expect(work.summary.at(-1)).toBe(
      `rotate the shared secret; AWSCURRENT ${discovery.secret.exists ? discovery.secret.currentVersionId : ""} ` +
        `was created at ${createdAt} (2 days before this run)`,
    );
  });

  it("counts a day once it has fully passed", () => {
    const work = workOf({ discovery: convergedWithSecretAge(3 * day), run: runOf({ mode: "rotate" }) });

    expect(work.summary.at(-1)).toMatch(/\(3 days before this run\)$/);
  });

  it("says only that it rotates when the secret's creation time is unknown", () => {
    const work = workOf({ discovery: loadConvergedDiscovery(), run: runOf({ mode: "rotate" }) });

    expect(work.summary.at(-1)).toBe("rotate the shared secret");
  });

  it("covers every NPS server by address and every eligible directory with the configured settings", () => {
    const custom = parseConfig({ ...baseEnv, RADIUS_SYNC_ROTATION_STRATEGY: "blue-green" });
    const work = workOf({
      discovery: loadConvergedDiscovery(),
      run: runOf({ mode: "rotate" }),
      config: custom,
    });

    expect(work.rotation).toEqual({
      strategy: "blue-green",
      servers: [
        { instanceId: NPS1, ip: "10.0.3.10" },
        { instanceId: NPS2, ip: "10.0.4.10" },
      ],
      directoryIds: [D1, D2],
      settings: { port: 1812, protocol: "PAP", timeoutSeconds: 30, retries: 1, displayLabel: "MFA" },
    });
  });
});

describe("planRun: a dry run", () => {
  it("returns the whole plan with the secret's status, and changes nothing", () => {
    const discovery = convergedWithSecretAge(10 * day - 1);
    discovery.lastRotation = { executionId: "arn:x", status: "ROLLED_BACK", at: "2026-01-01T00:00:00.000Z" };
    const result = dryPlanOf(discovery);

    expect(result.secretStatus).toEqual({
      lastRotation: discovery.lastRotation,
      currentVersionId: discovery.secret.exists ? discovery.secret.currentVersionId : "",
      createdAt: new Date(Date.parse(NOW) - (10 * day - 1)).toISOString(),
      ageDays: 9,
    });
    expect(result.plan.changeCount).toBe(0);
  });

  it("reports no version for a secret that does not exist yet", () => {
    expect(dryPlanOf(loadFreshDiscovery()).secretStatus).toEqual({});
  });

  it("reports the version but no age when the secret's creation time is unknown", () => {
    const discovery = loadConvergedDiscovery();
    expect(dryPlanOf(discovery).secretStatus).toEqual({
      currentVersionId: discovery.secret.exists ? discovery.secret.currentVersionId : "",
    });
  });
});

describe("planRun: the waits' budgets with the servers the estate has", () => {
  /** The converged estate with `count` NPS servers (copies of the fixture's first, each its own id and address). */
  function withServers(count: number) {
    const discovery = loadConvergedDiscovery();
    const [first] = discovery.npsServers;
    if (!first) throw new Error("the fixture has NPS servers");
    discovery.npsServers = Array.from({ length: count }, (_, index) => ({
      ...structuredClone(first),
      instanceId: `i-0${String(index + 1).padStart(16, "c")}`,
      ipAddress: `10.0.9.${index + 10}`,
      computerName: `NPS${index + 1}`,
    }));
    return discovery;
  }

  it("refuses, before any change, default waits with 6 NPS servers: their turns could pass the 6 h timeout", () => {
    const act = () => workOf({ discovery: withServers(6) });

    expect(act).toThrow("nothing was changed");
    expect(act).toThrow(
      "with 6 NPS servers (the configuration's budgets count 4) the waits add up to 22660 s in the worst case",
    );
    expect(act).toThrow("manage fewer NPS servers per deployment (npsInstanceIds or npsTag)");
    const { plan } = dryPlanOf(withServers(6));
    expect(plan.problems.map((problem) => problem.subject)).toEqual(["waits"]);
  });

  it("admits 6 NPS servers with shorter RADIUS waits, and 4 with the defaults", () => {
    const shorter = parseConfig({ ...baseEnv, RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS: "1500" });

    expect(() => workOf({ discovery: withServers(6), config: shorter })).not.toThrow();
    expect(() => workOf({ discovery: withServers(4) })).not.toThrow();
  });
});
