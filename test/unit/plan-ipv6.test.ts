import { describe, expect, it } from "vitest";
import type { Discovery } from "../../shared/core/model.js";
import { planChanges } from "../../shared/core/plan.js";
import { Plan } from "../../shared/core/plan-schema.js";
import { loadDesired, loadFreshDiscovery, NOW } from "../fixtures/plan/fixtures.js";
import { applyPlanToDiscovery } from "../support/apply-plan.js";

/**
 * Dual-stack and IPv6 directories in the planner: which NPS clients, security-group rules and RADIUS
 * server lists each network type gets, and what it refuses.
 */

const MANAGED_AD = "d-2222222222";
const CONNECTOR = "d-1111111111";
const NPS1 = "i-0aaaaaaaaaaaaaaa1";
const NPS2 = "i-0bbbbbbbbbbbbbbb2";

/** The fixture estate with the Managed AD dual-stack, the connector IPv6-only and both NPS servers dual-stack. */
function ipv6Estate(): Discovery {
  const discovery = loadFreshDiscovery();
  for (const directory of discovery.directories) {
    if (directory.directoryId === MANAGED_AD) {
      directory.networkType = "Dual-stack";
      directory.radiusSourceIps = ["10.1.1.10", "10.1.2.10", "2001:db8:1:1::10", "2001:db8:1:2::10"];
    } else {
      directory.networkType = "IPv6";
      directory.radiusSourceIps = ["2001:db8:0:1::10", "2001:db8:0:2::10"];
    }
  }
  for (const server of discovery.npsServers) {
    server.ipv6Address = server.instanceId === NPS1 ? "2001:db8:0:3::10" : "2001:db8:0:4::10";
    for (const group of server.securityGroups ?? [])
      group.radiusRules.push({ cidr: "2001:db8::/32", owned: false });
  }
  return discovery;
}

