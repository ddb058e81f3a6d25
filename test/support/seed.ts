import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateDocumentCommand } from "@aws-sdk/client-ssm";
import { clients } from "../../shared/aws/clients.js";
import { healthDocumentContent } from "./doubles/nps-health-host.js";
import { installWorkspacesOnlyDirectories } from "./doubles/workspaces-directories.js";
import { npsTag, radiusSyncEnvironment } from "./environment.js";
import { npsDocumentContent } from "./nps-document.js";
import { addressesInUse, connectDirectory } from "./seed-connectors.js";

export { connectDirectory, freeAddress, reservedAddresses } from "./seed-connectors.js";

/** A subnet of the seeded VPC. */
export interface SeededSubnet {
  subnetId: string;
  cidr: string;
  availabilityZone: string;
}

/** An AD Connector as seeded (registered with WorkSpaces, RADIUS off). */
export interface SeededDirectory {
  directoryId: string;
  name: string;
  /** The connector's source IPs (one per subnet), which send RADIUS requests. */
  connectIps: string[];
  /** The `d-…_controllers` group that moto creates with the connector. */
  securityGroupId: string;
}

/** An EC2 instance as seeded. */
export interface SeededInstance {
  instanceId: string;
  privateIp: string;
  subnetId: string;
  name: string;
}

/** Everything {@link seedEnvironment} created, by id. */
export interface SeededEstate {
  vpcId: string;
  subnets: [SeededSubnet, SeededSubnet];
  directory: SeededDirectory;
  /** Two Windows instances tagged as NPS servers, one per subnet. */
  npsServers: [SeededInstance, SeededInstance];
  windowsImageId: string;
  /** An Amazon Linux image, for instances that must not count as Windows. */
  linuxImageId: string;
  stateTable: string;
  documentName: string;
  /** WorkSpaces directories that are no Directory Service directory (`wsd-…`), when seeded. */
  workspacesOnlyDirectoryIds: string[];
}

/** How {@link seedEnvironment} shapes the estate. */
export interface SeedOptions {
  /**
   * Also list WorkSpaces Pools, IAM Identity Center and Microsoft Entra ID directories (`wsd-…` ids)
   * in `DescribeWorkspaceDirectories`, as WorkSpaces does in an account that uses them (the
   * workspaces-directories double). Default: {@link seedDefaults}.
   */
  workspacesOnlyDirectories?: boolean;
}

/**
 * The options every seeded estate gets unless a caller says otherwise. `wsd-…` directories are on:
 * an account that uses WorkSpaces Pools, IAM Identity Center or Entra lists them beside ours, and
 * discovery and `status` must skip them (shared/core/registered-directories.ts).
 */
export const seedDefaults: Required<SeedOptions> = { workspacesOnlyDirectories: true };

/** The first image in moto's built-in catalogue that matches (instances inherit its Platform). */
async function findImage(filter: { Name: string; Values: string[] }): Promise<string> {
  const { Images } = await clients.ec2.send(new DescribeImagesCommand({ Filters: [filter] }));
  const imageId = (Images ?? []).map((image) => image.ImageId ?? "").sort()[0];
  if (!imageId) throw new Error(`moto knows no image with ${filter.Name} ${filter.Values.join(",")}`);
  return imageId;
}

/** The name of the security group the seeded NPS servers share in their VPC. */
export const npsSecurityGroupName = "nps-servers";

/**
 * The NPS servers' security group of the subnet's VPC (created on first use), as an administrator
 * sets it up: UDP 1812 from the VPC's range, so every directory in the VPC reaches NPS.
 */
