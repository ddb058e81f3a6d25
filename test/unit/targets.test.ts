import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config.js";
import type { Discovery } from "../../shared/core/model.js";
import {
  directoryOfClient,
  isOwnedNpsClientName,
  npsClientName,
  ownedNpsClientPattern,
} from "../../shared/core/naming.js";
import { planChanges } from "../../shared/core/plan.js";
import {
  directoryLabel,
  directoryRecordId,
  memberRoleArn,
  resolveTargets,
  targetAccess,
  targetCode,
} from "../../shared/core/targets.js";
import { InvalidConfiguration } from "../../shared/errors.js";
import type { Run } from "../../shared/run.js";
import { planRun } from "../../shared/steps/plan-step.js";
import { loadConvergedDiscovery, loadDesired, NOW } from "../fixtures/plan/fixtures.js";

const HUB = "123456789012";
const MEMBER = "111122223333:eu-west-1";
const base = {
  RADIUS_SYNC_NPS_TAG: "radius-sync:nps=true",
  RADIUS_SYNC_SSM_DOCUMENT_NAME: "radius-sync-nps",
  RADIUS_SYNC_STATE_TABLE: "radius-sync-state",
  RADIUS_SYNC_HUB_ACCOUNT: HUB,
  RADIUS_SYNC_HUB_REGION: "us-east-1",
  RADIUS_SYNC_MEMBER_ROLE_NAME: "radius-sync-prod-member",
};

function problemWith(extra: Record<string, string | undefined>): string {
  try {
    parseConfig({ ...base, ...extra });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfiguration);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("targets: the configuration", () => {
  it("without RADIUS_SYNC_TARGETS manages the hub's own account and region alone", () => {
    const config = parseConfig(base);

    expect(config.targets).toEqual([
      { key: `${HUB}:us-east-1`, account: HUB, region: "us-east-1", home: true, code: "" },
    ]);
  });

  it("lists each member target after home, with its member role and name code", () => {
    const config = parseConfig({
      ...base,
      RADIUS_SYNC_TARGETS: ` ${MEMBER}, 444455556666:us-west-2 , ${HUB}:us-east-1`,
      RADIUS_SYNC_MEMBER_EXTERNAL_ID: "radius-sync-hub-0001",
    });

    expect(config.targets.map((target) => [target.key, target.home, target.roleArn])).toEqual([
      [`${HUB}:us-east-1`, true, undefined],
      [MEMBER, false, "arn:aws:iam::111122223333:role/radius-sync-prod-member"],
      ["444455556666:us-west-2", false, "arn:aws:iam::444455556666:role/radius-sync-prod-member"],
    ]);
    expect(config.targets[1]?.code).toMatch(/^[0-9a-f]{8}$/);
    expect(config.targets[1]?.code).toBe(targetCode(MEMBER));
    expect(config.targets[2]?.code).not.toBe(config.targets[1]?.code);
    expect(targetAccess(config, MEMBER)).toEqual({
      key: MEMBER,
      region: "eu-west-1",
      roleArn: "arn:aws:iam::111122223333:role/radius-sync-prod-member",
      externalId: "radius-sync-hub-0001",
    });
    // The hub's own directories carry no target, and a listed home is still reached without a role.
    expect(targetAccess(config, undefined)).toBeUndefined();
    expect(targetAccess(config, `${HUB}:us-east-1`)).toBeUndefined();
    expect(() => targetAccess(config, "999999999999:eu-west-1")).toThrow(/not among the configured targets/);
  });

  it.each([
    [{ RADIUS_SYNC_TARGETS: "111122223333" }, "RADIUS_SYNC_TARGETS.0 must be <account>:<region>"],
    [{ RADIUS_SYNC_TARGETS: "11112222333:eu-west-1" }, "RADIUS_SYNC_TARGETS.0 must be <account>:<region>"],
    [{ RADIUS_SYNC_TARGETS: "111122223333:EU-WEST-1" }, "RADIUS_SYNC_TARGETS.0 must be <account>:<region>"],
    [{ RADIUS_SYNC_TARGETS: `${MEMBER},${MEMBER}` }, `RADIUS_SYNC_TARGETS ${MEMBER} is listed twice`],
    [
      { RADIUS_SYNC_TARGETS: MEMBER, RADIUS_SYNC_HUB_ACCOUNT: undefined },
      "RADIUS_SYNC_HUB_ACCOUNT is required with RADIUS_SYNC_TARGETS",
    ],
    [{ RADIUS_SYNC_MEMBER_EXTERNAL_ID: "x" }, "RADIUS_SYNC_MEMBER_EXTERNAL_ID must be 2-1224 characters"],
    [{ RADIUS_SYNC_MEMBER_EXTERNAL_ID: "a b" }, "RADIUS_SYNC_MEMBER_EXTERNAL_ID must be 2-1224 characters"],
    [{ RADIUS_SYNC_MEMBER_ROLE_NAME: "role/x" }, "RADIUS_SYNC_MEMBER_ROLE_NAME must be an IAM role name"],
    // Another hub's member clients would look like this prefix's own.
    [{ RADIUS_SYNC_NAME_PREFIX: "radius-sync-t1a2b3c4d" }, "RADIUS_SYNC_NAME_PREFIX must not end with -t"],
  ])("refuses %j naming it", (extra, message) => {
    expect(problemWith(extra)).toContain(message);
  });

  it("refuses more than 100 targets", () => {
    const many = Array.from({ length: 101 }, (_, index) => `${String(100000000000 + index)}:eu-west-1`);

    expect(problemWith({ RADIUS_SYNC_TARGETS: many.join(",") })).toContain("at most 100 targets");
  });

  it("refuses two targets whose name codes collide, naming both", () => {
    // Search a colliding pair among generated keys: 32-bit codes collide for ~1 in 2^16 pairs' worth of keys.
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let index = 0; pair === undefined; index += 1) {
      const key = `${String(200000000000 + index)}:eu-west-1`;
      const code = targetCode(key).slice(0, 3);
      const other = seen.get(code);
      if (other !== undefined && targetCode(other) === targetCode(key)) pair = [other, key];
      seen.set(code, key);
      if (index > 2_000_000) break;
    }
    // No full collision within reach: the rule is then shown with a code function that collides.
    const codes = pair ?? ["200000000000:eu-west-1", "200000000001:eu-west-1"];
    if (pair === undefined) {
      expect(() =>
        resolveTargets({ hubAccount: HUB, hubRegion: "us-east-1", listed: codes, memberRoleName: "r" }),
      ).not.toThrow();
    } else {
      expect(() =>
        resolveTargets({ hubAccount: HUB, hubRegion: "us-east-1", listed: codes, memberRoleName: "r" }),
      ).toThrow(/share the NPS name code/);
    }
  });

  it("builds role ARNs in the region's partition", () => {
    expect(memberRoleArn({ account: "111122223333", region: "cn-north-1" }, "r")).toBe(
      "arn:aws-cn:iam::111122223333:role/r",
    );
    expect(memberRoleArn({ account: "111122223333", region: "us-gov-west-1" }, "r")).toBe(
      "arn:aws-us-gov:iam::111122223333:role/r",
    );
  });
});

