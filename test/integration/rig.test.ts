import { readFileSync } from "node:fs";
import {
  ConnectDirectoryCommand,
  DescribeDirectoriesCommand,
  EnableRadiusCommand,
} from "@aws-sdk/client-directory-service";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateSubnetCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateSecretCommand,
  GetRandomPasswordCommand,
  ListSecretsCommand,
} from "@aws-sdk/client-secrets-manager";
import { DescribeDocumentCommand } from "@aws-sdk/client-ssm";
import { DescribeWorkspaceDirectoriesCommand } from "@aws-sdk/client-workspaces";
import { describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { currentMoto } from "../support/current-moto.js";
import { npsTag, radiusSyncEnvironment } from "../support/environment.js";
import { currentProxy } from "../support/rig/current-proxy.js";
import {
  addForeignIngressRule,
  addSecondDirectory,
  type SeededEstate,
  seedEnvironment,
} from "../support/seed.js";
import { isAtLeast, motoServerPath } from "../support/venv.js";

/** Whether an IPv4 address lies in a /24 written as a.b.c.0/24. */
const inSlash24 = (ip: string, cidr: string) => ip.startsWith(cidr.replace(/0\/24$/, ""));

const radiusSettings = (secret: string, servers: string[]) => ({
  RadiusServers: servers,
  RadiusPort: 1812,
  RadiusTimeout: 30,
  RadiusRetries: 1,
  SharedSecret: secret,
  AuthenticationProtocol: "PAP" as const,
  DisplayLabel: "MFA",
  UseSameUsername: true,
});

describe("the emulator", () => {
  it("is the virtualenv's moto, version 5.2.3 or newer, with the RADIUS calls", async () => {
    const moto = currentMoto();
    expect(isAtLeast(moto.version, "5.2.3")).toBe(true);
    // Every SDK call goes through the AWS proxy, which forwards to this moto.
    expect(process.env.AWS_ENDPOINT_URL).toBe(currentProxy().endpoint);
    expect(currentProxy().upstream).toBe(moto.endpoint);
    const commandLine = readFileSync(`/proc/${moto.pid}/cmdline`, "utf8").split("\0");
    expect(commandLine).toContain(motoServerPath);
    // moto 5.2.1 (the one on some PATHs) has no EnableRadius at all.
    const estate = await seedEnvironment();
    await clients.ds.send(
      new EnableRadiusCommand({
        DirectoryId: estate.directory.directoryId,
        RadiusSettings: radiusSettings("a-test-secret-0123456789", ["10.0.1.20"]),
      }),
    );
  });

  it("forgets everything on reset", async () => {
    await clients.secretsManager.send(
      new CreateSecretCommand({ Name: "to-be-forgotten", SecretString: "x" }),
    );
    await currentMoto().reset();
    const { SecretList } = await clients.secretsManager.send(new ListSecretsCommand({}));
    expect(SecretList).toEqual([]);
  });
});

describe("seedEnvironment", () => {
  it("creates an AD Connector in two subnets with its connect IPs and security group, RADIUS off", async () => {
    const estate = await seedEnvironment();
    const { DirectoryDescriptions } = await clients.ds.send(new DescribeDirectoriesCommand({}));
    expect(DirectoryDescriptions).toHaveLength(1);
    const directory = DirectoryDescriptions?.[0];
    expect(directory).toMatchObject({
      DirectoryId: estate.directory.directoryId,
      Name: "corp.example.com",
      Type: "ADConnector",
      Size: "Small",
      Stage: "Active",
      ConnectSettings: {
        VpcId: estate.vpcId,
        SubnetIds: estate.subnets.map((subnet) => subnet.subnetId),
        CustomerUserName: "svc-adconnector",
        SecurityGroupId: estate.directory.securityGroupId,
        ConnectIps: estate.directory.connectIps,
      },
    });
    expect(directory?.RadiusStatus).toBeUndefined();
    expect(directory?.RadiusSettings ?? {}).toEqual({});
    const [first, second] = estate.directory.connectIps;
    expect(inSlash24(first ?? "", "10.0.1.0/24") && inSlash24(second ?? "", "10.0.2.0/24")).toBe(true);
    const { SecurityGroups } = await clients.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [estate.directory.securityGroupId] }),
    );
    expect(SecurityGroups?.[0]?.GroupName).toBe(`${estate.directory.directoryId}_controllers`);
  });

  it("registers the directory with WorkSpaces", async () => {
    // Only the Directory Service directory here; the wsd- ones are rig-workspaces.test.ts's.
    const estate = await seedEnvironment({ workspacesOnlyDirectories: false });
    const { Directories } = await clients.workspaces.send(new DescribeWorkspaceDirectoriesCommand({}));
    expect(Directories?.map((directory) => [directory.DirectoryId, directory.State])).toEqual([
      [estate.directory.directoryId, "REGISTERED"],
    ]);
  });

  it("launches two tagged Windows NPS servers, one per subnet", async () => {
    const estate = await seedEnvironment();
    const { Reservations } = await clients.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: `tag:${npsTag.key}`, Values: [npsTag.value] }] }),
    );
    const instances = (Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
    expect(
      instances.map((instance) => [instance.InstanceId, instance.SubnetId, instance.PrivateIpAddress]),
    ).toEqual(estate.npsServers.map((server) => [server.instanceId, server.subnetId, server.privateIp]));
    expect(instances.map((instance) => String(instance.Platform))).toEqual(["windows", "windows"]);
    expect(estate.npsServers.map((server) => server.privateIp)).toEqual(["10.0.1.20", "10.0.2.20"]);
  });

  it("creates the state table, the NPS document and no secret", async () => {
    await seedEnvironment();
    const { Table } = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: radiusSyncEnvironment.RADIUS_SYNC_STATE_TABLE }),
    );
    expect(Table?.KeySchema).toEqual([{ AttributeName: "pk", KeyType: "HASH" }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    const { Document } = await clients.ssm.send(
      new DescribeDocumentCommand({ Name: radiusSyncEnvironment.RADIUS_SYNC_SSM_DOCUMENT_NAME }),
    );
    expect(Document?.DocumentType).toBe("Command");
    const { SecretList } = await clients.secretsManager.send(new ListSecretsCommand({}));
    expect(SecretList).toEqual([]);
  });

  it("adds a second registered AD Connector in the same VPC", async () => {
    const estate = await seedEnvironment({ workspacesOnlyDirectories: false });
    const branch = await addSecondDirectory(estate);
    expect(branch.directoryId).not.toBe(estate.directory.directoryId);
    expect(branch.securityGroupId).not.toBe(estate.directory.securityGroupId);
    expect(branch.connectIps).toHaveLength(2);
    const { Directories } = await clients.workspaces.send(new DescribeWorkspaceDirectoriesCommand({}));
    expect(Directories?.map((directory) => directory.DirectoryId).sort()).toEqual(
      [estate.directory.directoryId, branch.directoryId].sort(),
    );
  });

  it("adds a UDP 1812 rule that radius-sync does not own", async () => {
    const estate = await seedEnvironment();
    const foreign = await addForeignIngressRule(estate.directory.securityGroupId);
    const { SecurityGroups } = await clients.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [estate.directory.securityGroupId] }),
    );
    expect(SecurityGroups?.[0]?.IpPermissions).toContainEqual(
      expect.objectContaining({
        IpProtocol: "udp",
        FromPort: 1812,
        ToPort: 1812,
        IpRanges: [{ CidrIp: foreign.cidr, Description: foreign.description }],
      }),
    );
  });
});

