/**
 * A benchmark estate of D AD Connectors and M NPS servers, grown from the test rig's standard
 * world (`prepareWorld()`: one connector, two NPS servers, every double, the API-call recorder).
 * Connectors come in batches of {@link directoriesPerSubnetPair} per pair of subnets in two AZs,
 * the way branch offices get their own subnets; NPS servers alternate between the first two AZs.
 * A hub estate (issue 23) adds member targets, each with D connectors of its own in its own account
 * and region of moto (test/support/seed-member.ts).
 */
import { CreateSubnetCommand, DeleteTagsCommand } from "@aws-sdk/client-ec2";
import { clients } from "../shared/aws/clients.js";
import { npsTag } from "../test/support/environment.js";
import { seedMotoRandom } from "../test/support/moto.js";
import { currentProxy } from "../test/support/rig/current-proxy.js";
import {
  connectDirectory,
  freeAddress,
  launchInstance,
  type SeededDirectory,
  type SeededSubnet,
} from "../test/support/seed.js";
import { type SeededMemberEstate, seedMemberEstate } from "../test/support/seed-member.js";
import { prepareWorld, type World } from "../test/support/world.js";
import { admitMemberNetworks } from "./hub.js";

/** How many directories and NPS servers an estate has. */
export interface EstateSize {
  /** The home estate's directories, and each member target's (a hub estate). */
  directories: number;
  npsServers: number;
  /**
   * A hub estate (issue 23): the member targets (`<account>:<region>`, as `RADIUS_SYNC_TARGETS` lists
   * them) beside the hub's own account and region, each with `directories` AD Connectors.
   */
  targets?: readonly string[];
}

/** The standard world grown to {@link EstateSize}: every directory and NPS server, by id. */
export interface BenchWorld {
  world: World;
  /** The home estate's directories. */
  directories: SeededDirectory[];
  npsServers: Array<{ instanceId: string; privateIp: string }>;
  /** A hub estate's member targets, in the order of {@link EstateSize.targets}; none otherwise. */
  members: SeededMemberEstate[];
}

/** Connectors that share one subnet pair (each takes one IP per subnet). */
export const directoriesPerSubnetPair = 25;

async function createSubnet(vpcId: string, cidr: string, availabilityZone: string): Promise<SeededSubnet> {
  const { Subnet } = await clients.ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: availabilityZone }),
  );
  if (!Subnet?.SubnetId) throw new Error(`moto created no subnet ${cidr}`);
  return { subnetId: Subnet.SubnetId, cidr, availabilityZone };
}

async function connectBranch(
  vpcId: string,
  subnets: SeededSubnet[],
  index: number,
): Promise<SeededDirectory> {
  return await connectDirectory(
    vpcId,
    subnets,
    `branch${String(index).padStart(3, "0")}.example.com`,
    `BRANCH${index}`,
  );
}

/** moto's random seed for every bench estate: the same estate, ids and IPs on every run. */
export const benchRandomSeed = 8;

/**
 * Seeds the standard world, then grows it to `size`: more tagged Windows NPS servers (or, for one
 * NPS server, the second one untagged), then more connectors (registered with WorkSpaces, RADIUS
 * off). Run it on a freshly reset moto with no doubles installed. moto's random generator is
 * seeded first and the NPS servers come before the connectors, whose IPs the seed draws around
 * every address in use: every run builds the very same estate, with no IP used twice. A hub estate's
 * members come last, in the order listed, each in a VPC of its own (`10.<100+n>.0.0/16`).
 *
 * @example
 * ```ts
 * const { world, directories } = await prepareBenchWorld({ directories: 10, npsServers: 4 });
 * ```
 */
export async function prepareBenchWorld(size: EstateSize): Promise<BenchWorld> {
  await seedMotoRandom(currentProxy().upstream, benchRandomSeed);
  const world = await prepareWorld();
  const { estate } = world;
  const npsServers: BenchWorld["npsServers"] = [...estate.npsServers];
  if (size.npsServers < npsServers.length) {
    for (const server of npsServers.splice(size.npsServers)) {
      await clients.ec2.send(
        new DeleteTagsCommand({ Resources: [server.instanceId], Tags: [{ Key: npsTag.key }] }),
      );
    }
  }
  for (let index = npsServers.length; index < size.npsServers; index += 1) {
    const subnet = estate.subnets[index % 2] as SeededSubnet;
    const server = await launchInstance({
      imageId: estate.windowsImageId,
      subnet,
      name: `NPS-${String.fromCharCode(65 + index)}`,
      tagged: true,
      privateIp: await freeAddress(subnet, `10.0.${(index % 2) + 1}.${20 + index}`),
    });
    npsServers.push(server);
  }
  const directories: SeededDirectory[] = [estate.directory];
  let subnets: SeededSubnet[] = [...estate.subnets];
  for (let index = 1; index < size.directories; index += 1) {
    const pair = Math.floor(index / directoriesPerSubnetPair);
    if (pair > 0 && index % directoriesPerSubnetPair === 0) {
      subnets = [
        await createSubnet(estate.vpcId, `10.0.${10 + 2 * pair}.0/24`, "us-east-1a"),
        await createSubnet(estate.vpcId, `10.0.${11 + 2 * pair}.0/24`, "us-east-1b"),
      ];
    }
    directories.push(await connectBranch(estate.vpcId, subnets, index));
  }
  const members: SeededMemberEstate[] = [];
  for (const key of size.targets ?? []) {
    const [account = "", region = ""] = key.split(":");
    members.push(await seedMemberEstate({ account, region, directories: size.directories }));
  }
  await admitMemberNetworks(estate.vpcId, members);
  // The mismatch replay (bench/measure.ts) knows a directory by its id alone.
  const ids = [...directories, ...members.flatMap((member) => member.directories)].map(
    (directory) => directory.directoryId,
  );
  if (new Set(ids).size !== ids.length) throw new Error("moto gave two targets' directories one id");
  return { world, directories, npsServers, members };
}
