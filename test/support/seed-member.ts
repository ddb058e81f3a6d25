/**
 * A member account's estate, for hub tests (issue 23): in one account and region of moto, a VPC with
 * two subnets in two AZs, AD Connectors registered with WorkSpaces (RADIUS off) and, when asked, the
 * role the hub assumes there. Seeded with the rig's own clients acting in that account (straight to
 * moto, `x-moto-account-id`; see test/support/rig/accounts.ts), so nothing is recorded as a product
 * call and it works after `prepareWorld()`. moto keeps Directory Service, WorkSpaces and EC2 per
 * account and region (each is a `BackendDict[account][region]`), IAM per account.
 */
import { DirectoryServiceClient } from "@aws-sdk/client-directory-service";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { type AccountScope, homeScope } from "./rig/accounts.js";
import { rigMemberRoleName } from "./rig/member-credentials.js";
import { rigClient } from "./rig/rig-clients.js";
import type { SeededSubnet } from "./seed.js";
import { connectDirectory } from "./seed-connectors.js";

/** The role the hub assumes in a member account, as {@link seedMemberEstate} creates it. */
export interface MemberRoleSpec {
  /** The role's name, e.g. `radius-sync-prod-member`. */
  name: string;
  /** The trust policy document (`AssumeRolePolicyDocument`). */
  trustPolicy: object;
  /** The one inline policy document. */
  policy: object;
}

/** An AD Connector seeded in a member account. */
export interface SeededMemberDirectory {
  directoryId: string;
  name: string;
  /** The `d-…_controllers` group moto creates with the connector. */
  securityGroupId: string;
  /** The connector's source IPs (one per subnet), unique in the member's VPC. */
  connectIps: string[];
}

/** What {@link seedMemberEstate} created. */
export interface SeededMemberEstate {
  account: string;
  region: string;
  /** The role's ARN, when one was asked for. */
  roleArn?: string;
  vpcId: string;
  subnets: [SeededSubnet, SeededSubnet];
  directories: SeededMemberDirectory[];
}

/** The second octet of each member scope's VPC (`10.<octet>.0.0/16`), first come first served. */
const memberOctets = new Map<string, number>();
const firstMemberOctet = 100;

/**
 * The member's VPC range: never the home estate's `10.0.0.0/16`, and one of its own for every
 * account and region (the same in every test of a file), so connector IPs never repeat across
 * targets.
 */
function memberCidr(scope: AccountScope): string {
  const key = `${scope.account}/${scope.region}`;
  let octet = memberOctets.get(key);
  if (octet === undefined) {
    octet = firstMemberOctet + memberOctets.size;
    if (octet > 254) throw new Error("more than 155 member scopes in one test file");
    memberOctets.set(key, octet);
  }
  return `10.${octet}.0.0/16`;
}

/**
 * SDK clients acting in a member account and region, straight to moto (not recorded, no doubles):
 * for tests to read what a run left there.
 *
 * @example
 * ```ts
 * const member = clientsIn({ account: "111122223333", region: "eu-west-1" });
 * await member.ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }));
 * ```
 */
export function clientsIn(scope: AccountScope) {
  return {
    ds: rigClient(DirectoryServiceClient, scope),
    workspaces: rigClient(WorkSpacesClient, scope),
    ec2: rigClient(EC2Client, scope),
    iam: rigClient(IAMClient, scope),
  };
}

/**
 * Seeds a member account's estate in moto: a VPC (`10.<n>.0.0/16`, its own per account and region)
 * with two subnets in the region's AZs `a` and `b`, `directories` AD Connectors registered with
 * WorkSpaces (RADIUS off), and, when `role` is given, that IAM role with its trust policy and one
 * inline policy (IAM is per account: seeding a second region of the account sets the same role again);
 * also the rig's own role (`radius-sync-test-rig`, allowed everything), which the doubles assume
 * there once a test turns IAM enforcement on. Needs IAM enforcement off while it runs (the rig acts in a member account only then).
 *
 * @example
 * ```ts
 * const member = await seedMemberEstate({ account: "111122223333", region: "eu-west-1", directories: 2 });
 * member.directories[0].connectIps; // ["10.100.1.x", "10.100.2.y"]
 * ```
 */
export async function seedMemberEstate(options: {
  account: string;
  region: string;
  directories: number;
  role?: MemberRoleSpec;
}): Promise<SeededMemberEstate> {
  const scope = { account: options.account, region: options.region };
  if (!/^\d{12}$/.test(scope.account)) throw new Error(`${scope.account} is no 12-digit account id`);
  if (scope.account === homeScope.account && scope.region === homeScope.region)
    throw new Error("the home account and region are seeded by seedEnvironment(), not as a member");
  const member = clientsIn(scope);
  const cidr = memberCidr(scope);
  const { Vpc } = await member.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
  const vpcId = Vpc?.VpcId;
  if (!vpcId) throw new Error(`moto returned no VpcId in ${scope.account}/${scope.region}`);
  const prefix = cidr.split(".").slice(0, 2).join(".");
  const createSubnet = async (third: number, zone: string): Promise<SeededSubnet> => {
    const subnetCidr = `${prefix}.${third}.0/24`;
    const availabilityZone = `${scope.region}${zone}`;
    const { Subnet } = await member.ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: subnetCidr, AvailabilityZone: availabilityZone }),
    );
    if (!Subnet?.SubnetId) throw new Error(`moto created no subnet ${subnetCidr}`);
    return { subnetId: Subnet.SubnetId, cidr: subnetCidr, availabilityZone };
  };
  const subnets: [SeededSubnet, SeededSubnet] = [await createSubnet(1, "a"), await createSubnet(2, "b")];
  const directories: SeededMemberDirectory[] = [];
  for (let index = 1; index <= options.directories; index += 1) {
    const name = `m${index}.${scope.region}.a${scope.account}.example.com`;
    const seeded = await connectDirectory(vpcId, subnets, name, `M${index}`, member);
    directories.push({
      directoryId: seeded.directoryId,
      name: seeded.name,
      securityGroupId: seeded.securityGroupId,
      connectIps: seeded.connectIps,
    });
  }
  // The rig's own role there, for the doubles' calls once a test turns IAM enforcement on.
  await createMemberRole(member.iam, {
    name: rigMemberRoleName,
    trustPolicy: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${homeScope.account}:root` },
          Action: "sts:AssumeRole",
        },
      ],
    },
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
  });
  const roleArn = options.role === undefined ? undefined : await createMemberRole(member.iam, options.role);
  return { ...scope, ...(roleArn === undefined ? {} : { roleArn }), vpcId, subnets, directories };
}

/**
 * The hub's role in the member account: its trust policy and one inline policy. IAM is global to an
 * account, so a second region of the same account finds the role there and sets both again.
 */
async function createMemberRole(iam: IAMClient, role: MemberRoleSpec): Promise<string> {
  const trust = JSON.stringify(role.trustPolicy);
  let arn: string | undefined;
  try {
    arn = (await iam.send(new GetRoleCommand({ RoleName: role.name }))).Role?.Arn;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: trust }));
  } catch (error) {
    if (!(error instanceof NoSuchEntityException)) throw error;
    arn = (await iam.send(new CreateRoleCommand({ RoleName: role.name, AssumeRolePolicyDocument: trust })))
      .Role?.Arn;
  }
  if (!arn) throw new Error(`moto created no role ${role.name}`);
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: role.name,
      PolicyName: `${role.name}-policy`,
      PolicyDocument: JSON.stringify(role.policy),
    }),
  );
  return arn;
}
