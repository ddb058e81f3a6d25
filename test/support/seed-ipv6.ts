import { CreateMicrosoftADCommand, DescribeDirectoriesCommand } from "@aws-sdk/client-directory-service";
import {
  AssignIpv6AddressesCommand,
  AssociateSubnetCidrBlockCommand,
  AssociateVpcCidrBlockCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from "@aws-sdk/client-ec2";
import { RegisterWorkspaceDirectoryCommand } from "@aws-sdk/client-workspaces";
import { clients } from "../../shared/aws/clients.js";
import type { SeededEstate } from "./seed.js";

/**
 * IPv6 in the seeded estate, as an administrator sets it up on AWS: an Amazon-provided /56 on the
 * VPC, a /64 from it on each subnet, one IPv6 address on each NPS server's primary network interface
 * (drawn from its subnet's /64), and UDP 1812 from the VPC's IPv6 range in the NPS servers' group.
 * The directories' own IPv6 addresses come from the directory-network double (moto has none).
 */

/** What {@link addIpv6} set up. */
export interface SeededIpv6 {
  /** The VPC's IPv6 range. */
  vpcCidr: string;
  /** Each subnet's /64, in the order of `estate.subnets`. */
  subnetCidrs: [string, string];
  /** Each NPS server's IPv6 address, in the order of `estate.npsServers`. */
  npsAddresses: [string, string];
}

/** The /64 number `index` of a /56 such as `2600:1f18:1234:5600::/56`. */
function subnetOf(vpcCidr: string, index: number): string {
  const [base = ""] = vpcCidr.split("::/");
  // Each group without leading zeros (RFC 5952, as AWS writes them): moto's random prefix may carry
  // one (2400:6500:0947:…), and the addresses made from it are compared with what discovery writes.
  const groups = base.split(":").map((group) => Number.parseInt(group || "0", 16));
  const fourth = (groups[3] ?? 0) + index;
  return `${groups
    .slice(0, 3)
    .map((group) => group.toString(16))
    .join(":")}:${fourth.toString(16)}::/64`;
}

/**
 * Adds IPv6 to the seeded VPC, its subnets and NPS servers (see the module comment).
 *
 * @example
 * ```ts
 * const ipv6 = await addIpv6(world.estate);
 * ipv6.npsAddresses[0]; // "2600:1f18:…"
 * ```
 */
export async function addIpv6(estate: SeededEstate): Promise<SeededIpv6> {
  await clients.ec2.send(
    new AssociateVpcCidrBlockCommand({ VpcId: estate.vpcId, AmazonProvidedIpv6CidrBlock: true }),
  );
  const { Vpcs } = await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [estate.vpcId] }));
  const vpcCidr = Vpcs?.[0]?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  if (!vpcCidr) throw new Error("moto associated no IPv6 range with the VPC");
  const subnetCidrs: [string, string] = [subnetOf(vpcCidr, 0), subnetOf(vpcCidr, 1)];
  for (const [index, subnet] of estate.subnets.entries()) {
    await clients.ec2.send(
      new AssociateSubnetCidrBlockCommand({ SubnetId: subnet.subnetId, Ipv6CidrBlock: subnetCidrs[index] }),
    );
  }
  const npsAddresses: string[] = [];
  for (const server of estate.npsServers) {
    const { Reservations } = await clients.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [server.instanceId] }),
    );
    const networkInterface = Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces?.find(
      (entry) => entry.Attachment?.DeviceIndex === 0,
    );
    if (!networkInterface?.NetworkInterfaceId)
      throw new Error(`${server.instanceId} has no primary interface`);
    const { AssignedIpv6Addresses } = await clients.ec2.send(
      new AssignIpv6AddressesCommand({
        NetworkInterfaceId: networkInterface.NetworkInterfaceId,
        Ipv6AddressCount: 1,
      }),
    );
    const [address] = AssignedIpv6Addresses ?? [];
    if (!address) throw new Error(`moto assigned ${server.instanceId} no IPv6 address`);
    npsAddresses.push(address);
  }
  const { GroupId } = { GroupId: await npsGroupOf(estate) };
  await clients.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [
        {
          IpProtocol: "udp",
          FromPort: 1812,
          ToPort: 1812,
          Ipv6Ranges: [{ CidrIpv6: vpcCidr, Description: "RADIUS from the VPC (IPv6)" }],
        },
      ],
    }),
  );
  return { vpcCidr, subnetCidrs, npsAddresses: npsAddresses as [string, string] };
}