/** An IPv6 range written in full, upper case, with leading zeros (IPv4 ranges unchanged). */
function fullForm(cidr: string): string {
  const [address = "", length = ""] = cidr.split("/");
  if (!address.includes(":")) return cidr;
  const [head = "", tail = ""] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups.map((group) => group.padStart(4, "0").toUpperCase()).join(":")}/${length}`;
}

const plan = (discovery: Discovery) =>
  Plan.parse(planChanges({ desired: loadDesired(), discovery, now: NOW }));

describe("planChanges with Dual-stack and IPv6 directories", () => {
  it("plans one client per source address of either family, named without colons", () => {
    const result = plan(ipv6Estate());
    expect(result.problems).toEqual([]);
    expect(result.npsClients.map((client) => [client.name, client.ip])).toEqual([
      ["radius-sync-d-1111111111-20010db8000000010000000000000010", "2001:db8:0:1::10"],
      ["radius-sync-d-1111111111-20010db8000000020000000000000010", "2001:db8:0:2::10"],
      ["radius-sync-d-2222222222-10-1-1-10", "10.1.1.10"],
      ["radius-sync-d-2222222222-10-1-2-10", "10.1.2.10"],
      ["radius-sync-d-2222222222-20010db8000100010000000000000010", "2001:db8:1:1::10"],
      ["radius-sync-d-2222222222-20010db8000100020000000000000010", "2001:db8:1:2::10"],
    ]);
  });

  it("points each directory at the server lists of its network type", () => {
    const result = plan(ipv6Estate());
    const [connector, managed] = result.directories;
    expect(connector).toMatchObject({ directoryId: CONNECTOR, action: "enable", networkType: "IPv6" });
    expect(managed).toMatchObject({ directoryId: MANAGED_AD, action: "enable", networkType: "Dual-stack" });
    expect(managed?.settings).toMatchObject({
      servers: ["10.0.3.10", "10.0.4.10"],
      serversIpv6: ["2001:db8:0:3::10", "2001:db8:0:4::10"],
    });
  });

  it("allows /128 rules from the NPS servers for IPv6 directories, and /32 ones too for dual-stack", () => {
    const result = plan(ipv6Estate());
    const cidrs = (directoryId: string) =>
      result.securityGroupRules
        .filter((rule) => rule.directoryId === directoryId && rule.instanceId === undefined)
        .map((rule) => [rule.action, rule.cidr, rule.description]);
    expect(cidrs(CONNECTOR)).toEqual([
      ["authorize", "2001:db8:0:3::10/128", `radius-sync: RADIUS from NPS ${NPS1}`],
      ["authorize", "2001:db8:0:4::10/128", `radius-sync: RADIUS from NPS ${NPS2}`],
    ]);
    expect(cidrs(MANAGED_AD)).toEqual([
      ["authorize", "10.0.3.10/32", `radius-sync: RADIUS from NPS ${NPS1}`],
      ["authorize", "2001:db8:0:3::10/128", `radius-sync: RADIUS from NPS ${NPS1}`],
      ["authorize", "10.0.4.10/32", `radius-sync: RADIUS from NPS ${NPS2}`],
      ["authorize", "2001:db8:0:4::10/128", `radius-sync: RADIUS from NPS ${NPS2}`],
    ]);
  });

  it("changes nothing once the plan is applied, however EC2 writes the /128 ranges", () => {
    const desired = loadDesired();
    const discovery = ipv6Estate();
    const first = plan(discovery);
    const after = applyPlanToDiscovery({ plan: first, discovery, desired, now: NOW });
    for (const directory of after.directories)
      for (const rule of directory.udpIngressRules) rule.cidr = fullForm(rule.cidr);
    expect(
      after.directories.flatMap((directory) => directory.udpIngressRules.map((rule) => rule.cidr)),
    ).toContain("2001:0DB8:0000:0003:0000:0000:0000:0010/128");
    const second = plan(after);
    expect(second.changeCount).toBe(0);
    expect(second.securityGroupRules).toEqual([]);
    expect(second.directories.map((directory) => directory.action)).toEqual(["none", "none"]);
  });

  it("repairs an IPv6 connector address change: a new client, the old one removed, no rule or setting touched", () => {
    const desired = loadDesired();
    const discovery = ipv6Estate();
    const after = applyPlanToDiscovery({ plan: plan(discovery), discovery, desired, now: NOW });
    const connector = after.directories.find((directory) => directory.directoryId === CONNECTOR);
    if (connector) connector.radiusSourceIps = ["2001:db8:0:1::10", "2001:db8:0:2::77"];
    const result = plan(after);
    expect(result.npsServers.map((server) => server.clientChanges)).toEqual(
      [NPS1, NPS2].map(() => ({
        create: [
          { name: "radius-sync-d-1111111111-20010db8000000020000000000000077", ip: "2001:db8:0:2::77" },
        ],
        update: [],
        remove: [
          { name: "radius-sync-d-1111111111-20010db8000000020000000000000010", ip: "2001:db8:0:2::10" },
        ],
      })),
    );
    expect(result.directories.map((directory) => directory.action)).toEqual(["none", "none"]);
  });

  it("keeps an IPv4 estate's settings as they were: no IPv6 list, no network type", () => {
    const discovery = loadFreshDiscovery();
    for (const server of discovery.npsServers) server.ipv6Address = "2001:db8:0:3::10";
    const result = plan(discovery);
    for (const directory of result.directories) {
      expect(directory.networkType).toBeUndefined();
      expect(directory.settings.serversIpv6).toBeUndefined();
    }
    expect(result.securityGroupRules.every((rule) => rule.cidr.endsWith("/32"))).toBe(true);
  });

  it("refuses an IPv6-only directory when no usable NPS server has an IPv6 address, and changes nothing for it", () => {
    const discovery = ipv6Estate();
    for (const server of discovery.npsServers) delete server.ipv6Address;
    const result = plan(discovery);
    expect(result.problems).toEqual([
      expect.objectContaining({
        error: "InvalidInput",
        subject: CONNECTOR,
        message: expect.stringContaining("IPv6-only, but none of the usable NPS servers has an IPv6 address"),
      }),
    ]);
    expect(result.directories.map((directory) => directory.directoryId)).toEqual([MANAGED_AD]);
    expect(result.npsClients.some((client) => client.directoryId === CONNECTOR)).toBe(false);
  });

  it.each([
    [
      "an IPv6 source of an IPv4 directory",
      undefined,
      "2001:db8:1:1::10",
      "an IPv6 address, but its network type is IPv4",
    ],
    [
      "an IPv4 source of an IPv6 directory",
      "IPv6",
      "10.1.1.10",
      "an IPv4 address, but its network type is IPv6",
    ],
    [
      "a source that is not in RFC 5952 form",
      "Dual-stack",
      "2001:DB8:1:1::10",
      "neither a plain IPv4 address nor a unicast IPv6",
    ],
    ["a link-local source", "Dual-stack", "fe80::10", "neither a plain IPv4 address nor a unicast IPv6"],
    ["an unknown network type", "IPv5", "10.1.1.10", 'network type "IPv5"'],
  ])("refuses %s before anything reaches a name or a rule", (_what, networkType, ip, message) => {
    const discovery = ipv6Estate();
    const managed = discovery.directories.find((directory) => directory.directoryId === MANAGED_AD);
    if (managed) {
      if (networkType === undefined) delete managed.networkType;
      else managed.networkType = networkType;
      managed.radiusSourceIps = ["10.1.2.10", ip].filter(
        (value) => networkType !== "IPv6" || value !== "10.1.2.10",
      );
    }
    const result = plan(discovery);
    expect(result.problems).toEqual([
      expect.objectContaining({
        error: "InvalidInput",
        subject: MANAGED_AD,
        message: expect.stringContaining(message),
      }),
    ]);
    expect(result.npsClients.some((client) => client.directoryId === MANAGED_AD)).toBe(false);
    expect(result.securityGroupRules.some((rule) => rule.directoryId === MANAGED_AD)).toBe(false);
  });

  it("checks the NPS servers' path for IPv6 sources: a range holding them admits, none is a problem naming the /128", () => {
    const discovery = ipv6Estate();
    for (const server of discovery.npsServers)
      for (const group of server.securityGroups ?? [])
        group.radiusRules = [
          { cidr: "10.0.0.0/8", owned: false },
          { cidr: "2001:db8:1::/48", owned: false },
        ];
    const result = plan(discovery);
    expect(result.problems.map((problem) => [problem.error, problem.subject])).toEqual([
      ["NpsNetworkPathBlocked", NPS1],
      ["NpsNetworkPathBlocked", NPS2],
    ]);
    expect(result.problems[0]?.message).toContain(
      `UDP 1812 from 2001:db8:0:1::10/128 (directory ${CONNECTOR})`,
    );
    expect(result.problems[0]?.message).not.toContain("2001:db8:1:1::10");
  });

  it("adds the missing /128 to an NPS server's group when it manages it, and removes its own stale ones", () => {
    const discovery = ipv6Estate();
    for (const server of discovery.npsServers)
      for (const group of server.securityGroups ?? [])
        group.radiusRules = [
          { cidr: "10.0.0.0/8", owned: false },
          { cidr: "2001:db8:1::/48", owned: false },
          { cidr: "2001:DB8:0:1:0:0:0:10/128", owned: true },
          { cidr: "2001:db8:0:9::10/128", owned: true },
        ];
    const desired = loadDesired();
    desired.nps.manageSecurityGroup = true;
    const result = Plan.parse(planChanges({ desired, discovery, now: NOW }));
    expect(result.problems).toEqual([]);
    const npsRules = result.securityGroupRules.filter((rule) => rule.instanceId !== undefined);
    // One group shared by both servers: each change once.
    expect(npsRules.map((rule) => [rule.action, rule.cidr])).toEqual([
      ["authorize", "2001:db8:0:2::10/128"],
      ["revoke", "2001:db8:0:9::10/128"],
    ]);
  });
});
