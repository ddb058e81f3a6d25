/**
 * The seeded AD Connectors and their IPs. moto draws each connector IP at random from its subnet
 * without checking it (`random_private_ip` in moto/ec2/utils.py), so two connectors (or a connector
 * and an NPS server) could share an IP, or get an address AWS reserves; AWS never does either, and a
 * benchmark whose connector IPs collide measures a different estate on every run.
 */
import {
  ConnectDirectoryCommand,
  DeleteDirectoryCommand,
  DescribeDirectoriesCommand,
} from "@aws-sdk/client-directory-service";
import { DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { RegisterWorkspaceDirectoryCommand } from "@aws-sdk/client-workspaces";
import { type Clients, clients as productClients } from "../../shared/aws/clients.js";
import type { SeededDirectory, SeededSubnet } from "./seed.js";

/** The clients the seed calls through: the product's by default, a member account's rig clients (seed-member.ts). */
export type SeedClients = Pick<Clients, "ds" | "ec2" | "workspaces">;

async function describeConnector(directoryId: string, clients: SeedClients): Promise<SeededDirectory> {
  const answer = await clients.ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }));
  const description = answer.DirectoryDescriptions?.[0];
  const connect = description?.ConnectSettings;
  if (!connect?.SecurityGroupId || !connect.ConnectIps)
    throw new Error(`moto returned no ConnectSettings for ${directoryId}`);
  return {
    directoryId,
    name: description?.Name ?? "",
    connectIps: connect.ConnectIps,
    securityGroupId: connect.SecurityGroupId,
  };
}

/** The DNS servers every seeded connector points at (on-premises domain controllers). */
const customerDnsIps = ["10.0.1.10", "10.0.2.10"];

/** How often to reconnect a connector whose IPs moto drew badly before giving up. */
const connectAttempts = 20;

/**
 * The addresses AWS never hands out in a subnet: the first four and the last (VPC user guide,
 * "Subnet CIDR blocks": network address, VPC router, DNS, future use, broadcast).
 */
export function reservedAddresses(cidr: string): Set<string> {
  const [base = "", bits = "32"] = cidr.split("/");
  const start = base.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const asText = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
  return new Set([0, 1, 2, 3, size - 1].map((offset) => asText(start + offset)));
}

/**
 * How many network interfaces hold each private IP in the subnets (instances and connectors alike),
 * with the customer's DNS servers counted as taken.
 */
export async function addressesInUse(
  subnets: readonly SeededSubnet[],
  clients: SeedClients = productClients,
): Promise<Map<string, number>> {
  const { NetworkInterfaces = [] } = await clients.ec2.send(
    new DescribeNetworkInterfacesCommand({
      Filters: [{ Name: "subnet-id", Values: subnets.map((subnet) => subnet.subnetId) }],
    }),
  );
  const counts = new Map<string, number>(customerDnsIps.map((ip) => [ip, 1]));
  for (const networkInterface of NetworkInterfaces) {
    const ip = networkInterface.PrivateIpAddress;
    if (ip) counts.set(ip, (counts.get(ip) ?? 0) + 1);
  }
  return counts;
}

/**
 * An address of the subnet that no interface holds and AWS does not reserve: `preferred` when it is
 * free, else the highest free one (e.g. for a connector IP that drifts to an address nobody uses).
 * Only /24 subnets, as the seed makes.
 *
 * @example
 * ```ts
 * const moved = await freeAddress(estate.subnets[1]); // "10.0.2.254" on a fresh estate
 * const nps = await freeAddress(estate.subnets[0], "10.0.1.22");
 * ```
 */
export async function freeAddress(subnet: SeededSubnet, preferred?: string): Promise<string> {
  const used = await addressesInUse([subnet]);
  const reserved = reservedAddresses(subnet.cidr);
  const free = (ip: string) => !used.has(ip) && !reserved.has(ip);
  if (preferred !== undefined && free(preferred)) return preferred;
  const [base = ""] = subnet.cidr.split("/");
  const prefix = base.split(".").slice(0, 3).join(".");
  for (let host = 254; host > 0; host -= 1) {
    const ip = `${prefix}.${host}`;
    if (free(ip)) return ip;
  }
  throw new Error(`no free address left in ${subnet.cidr}`);
}

/**
 * Connects an AD Connector in the VPC's subnets and registers it with WorkSpaces (RADIUS off).
 *
 * moto draws each connector IP at random from the subnet without checking it (`random_private_ip`
 * in moto/ec2/utils.py), so two connectors (or a connector and an NPS server) can share an IP, or get
 * an address AWS reserves; AWS never does either. A connector drawn so is deleted and connected
 * again, so every seeded connector IP is unique, never reserved, and never a DNS server's.
 *
 * @example
 * ```ts
 * const branch = await connectDirectory(estate.vpcId, estate.subnets, "branch.example.com", "BRANCH");
 * ```
 */
export async function connectDirectory(
  vpcId: string,
  subnets: readonly SeededSubnet[],
  name: string,
  shortName: string,
  clients: SeedClients = productClients,
): Promise<SeededDirectory> {
  for (let attempt = 1; attempt <= connectAttempts; attempt += 1) {
    const { DirectoryId } = await clients.ds.send(
      new ConnectDirectoryCommand({
        Name: name,
        ShortName: shortName,
        Password: "Connector-Passw0rd",
        Size: "Small",
        ConnectSettings: {
          VpcId: vpcId,
          SubnetIds: subnets.map((subnet) => subnet.subnetId),
          CustomerDnsIps: customerDnsIps,
          CustomerUserName: "svc-adconnector",
        },
      }),
    );
    if (!DirectoryId) throw new Error("moto returned no DirectoryId");
    const directory = await describeConnector(DirectoryId, clients);
    const used = await addressesInUse(subnets, clients);
    const reserved = new Set(subnets.flatMap((subnet) => [...reservedAddresses(subnet.cidr)]));
    if (directory.connectIps.every((ip) => used.get(ip) === 1 && !reserved.has(ip))) {
      await clients.workspaces.send(
        new RegisterWorkspaceDirectoryCommand({
          DirectoryId,
          SubnetIds: subnets.map((subnet) => subnet.subnetId),
        }),
      );
      return directory;
    }
    await clients.ds.send(new DeleteDirectoryCommand({ DirectoryId }));
  }
  throw new Error(`moto gave ${name} a taken or reserved connector IP ${connectAttempts} times in a row`);
}