describe("targets: names, records and labels", () => {
  const code = targetCode(MEMBER);

  it("qualifies a member's client names with its code and leaves the hub's as they were", () => {
    expect(npsClientName({ namePrefix: "radius-sync", directoryId: "d-0123456789", ip: "10.0.1.5" })).toBe(
      "radius-sync-d-0123456789-10-0-1-5",
    );
    const member = npsClientName({
      namePrefix: "radius-sync",
      directoryId: "d-0123456789",
      ip: "10.0.1.5",
      targetCode: code,
    });

    expect(member).toBe(`radius-sync-t${code}-d-0123456789-10-0-1-5`);
    expect(isOwnedNpsClientName("radius-sync", member)).toBe(true);
    expect(directoryOfClient("radius-sync", member, [{ code, key: MEMBER }])).toBe(`${MEMBER}:d-0123456789`);
    expect(directoryOfClient("radius-sync", member)).toBe(`t${code}:d-0123456789`);
    expect(
      directoryOfClient("radius-sync", "radius-sync-d-0123456789-10-0-1-5", [{ code, key: MEMBER }]),
    ).toBe("d-0123456789");
  });

  it("keeps the longest name within NPS's 80 characters", () => {
    const longest = npsClientName({
      namePrefix: "a".repeat(24),
      directoryId: "d-ffffffffff",
      ip: "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
      targetCode: "ffffffff",
    });

    expect(longest).toHaveLength(80);
    expect(new RegExp(ownedNpsClientPattern("a".repeat(24)), "i").test(longest)).toBe(true);
  });

  it("never lets one hub's pattern take another hub's clients", () => {
    const prefixes = ["radius-sync", "radius-sync-eu", "radius-sync-t1234567", "radius-sync-tdeadbee"];
    const names = prefixes.flatMap((prefix) => [
      npsClientName({ namePrefix: prefix, directoryId: "d-0123456789", ip: "10.0.1.5" }),
      npsClientName({
        namePrefix: prefix,
        directoryId: "d-0123456789",
        ip: "10.0.1.5",
        targetCode: "deadbeef",
      }),
    ]);
    for (const prefix of prefixes) {
      const ours = names.filter((name) => isOwnedNpsClientName(prefix, name));

      expect(ours).toEqual([`${prefix}-d-0123456789-10-0-1-5`, `${prefix}-tdeadbeef-d-0123456789-10-0-1-5`]);
    }
  });

  it("keys a member's state records and labels by target", () => {
    expect(directoryRecordId("d-0123456789")).toBe("d-0123456789");
    expect(directoryRecordId("d-0123456789", MEMBER)).toBe(`${MEMBER}:d-0123456789`);
    expect(directoryLabel("d-0123456789", MEMBER)).toBe("d-0123456789 (111122223333 eu-west-1)");
  });
});