describe("what moto does that tests lean on", () => {
  async function enableOn(estate: SeededEstate, secret: string) {
    await clients.ds.send(
      new EnableRadiusCommand({
        DirectoryId: estate.directory.directoryId,
        RadiusSettings: radiusSettings(secret, ["10.0.1.20", "10.0.2.20"]),
      }),
    );
    const { DirectoryDescriptions } = await clients.ds.send(
      new DescribeDirectoriesCommand({ DirectoryIds: [estate.directory.directoryId] }),
    );
    return DirectoryDescriptions?.[0];
  }

  it("returns the SharedSecret inside RadiusSettings after EnableRadius, as it was sent", async () => {
    const estate = await seedEnvironment();
    const directory = await enableOn(estate, "the-enabled-secret-0123456789");
    expect(directory?.RadiusStatus).toBe("Completed");
    expect(directory?.RadiusSettings?.SharedSecret).toBe("the-enabled-secret-0123456789");
  });

  it("honours ExcludeCharacters in GetRandomPassword", async () => {
    const excluded = "\"'`\\$;&|<>{}()@/:,=%^*!#";
    const { RandomPassword } = await clients.secretsManager.send(
      new GetRandomPasswordCommand({ PasswordLength: 128, ExcludeCharacters: excluded }),
    );
    expect(RandomPassword).toHaveLength(128);
    expect([...(RandomPassword ?? "")].filter((character) => excluded.includes(character))).toEqual([]);
  });

  it("accepts ConnectDirectory with two subnets in two AZs and rejects two in one AZ", async () => {
    const estate = await seedEnvironment();
    const { Subnet } = await clients.ec2.send(
      new CreateSubnetCommand({
        VpcId: estate.vpcId,
        CidrBlock: "10.0.3.0/24",
        AvailabilityZone: "us-east-1a",
      }),
    );
    const sameZone = clients.ds.send(
      new ConnectDirectoryCommand({
        Name: "same-zone.example.com",
        Password: "Connector-Passw0rd",
        Size: "Small",
        ConnectSettings: {
          VpcId: estate.vpcId,
          SubnetIds: [estate.subnets[0].subnetId, Subnet?.SubnetId ?? ""],
          CustomerDnsIps: ["10.0.1.10"],
          CustomerUserName: "svc-adconnector",
        },
      }),
    );
    await expect(sameZone).rejects.toThrow(/different availability zones/i);
  });
});
