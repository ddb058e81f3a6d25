import { describe, expect, it } from "vitest";
import type { EligibleNpsServer } from "../../shared/core/eligibility.js";
import type { DiscoveredDirectory, NpsSecurityGroup } from "../../shared/core/model.js";
import { cidrContains, planNpsNetworkPaths } from "../../shared/core/plan-nps-network.js";

const directory: DiscoveredDirectory = {
  directoryId: "d-0123456789",
  name: "corp.example.com",
  type: "ADConnector",
  stage: "Active",
  radiusSourceIps: ["10.0.1.5", "10.0.2.7"],
  securityGroupId: "sg-0000000000000000d",
  udpIngressRules: [],
};
const server = (securityGroups?: NpsSecurityGroup[]): EligibleNpsServer => ({
  instanceId: "i-0123456789abcdef0",
  pingStatus: "Online",
  platformType: "Windows",
  ipAddress: "10.0.1.20",
  ...(securityGroups ? { securityGroups } : {}),
});
const plan = (groups: NpsSecurityGroup[] | undefined, manage = false) =>
  planNpsNetworkPaths({
    namePrefix: "radius-sync",
    port: 1812,
    manage,
    directories: [directory],
    npsServers: [server(groups)],
  });

describe("cidrContains", () => {
  it.each([
    ["10.0.0.0/16", "10.0.1.5", true],
    ["10.0.1.5/32", "10.0.1.5", true],
    ["10.0.1.4/31", "10.0.1.5", true],
    ["10.0.2.0/24", "10.0.1.5", false],
    ["0.0.0.0/0", "10.0.1.5", true],
    ["10.0.0.0/33", "10.0.1.5", false],
    ["not a range", "10.0.1.5", false],
    ["10.0.0.0", "10.0.0.0", false],
    ["10.0.0.0/", "10.0.0.0", false],
    ["10.0.0.0/8/8", "10.0.0.1", false],
    ["10.0.0.0/-1", "10.0.0.1", false],
    ["10.0.0.0/08", "10.0.0.1", false],
    ["10.0.0.300/8", "10.0.0.1", false],
    ["x10.0.0.0/8", "10.0.0.1", false],
    ["10.0.0.0/8", "10.0.0.256", false],
    ["10.0.0.0/8", "10.0.0", false],
    ["10.0.0.0/8", "10.0.0.1.2", false],
    ["10.0.0.0/8", "10.0.0.01", false],
    ["10.0.0.0/8", " 10.0.0.1", false],
    ["10.0.0.0/9", "10.127.255.255", true],
    ["10.0.0.0/9", "10.128.0.0", false],
    ["10.0.0.0/10", "10.63.0.1", true],
    ["10.0.0.0/10", "10.64.0.1", false],
    ["10.0.0.0/19", "10.0.31.255", true],
    ["10.0.0.0/20", "10.0.16.0", false],
    ["10.0.0.0/29", "10.0.0.7", true],
    ["10.0.0.0/30", "10.0.0.4", false],
    ["10.0.0.0/32", "10.0.0.1", false],
    ["255.255.255.255/32", "255.255.255.255", true],
  ])("%s contains %s: %s", (cidr, ip, contains) => {
    expect(cidrContains(cidr, ip)).toBe(contains);
  });
});

