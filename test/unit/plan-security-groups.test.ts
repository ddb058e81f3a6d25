import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EligibleNpsServer } from "../../shared/core/eligibility.js";
import type { DiscoveredDirectory, IngressRule } from "../../shared/core/model.js";
import { planChanges } from "../../shared/core/plan.js";
import { planSecurityGroupRules } from "../../shared/core/plan-security-groups.js";
import { desiredArbitrary, discoveryArbitrary, nowArbitrary } from "../fixtures/plan/arbitraries.js";
import { applyPlanToDiscovery } from "../support/apply-plan.js";

/**
 * The "already allowed" check at the edges of the RADIUS port: a rule someone else made counts only
 * when it really lets UDP `port` in from the NPS server's exact address, because a rule counted
 * wrongly is a rule never added — an MFA outage the plan would call "already allowed".
 */
const server: EligibleNpsServer = {
  instanceId: "i-0aaaaaaaaaaaaaaa1",
  pingStatus: "Online",
  platformType: "Windows",
  ipAddress: "10.0.3.10",
};

function directoryWith(rules: IngressRule[]): DiscoveredDirectory {
  return {
    directoryId: "d-1111111111",
    name: "corp.example.com",
    type: "ADConnector",
    stage: "Active",
    radiusSourceIps: ["10.0.1.10"],
    securityGroupId: "sg-0aaa11110aaa11110",
    udpIngressRules: rules,
  };
}

const plan = (port: number, rules: IngressRule[]) =>
  planSecurityGroupRules({
    namePrefix: "radius-sync",
    port,
    directories: [directoryWith(rules)],
    npsServers: [server],
  });

