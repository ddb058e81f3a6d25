/**
 * Issue 23's bench row: a hub in moto's default account and region managing five more targets, so
 * that 3 accounts × 2 regions each hold 20 AD Connectors (120 directories, 240 RADIUS clients in one
 * push to each of 2 NPS servers). The scenarios are bench/scenarios.ts's own, run on this estate with
 * the hub's configuration; this file holds what is particular to it.
 */
import { DescribeDirectoriesCommand } from "@aws-sdk/client-directory-service";
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from "@aws-sdk/client-ec2";
import { clients } from "../shared/aws/clients.js";
import type { ApiCall } from "../test/support/doubles/index.js";
import { radiusSyncEnvironment } from "../test/support/environment.js";
import { npsSecurityGroupName } from "../test/support/seed.js";
import { clientsIn, type SeededMemberEstate } from "../test/support/seed-member.js";
import type { EstateSize } from "./estate.js";
import type { ScenarioName } from "./scenarios.js";

/**
 * The member targets beside the hub's own `123456789012:us-east-1`: its own account's second region
 * and two more accounts in both regions.
 */
export const hubTargets = [
  "123456789012:us-west-2",
  "111111111111:us-east-1",
  "111111111111:us-west-2",
  "222222222222:us-east-1",
  "222222222222:us-west-2",
] as const;

/** 3 accounts × 2 regions × 20 directories × 2 NPS servers. */
export const hubEstate: EstateSize = { directories: 20, npsServers: 2, targets: hubTargets };

/** The scenarios issue 23's row measures, in report order. */
export const hubScenarioNames = [
  "first-time set-up",
  "no-op reconcile",
  "rotation blue/green",
] as const satisfies readonly ScenarioName[];

/**
 * The configuration a hub estate runs with: its targets, and the NPS servers' security group opened
 * to the members' connectors (which send from VPCs of their own); nothing for any other estate.
 *
 * @example
 * ```ts
 * hubEnvironment(hubEstate).RADIUS_SYNC_TARGETS; // "123456789012:us-west-2,111111111111:us-east-1,…"
 * ```
 */
export function hubEnvironment(size: EstateSize): Record<string, string> {
  if (!size.targets?.length) return {};
  return {
    RADIUS_SYNC_TARGETS: size.targets.join(","),
    RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP: "true",
  };
}

/**
 * Admits RADIUS from each member's VPC range in the NPS servers' security group, as an operator of
 * a hub this size must: the hub manages that group (`RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP`) with one
 * /32 rule per connector IP (shared/core/plan-nps-network.ts), and the members' 200 would pass AWS's
 * default of 60 inbound rules per security group (moto enforces it: RulesPerSecurityGroupLimitExceeded).
 * With the ranges admitted the hub finds every path open and plans no rule there. Seeding, not recorded
 * as a measured call (the recorder is reset before the measured run).
 *
 * @example
 * ```ts
 * await admitMemberNetworks(estate.vpcId, members);
 * ```
 */
export async function admitMemberNetworks(
  vpcId: string,
  members: readonly SeededMemberEstate[],
): Promise<void> {
  if (members.length === 0) return;
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: "vpc-id", Values: [vpcId] },
        { Name: "group-name", Values: [npsSecurityGroupName] },
      ],
    }),
  );
  const GroupId = SecurityGroups?.[0]?.GroupId;
  if (!GroupId) throw new Error(`no ${npsSecurityGroupName} security group in ${vpcId}`);
  const vpcRanges = await Promise.all(
    members.map(async (member) => {
      const { Vpcs } = await clientsIn(member).ec2.send(new DescribeVpcsCommand({ VpcIds: [member.vpcId] }));
      const cidr = Vpcs?.[0]?.CidrBlock;
      if (!cidr) throw new Error(`no VPC ${member.vpcId} in ${member.account} ${member.region}`);
      return { CidrIp: cidr, Description: `RADIUS from ${member.account} ${member.region}` };
    }),
  );
  await clients.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [{ IpProtocol: "udp", FromPort: 1812, ToPort: 1812, IpRanges: vpcRanges }],
    }),
  );
}

/**
 * Each member directory's connector addresses as its own account and region report them now.
 *
 * @example
 * ```ts
 * const addresses = await memberDirectoryAddresses(prepared.members);
 * ```
 */
export async function memberDirectoryAddresses(
  members: readonly SeededMemberEstate[],
): Promise<Map<string, string[]>> {
  const addresses = new Map<string, string[]>();
  for (const member of members) {
    const DirectoryIds = member.directories.map((directory) => directory.directoryId);
    // DescribeDirectories takes up to 25 ids at a time.
    for (let start = 0; start < DirectoryIds.length; start += 25) {
      const page = await clientsIn(member).ds.send(
        new DescribeDirectoriesCommand({ DirectoryIds: DirectoryIds.slice(start, start + 25) }),
      );
      for (const description of page.DirectoryDescriptions ?? []) {
        addresses.set(description.DirectoryId ?? "", description.ConnectSettings?.ConnectIps ?? []);
      }
    }
  }
  return addresses;
}

/** The NPS pushes of a run: how many commands, and the most clients one of them carried. */
export interface NpsPushFigures {
  commands: number;
  largestClients: number;
}

/**
 * Counts the run's commands of the NPS document and the clients each carried (its `Clients`
 * parameter is "name=ip,name=ip"): a hub pushes every target's clients in one command.
 *
 * @example
 * ```ts
 * npsPushes(world.calls.calls); // { commands: 1, largestClients: 240 }
 * ```
 */
export function npsPushes(calls: readonly ApiCall[]): NpsPushFigures {
  const pushes = calls.filter(
    (call) =>
      call.operation === "SendCommand" &&
      call.input.DocumentName === radiusSyncEnvironment.RADIUS_SYNC_SSM_DOCUMENT_NAME,
  );
  const clientsOf = (call: ApiCall) =>
    ((call.input.Parameters as { Clients?: string[] } | undefined)?.Clients?.[0] ?? "")
      .split(",")
      .filter(Boolean).length;
  return { commands: pushes.length, largestClients: Math.max(0, ...pushes.map(clientsOf)) };
}