describe("planNpsNetworkPaths", () => {
  it("finds nothing to do when a range, or the directory's own security group, admits every source", () => {
    expect(plan([{ groupId: "sg-1", radiusRules: [{ cidr: "10.0.0.0/16", owned: false }] }])).toEqual({
      rules: [],
      problems: [],
      notes: [],
    });
    expect(
      plan([{ groupId: "sg-1", radiusRules: [{ sourceGroupId: "sg-0000000000000000d", owned: false }] }])
        .problems,
    ).toEqual([]);
  });

  it("reports a blocked path once per server, naming its groups and each missing rule", () => {
    const { problems, rules } = plan([
      { groupId: "sg-2", radiusRules: [{ cidr: "10.0.1.0/24", owned: false }] },
      { groupId: "sg-1", radiusRules: [] },
    ]);
    expect(rules).toEqual([]);
    expect(problems).toEqual([
      {
        error: "NpsNetworkPathBlocked",
        subject: "i-0123456789abcdef0",
        message:
          "NPS server i-0123456789abcdef0 (security groups sg-1, sg-2) does not admit RADIUS from every directory source: " +
          "add the inbound rule(s) UDP 1812 from 10.0.2.7/32 (directory d-0123456789) to sg-1, or set manageNpsSecurityGroup to let radius-sync add them",
      },
    ]);
  });

  it("with manageNpsSecurityGroup adds the missing rules, marked ours, to the first group, and removes ours no longer needed", () => {
    const { problems, rules } = plan(
      [
        {
          groupId: "sg-1",
          radiusRules: [
            { cidr: "10.0.1.5/32", owned: true },
            { cidr: "10.0.9.9/32", owned: true },
            { cidr: "10.0.8.8/32", owned: false },
          ],
        },
      ],
      true,
    );
    expect(problems).toEqual([]);
    expect(
      rules.map(({ action, groupId, cidr, description, instanceId }) => ({
        action,
        groupId,
        cidr,
        description,
        instanceId,
      })),
    ).toEqual([
      {
        action: "authorize",
        groupId: "sg-1",
        cidr: "10.0.2.7/32",
        description: "radius-sync: RADIUS from directory d-0123456789",
        instanceId: "i-0123456789abcdef0",
      },
      {
        action: "revoke",
        groupId: "sg-1",
        cidr: "10.0.9.9/32",
        description: "",
        instanceId: "i-0123456789abcdef0",
      },
    ]);
  });

  it("notes, and does not check, a node that is no EC2 instance", () => {
    expect(plan(undefined)).toEqual({
      rules: [],
      problems: [],
      notes: [
        "NPS server i-0123456789abcdef0 is no EC2 instance: its network path for RADIUS is not checked",
      ],
    });
  });

  it("does not take a rule from another security group, or a range, for the directory's own group", () => {
    const withoutGroup = { ...directory, securityGroupId: undefined };
    const { problems } = planNpsNetworkPaths({
      namePrefix: "radius-sync",
      port: 1812,
      manage: false,
      directories: [withoutGroup],
      npsServers: [server([{ groupId: "sg-1", radiusRules: [{ cidr: "10.9.0.0/16", owned: false }] }])],
    });
    expect(problems).toHaveLength(1);
    expect(
      plan([{ groupId: "sg-1", radiusRules: [{ sourceGroupId: "sg-0000000000000000e", owned: false }] }])
        .problems,
    ).toHaveLength(1);
  });

  it("names every missing rule, in address order, and a server without groups as having none", () => {
    const unsorted = { ...directory, radiusSourceIps: ["10.0.2.7", "10.0.1.5", "10.0.2.7"] };
    const { problems } = planNpsNetworkPaths({
      namePrefix: "radius-sync",
      port: 1812,
      manage: true,
      directories: [unsorted],
      npsServers: [server([])],
    });
    expect(problems).toEqual([
      {
        error: "NpsNetworkPathBlocked",
        subject: "i-0123456789abcdef0",
        message:
          "NPS server i-0123456789abcdef0 (security groups none) does not admit RADIUS from every directory source: " +
          "add the inbound rule(s) UDP 1812 from 10.0.1.5/32 (directory d-0123456789), UDP 1812 from 10.0.2.7/32 " +
          "(directory d-0123456789) to one of its security groups, or set manageNpsSecurityGroup to let radius-sync add them",
      },
    ]);
  });

  it("adds one rule per group and address, whatever number of directories or servers need it, and says why", () => {
    const other = { ...directory, directoryId: "d-1111111111", radiusSourceIps: ["10.0.2.7"] };
    const shared = [{ groupId: "sg-1", radiusRules: [{ cidr: "10.0.1.5/32", owned: true }] }];
    const { rules } = planNpsNetworkPaths({
      namePrefix: "radius-sync",
      port: 1645,
      manage: true,
      directories: [directory, other],
      npsServers: [server(shared), { ...server(shared), instanceId: "i-0bbbbbbbbbbbbbbb2" }],
    });
    expect(rules).toEqual([
      {
        action: "authorize",
        directoryId: "d-0123456789",
        groupId: "sg-1",
        instanceId: "i-0123456789abcdef0",
        protocol: "udp",
        port: 1645,
        cidr: "10.0.2.7/32",
        description: "radius-sync: RADIUS from directory d-0123456789",
        reason:
          "NPS server i-0123456789abcdef0's security groups do not admit UDP 1645 from 10.0.2.7 (directory d-0123456789)",
      },
    ]);
  });

  it("adds every missing address and removes every stale rule of ours in one group in one run", () => {
    // Prepare: an AD Connector's two connector IPs, neither admitted, and two rules of ours for
    // addresses no directory sends from any more, all in one group shared by two servers.
    const shared = [
      {
        groupId: "sg-1",
        radiusRules: [
          { cidr: "10.0.8.8/32", owned: true },
          { cidr: "10.0.9.9/32", owned: true },
        ],
      },
    ];

    // Act
    const { rules, problems } = planNpsNetworkPaths({
      namePrefix: "radius-sync",
      port: 1812,
      manage: true,
      directories: [directory],
      npsServers: [server(shared), { ...server(shared), instanceId: "i-0bbbbbbbbbbbbbbb2" }],
    });

    // Assess: each change once, none left for a second run.
    expect(problems).toEqual([]);
    expect(rules.map(({ action, groupId, cidr }) => `${action} ${groupId} ${cidr}`)).toEqual([
      "authorize sg-1 10.0.1.5/32",
      "authorize sg-1 10.0.2.7/32",
      "revoke sg-1 10.0.8.8/32",
      "revoke sg-1 10.0.9.9/32",
    ]);
  });

  it("revokes a stale rule of ours once, even when two servers share its group, and says why", () => {
    const shared = [
      {
        groupId: "sg-1",
        radiusRules: [
          { cidr: "10.0.0.0/16", owned: false },
          { cidr: "10.0.9.9/32", owned: true },
        ],
      },
    ];
    const { rules } = planNpsNetworkPaths({
      namePrefix: "radius-sync",
      port: 1812,
      manage: true,
      directories: [directory],
      npsServers: [server(shared), { ...server(shared), instanceId: "i-0bbbbbbbbbbbbbbb2" }],
    });
    expect(rules).toEqual([
      {
        action: "revoke",
        directoryId: "d-0123456789",
        groupId: "sg-1",
        instanceId: "i-0123456789abcdef0",
        protocol: "udp",
        port: 1812,
        cidr: "10.0.9.9/32",
        description: "",
        reason:
          "no managed directory sends RADIUS from 10.0.9.9/32 any more, so NPS server i-0123456789abcdef0 need not admit it",
      },
    ]);
  });
});