describe("planSecurityGroupRules: a rule radius-sync does not own, around the RADIUS port", () => {
  it.each([
    { port: 1812, fromPort: 1000, toPort: 1800 },
    { port: 1812, fromPort: 1000, toPort: 1811 },
    { port: 1812, fromPort: 1813, toPort: 2000 },
    { port: 1645, fromPort: 1646, toPort: 1812 },
    { port: 1645, fromPort: 1000, toPort: 1644 },
  ])(
    "does not count UDP $fromPort-$toPort as allowing port $port, and adds a rule",
    ({ port, fromPort, toPort }) => {
      // Act
      const { rules, notes } = plan(port, [
        { protocol: "udp", fromPort, toPort, cidr: "10.0.3.10/32", description: "corp: by hand" },
      ]);

      // Assess
      expect(notes).toEqual([]);
      expect(rules).toEqual([
        expect.objectContaining({ action: "authorize", port, cidr: "10.0.3.10/32", protocol: "udp" }),
      ]);
    },
  );

  it.each([
    { port: 1812, protocol: "udp", fromPort: 1000, toPort: 1812 },
    { port: 1812, protocol: "udp", fromPort: 1812, toPort: 1812 },
    { port: 1812, protocol: "udp", fromPort: 1812, toPort: 2000 },
    { port: 1812, protocol: "17", fromPort: 1811, toPort: 1813 },
    { port: 1645, protocol: "udp", fromPort: 1645, toPort: 1645 },
  ])("counts $protocol $fromPort-$toPort as allowing port $port, adds none and says so", (rule) => {
    // Act
    const { rules, notes } = plan(rule.port, [
      { ...rule, cidr: "10.0.3.10/32", description: "corp: by hand" },
    ]);

    // Assess
    expect(rules).toEqual([]);
    expect(notes).toEqual([
      `security group sg-0aaa11110aaa11110 of directory d-1111111111 already allows UDP ${rule.port} from ` +
        `10.0.3.10/32 through a rule radius-sync does not own (${rule.protocol} ${rule.fromPort}-${rule.toPort} ` +
        `from 10.0.3.10/32 ("corp: by hand")), so none is added`,
    ]);
  });

  it.each([
    { protocol: "tcp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32" },
    { protocol: "6", fromPort: 1, toPort: 65535, cidr: "10.0.3.10/32" },
    { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.11/32" },
    { protocol: "-1", cidr: "10.0.3.1/32" },
  ])("does not count $protocol from $cidr, which is not UDP from the server's address", (rule) => {
    expect(plan(1812, [rule]).rules).toHaveLength(1);
  });

  it("counts an all-traffic rule from the server's address", () => {
    const { rules, notes } = plan(1812, [{ protocol: "-1", cidr: "10.0.3.10/32" }]);

    expect(rules).toEqual([]);
    expect(notes).toEqual([expect.stringContaining("(all traffic from 10.0.3.10/32 (no description))")]);
  });
});

/** Whether a group really lets UDP `port` in from `ip`: an independent reading of EC2 ingress rules. */
function reallyAllows(rules: readonly IngressRule[], port: number, ip: string): boolean {
  return rules.some((rule) => {
    if (rule.cidr !== `${ip}/32`) return false;
    if (rule.protocol === "-1") return true;
    if (rule.protocol !== "udp" && rule.protocol !== "17") return false;
    return (
      rule.fromPort !== undefined && rule.toPort !== undefined && rule.fromPort <= port && port <= rule.toPort
    );
  });
}

describe("planSecurityGroupRules properties", () => {
  it("leaves every usable directory's group letting UDP in on the RADIUS port from every usable NPS server", () => {
    fc.assert(
      fc.property(desiredArbitrary, discoveryArbitrary, nowArbitrary, (desired, discovery, now) => {
        // Act
        const first = planChanges({ desired, discovery, now });
        const after = applyPlanToDiscovery({ plan: first, discovery, desired, now });

        // Assess
        const usableDirectories = first.directories.map((entry) => entry.directoryId);
        const usableServers = first.npsServers.map((entry) => entry.ipAddress);
        for (const directory of after.directories) {
          if (!usableDirectories.includes(directory.directoryId) || directory.securityGroupId === undefined)
            continue;
          for (const ip of usableServers) {
            expect(
              reallyAllows(directory.udpIngressRules, desired.radius.port, ip),
              `${directory.directoryId} ${ip}`,
            ).toBe(true);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("planSecurityGroupRules: what it writes and in what order", () => {
  const owned = (port: number, cidr: string, instanceId: string): IngressRule => ({
    protocol: "udp",
    fromPort: port,
    toPort: port,
    cidr,
    description: `radius-sync: RADIUS from NPS ${instanceId}`,
  });

  it("says why a rule is authorized: which server, which port, which group lacks which source", () => {
    expect(plan(1812, []).rules).toEqual([
      {
        action: "authorize",
        directoryId: "d-1111111111",
        groupId: "sg-0aaa11110aaa11110",
        protocol: "udp",
        port: 1812,
        cidr: "10.0.3.10/32",
        description: "radius-sync: RADIUS from NPS i-0aaaaaaaaaaaaaaa1",
        reason:
          "NPS server i-0aaaaaaaaaaaaaaa1 (10.0.3.10) may not yet exchange RADIUS (UDP 1812) with directory " +
          "d-1111111111: security group sg-0aaa11110aaa11110 has no rule for 10.0.3.10/32",
      },
    ]);
  });

  it("names the rule after the first of two servers that share an address", () => {
    const { rules } = planSecurityGroupRules({
      namePrefix: "radius-sync",
      port: 1812,
      directories: [directoryWith([])],
      npsServers: [server, { ...server, instanceId: "i-0bbbbbbbbbbbbbbb2" }],
    });
    expect(rules.map((rule) => rule.description)).toEqual([
      "radius-sync: RADIUS from NPS i-0aaaaaaaaaaaaaaa1",
    ]);
  });

  it("revokes a stale port once even when two of its rules (one per server) hold it", () => {
    const { rules } = plan(1812, [
      owned(1812, "10.0.3.10/32", "i-0aaaaaaaaaaaaaaa1"),
      owned(1645, "10.0.3.10/32", "i-0aaaaaaaaaaaaaaa1"),
      owned(1645, "10.0.3.10/32", "i-0bbbbbbbbbbbbbbb2"),
    ]);
    expect(rules).toEqual([
      expect.objectContaining({
        action: "revoke",
        port: 1645,
        cidr: "10.0.3.10/32",
        description: "radius-sync: RADIUS from NPS i-0aaaaaaaaaaaaaaa1",
        reason: "the rule allows UDP 1645 but RADIUS now uses port 1812",
      }),
    ]);
  });

  it("plans the same rules and notes whatever order EC2 lists the group's rules in", () => {
    const listed: IngressRule[] = [
      { protocol: "udp", fromPort: 1800, toPort: 1900, cidr: "10.0.3.10/32", description: "corp: b" },
      { protocol: "-1", cidr: "10.0.3.10/32", description: "corp: a" },
      owned(1645, "10.0.3.10/32", "i-0bbbbbbbbbbbbbbb2"),
      owned(1645, "10.0.3.10/32", "i-0aaaaaaaaaaaaaaa1"),
      owned(1812, "10.0.9.9/32", "i-0cccccccccccccc3"),
    ];
    const forward = plan(1812, listed);
    const backward = plan(1812, [...listed].reverse());

    expect(backward).toEqual(forward);
    expect(forward.notes).toEqual([expect.stringContaining('(all traffic from 10.0.3.10/32 ("corp: a"))')]);
    expect(
      forward.rules.map((rule) => `${rule.action} ${rule.port} ${rule.cidr} ${rule.description}`),
    ).toEqual([
      "revoke 1645 10.0.3.10/32 radius-sync: RADIUS from NPS i-0aaaaaaaaaaaaaaa1",
      "revoke 1812 10.0.9.9/32 radius-sync: RADIUS from NPS i-0cccccccccccccc3",
    ]);
  });
});
