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
});