async function npsSecurityGroup(subnet: SeededSubnet): Promise<string> {
  const { Subnets } = await clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.subnetId] }));
  const vpcId = Subnets?.[0]?.VpcId ?? "";
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: "vpc-id", Values: [vpcId] },
        { Name: "group-name", Values: [npsSecurityGroupName] },
      ],
    }),
  );
  const existing = SecurityGroups?.[0]?.GroupId;
  if (existing) return existing;
  const { GroupId } = await clients.ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: npsSecurityGroupName,
      Description: "NPS servers",
      VpcId: vpcId,
    }),
  );
  if (!GroupId) throw new Error("moto created no security group");
  await clients.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [
        {
          IpProtocol: "udp",
          FromPort: 1812,
          ToPort: 1812,
          IpRanges: [{ CidrIp: "10.0.0.0/16", Description: "RADIUS from the VPC" }],
        },
      ],
    }),
  );
  return GroupId;
}

/**
 * Launches one instance; `tagged` adds the NPS tag (`radius-sync:nps=true`) and the NPS servers'
 * security group.
 *
 * @example
 * ```ts
 * await launchInstance({ imageId: estate.windowsImageId, subnet: estate.subnets[0], name: "NPS-C", tagged: true });
 * ```
 */
export async function launchInstance(options: {
  imageId: string;
  subnet: SeededSubnet;
  name: string;
  tagged: boolean;
  privateIp?: string;
}): Promise<SeededInstance> {
  if (options.privateIp !== undefined && (await addressesInUse([options.subnet])).has(options.privateIp)) {
    // AWS refuses a taken address (InvalidIPAddress.InUse); moto would hand it out twice.
    throw new Error(`${options.privateIp} is already in use in ${options.subnet.cidr}; pick a free address`);
  }
  const tags = [{ Key: "Name", Value: options.name }];
  if (options.tagged) tags.push({ Key: npsTag.key, Value: npsTag.value });
  const securityGroupIds = options.tagged ? [await npsSecurityGroup(options.subnet)] : undefined;
  const { Instances } = await clients.ec2.send(
    new RunInstancesCommand({
      ImageId: options.imageId,
      InstanceType: "t3.medium",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: options.subnet.subnetId,
      PrivateIpAddress: options.privateIp,
      SecurityGroupIds: securityGroupIds,
      TagSpecifications: [{ ResourceType: "instance", Tags: tags }],
    }),
  );
  const instance = Instances?.[0];
  if (!instance?.InstanceId || !instance.PrivateIpAddress) throw new Error("moto launched no instance");
  return {
    instanceId: instance.InstanceId,
    privateIp: instance.PrivateIpAddress,
    subnetId: options.subnet.subnetId,
    name: options.name,
  };
}

/**
 * Creates, in moto, a realistic estate that radius-sync has never touched: a VPC with two
 * subnets in two AZs, an AD Connector (corp.example.com) registered with WorkSpaces, two
 * tagged Windows NPS servers (one per subnet), the DynamoDB state table and the NPS SSM
 * document. No RADIUS settings, no secret. With `workspacesOnlyDirectories`, WorkSpaces also
 * lists three `wsd-…` directories beside the connector (see {@link SeedOptions}).
 *
 * @example
 * ```ts
 * const estate = await seedEnvironment();
 * estate.directory.connectIps; // ["10.0.1.x", "10.0.2.y"]
 * ```
 */