describe("targets: an unreachable member target", () => {
  const code = targetCode(MEMBER);
  const heldName = `radius-sync-t${code}-d-3333333333-172-16-0-10`;

  /** The converged fixture estate, with an unreachable member whose one client the servers hold. */
  function withUnreachableMember(): Discovery {
    const discovery = loadConvergedDiscovery();
    return {
      ...discovery,
      npsServers: discovery.npsServers.map((server) =>
        server.applied
          ? {
              ...server,
              applied: {
                ...server.applied,
                clients: [...server.applied.clients, { name: heldName, ip: "172.16.0.10" }],
              },
            }
          : server,
      ),
      targets: [{ target: MEMBER, status: "unreachable", error: "AccessDenied", message: "not authorized" }],
    };
  }

  it("keeps its clients as last pushed, and says why", () => {
    const plan = planChanges({ desired: loadDesired(), discovery: withUnreachableMember(), now: NOW });

    expect(plan.npsClients).toContainEqual({
      name: heldName,
      ip: "172.16.0.10",
      directoryId: "d-3333333333",
      target: MEMBER,
    });
    expect(plan.problems).toEqual([]);
    expect(plan.notes).toContainEqual(
      "TargetUnreachable: target 111122223333 eu-west-1 is unreachable (AccessDenied: not authorized); its 1 NPS client(s) are kept " +
        "as last pushed and its directories are not changed in this run",
    );
    // The held client is no change: every server already has it.
    expect(plan.npsServers.every((server) => server.clientChanges.remove.length === 0)).toBe(true);
  });

  it("would lose the member's clients without the hold (the hold is what keeps them)", () => {
    const discovery = withUnreachableMember();
    const { targets: _, ...unheld } = discovery;
    const plan = planChanges({ desired: loadDesired(), discovery: unheld, now: NOW });

    // Work.npsClients is the full list every server is made to hold: without the hold, the push removes it.
    expect(plan.npsClients.map((client) => client.name)).not.toContain(heldName);
  });

  it("stops a rotation before any change, naming the target", () => {
    const config = parseConfig({ ...base, RADIUS_SYNC_TARGETS: MEMBER });
    const run: Run = {
      mode: "rotate",
      dryRun: false,
      executionId: "arn:aws:states:us-east-1:123456789012:execution:radius-sync:unit",
      startedAt: NOW,
    };

    expect(() => planRun({ config, run, discovery: withUnreachableMember() })).toThrow(
      expect.objectContaining({
        name: "TargetUnreachable",
        message: expect.stringContaining(`${MEMBER} could not be read`),
      }),
    );
    // A reconcile goes ahead for the others.
    expect(() =>
      planRun({ config, run: { ...run, mode: "reconcile" }, discovery: withUnreachableMember() }),
    ).not.toThrow();
  });

  it("notes each reached target with its directories", () => {
    const discovery = loadConvergedDiscovery();
    const [first, ...rest] = discovery.directories;
    if (!first) throw new Error("fixture has no directory");
    const plan = planChanges({
      desired: loadDesired(),
      discovery: {
        ...discovery,
        directories: [{ ...first, target: MEMBER }, ...rest],
        targets: [{ target: MEMBER, status: "ok" }],
      },
      now: NOW,
    });

    expect(plan.notes).toContain("target 111122223333 eu-west-1: reached, 1 managed directory");
    const member = plan.directories.find((directory) => directory.directoryId === first.directoryId);
    expect(member?.target).toBe(MEMBER);
    expect(plan.npsClients.filter((client) => client.target === MEMBER).map((client) => client.name)).toEqual(
      [...first.radiusSourceIps]
        .sort()
        .map((ip) =>
          npsClientName({ namePrefix: "radius-sync", directoryId: first.directoryId, ip, targetCode: code }),
        ),
    );
  });
});