async function npsGroupOf(estate: SeededEstate): Promise<string> {
  const { Reservations } = await clients.ec2.send(
    new DescribeInstancesCommand({ InstanceIds: [estate.npsServers[0].instanceId] }),
  );
  const groupId = Reservations?.[0]?.Instances?.[0]?.SecurityGroups?.[0]?.GroupId;
  if (!groupId) throw new Error("the NPS server has no security group");
  return groupId;
}

/** A Managed Microsoft AD as seeded (registered with WorkSpaces, RADIUS off). */
export interface SeededManagedAd {
  directoryId: string;
  /** Its domain controllers' IPv4 addresses (`DnsIpAddrs`), which send RADIUS. */
  dnsIps: string[];
  securityGroupId: string;
}

/**
 * Creates a Managed Microsoft AD in the estate's subnets and registers it with WorkSpaces.
 *
 * @example
 * ```ts
 * const managed = await createManagedAd(world.estate, "ad.example.com");
 * ```
 */
export async function createManagedAd(estate: SeededEstate, name: string): Promise<SeededManagedAd> {
  const { DirectoryId } = await clients.ds.send(
    new CreateMicrosoftADCommand({
      Name: name,
      Password: "Managed-AD-Passw0rd",
      Edition: "Standard",
      VpcSettings: { VpcId: estate.vpcId, SubnetIds: estate.subnets.map((subnet) => subnet.subnetId) },
    }),
  );
  if (!DirectoryId) throw new Error("moto returned no DirectoryId");
  await clients.workspaces.send(
    new RegisterWorkspaceDirectoryCommand({
      DirectoryId,
      SubnetIds: estate.subnets.map((subnet) => subnet.subnetId),
    }),
  );
  const { DirectoryDescriptions } = await clients.ds.send(
    new DescribeDirectoriesCommand({ DirectoryIds: [DirectoryId] }),
  );
  const description = DirectoryDescriptions?.[0];
  return {
    directoryId: DirectoryId,
    dnsIps: description?.DnsIpAddrs ?? [],
    securityGroupId: description?.VpcSettings?.SecurityGroupId ?? "",
  };
}

/**
 * The IPv6 addresses the seeded dual-stack Managed Microsoft AD reports: one fixed address in each
 * subnet's /64 (`…::d1`, `…::d2`), so a demo that runs again reports the same ones.
 *
 * @example
 * ```ts
 * managedAdIpv6Addresses(["2600:1f18:1234:5600::/64"]); // ["2600:1f18:1234:5600::d1"]
 * ```
 */
export function managedAdIpv6Addresses(subnetCidrs: readonly string[]): string[] {
  return subnetCidrs.map((cidr, index) => cidr.replace("::/64", `::d${index + 1}`));
}

/**
 * The demo's dual-stack directory as moto holds it (the first Managed Microsoft AD), with the IPv6
 * addresses it reports, or undefined in an estate seeded without one.
 *
 * @example
 * ```ts
 * const dualStack = await findDualStackDirectory();
 * if (dualStack) network.setNetwork(dualStack.directoryId, { networkType: "Dual-stack", ipv6Addresses: dualStack.ipv6Addresses });
 * ```
 */
export async function findDualStackDirectory(): Promise<
  { directoryId: string; ipv6Addresses: string[] } | undefined
> {
  const { DirectoryDescriptions = [] } = await clients.ds.send(new DescribeDirectoriesCommand({}));
  const managed = DirectoryDescriptions.find((directory) => directory.Type === "MicrosoftAD");
  const subnetIds = managed?.VpcSettings?.SubnetIds ?? [];
  if (!managed?.DirectoryId || subnetIds.length === 0) return undefined;
  const { Subnets = [] } = await clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }));
  const cidrs = subnetIds.map(
    (subnetId) =>
      Subnets.find((subnet) => subnet.SubnetId === subnetId)?.Ipv6CidrBlockAssociationSet?.[0]
        ?.Ipv6CidrBlock ?? "",
  );
  if (cidrs.some((cidr) => cidr === "")) return undefined;
  return { directoryId: managed.DirectoryId, ipv6Addresses: managedAdIpv6Addresses(cidrs) };
}