export async function seedEnvironment(options: SeedOptions = {}): Promise<SeededEstate> {
  const { workspacesOnlyDirectories } = { ...seedDefaults, ...options };
  const { Vpc } = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
  const vpcId = Vpc?.VpcId;
  if (!vpcId) throw new Error("moto returned no VpcId");
  const createSubnet = async (cidr: string, availabilityZone: string): Promise<SeededSubnet> => {
    const { Subnet } = await clients.ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: availabilityZone }),
    );
    if (!Subnet?.SubnetId) throw new Error(`moto created no subnet ${cidr}`);
    return { subnetId: Subnet.SubnetId, cidr, availabilityZone };
  };
  const subnets: [SeededSubnet, SeededSubnet] = [
    await createSubnet("10.0.1.0/24", "us-east-1a"),
    await createSubnet("10.0.2.0/24", "us-east-1b"),
  ];
  const windowsImageId = await findImage({ Name: "platform", Values: ["windows"] });
  const linuxImageId = await findImage({ Name: "name", Values: ["amzn-ami-hvm-*"] });
  const npsServers: [SeededInstance, SeededInstance] = [
    await launchInstance({
      imageId: windowsImageId,
      subnet: subnets[0],
      name: "NPS-A",
      tagged: true,
      privateIp: "10.0.1.20",
    }),
    await launchInstance({
      imageId: windowsImageId,
      subnet: subnets[1],
      name: "NPS-B",
      tagged: true,
      privateIp: "10.0.2.20",
    }),
  ];
  // After the NPS servers, so that the connector's IPs are drawn around theirs.
  const directory = await connectDirectory(vpcId, subnets, "corp.example.com", "CORP");
  const stateTable = await createStateTable();
  const documentName = radiusSyncEnvironment.RADIUS_SYNC_SSM_DOCUMENT_NAME;
  await clients.ssm.send(
    new CreateDocumentCommand({
      Name: documentName,
      DocumentType: "Command",
      DocumentFormat: "JSON",
      Content: npsDocumentContent(),
    }),
  );
  // The read-only health check's document, as serverless.yml deploys it beside the sync document.
  await clients.ssm.send(
    new CreateDocumentCommand({
      Name: radiusSyncEnvironment.RADIUS_SYNC_HEALTH_DOCUMENT_NAME,
      DocumentType: "Command",
      DocumentFormat: "JSON",
      Content: healthDocumentContent(),
    }),
  );
  const workspacesOnlyDirectoryIds = workspacesOnlyDirectories
    ? await addWorkspacesOnlyDirectories(vpcId, subnets)
    : [];
  return {
    vpcId,
    subnets,
    directory,
    npsServers,
    windowsImageId,
    linuxImageId,
    stateTable,
    documentName,
    workspacesOnlyDirectoryIds,
  };
}

/** The `wsd-…` directories' own security group, then the double that lists them. */
async function addWorkspacesOnlyDirectories(
  vpcId: string,
  subnets: readonly SeededSubnet[],
): Promise<string[]> {
  const { GroupId } = await clients.ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: "wsd-members",
      Description: "WorkSpaces Pools members",
    }),
  );
  const double = installWorkspacesOnlyDirectories({
    subnetIds: subnets.map((subnet) => subnet.subnetId),
    securityGroupId: GroupId ?? "",
  });
  return [...double.directoryIds];
}

/**
 * Adds a second AD Connector (branch.example.com) in the same VPC, registered with WorkSpaces.
 *
 * @example
 * ```ts
 * const branch = await addSecondDirectory(estate);
 * ```
 */
export async function addSecondDirectory(estate: SeededEstate): Promise<SeededDirectory> {
  return await connectDirectory(estate.vpcId, estate.subnets, "branch.example.com", "BRANCH");
}

/**
 * Adds a UDP 1812 ingress rule that radius-sync does not own (someone else's description),
 * to prove that radius-sync leaves it alone.
 *
 * @example
 * ```ts
 * const foreign = await addForeignIngressRule(estate.directory.securityGroupId);
 * ```
 */
export async function addForeignIngressRule(
  securityGroupId: string,
  options: { cidr?: string; description?: string } = {},
): Promise<{ cidr: string; description: string }> {
  const cidr = options.cidr ?? "10.0.9.9/32";
  const description = options.description ?? "legacy RADIUS proxy (managed by the network team)";
  await clients.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: securityGroupId,
      IpPermissions: [
        {
          IpProtocol: "udp",
          FromPort: 1812,
          ToPort: 1812,
          IpRanges: [{ CidrIp: cidr, Description: description }],
        },
      ],
    }),
  );
  return { cidr, description };
}

/**
 * Creates radius-sync's DynamoDB state table (as the template does: key `pk`, on demand) under the
 * name the tests configure; {@link seedEnvironment} calls it, and tests that need only the table do.
 *
 * @example
 * ```ts
 * const tableName = await createStateTable();
 * ```
 */
export async function createStateTable(): Promise<string> {
  const tableName = radiusSyncEnvironment.RADIUS_SYNC_STATE_TABLE;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return tableName;
}
