/**
 * The rig with several AWS accounts and regions (issue 23): the hub reaches member accounts with
 * STS AssumeRole through the AWS proxy, as the product does, and every call is known by the account
 * moto acts in (test/support/rig/accounts.ts). Members are seeded after `prepareWorld()`, as a
 * workflow test seeds them.
 */
import {
  DescribeDirectoriesCommand,
  DirectoryServiceClient,
  EntityDoesNotExistException,
} from "@aws-sdk/client-directory-service";
import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DescribeWorkspaceDirectoriesCommand, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { testRegion } from "../support/environment.js";
import { defaultAccount } from "../support/rig/accounts.js";
import { clientsIn, type SeededMemberEstate, seedMemberEstate } from "../support/seed-member.js";
import { prepareWorld, type World } from "../support/world.js";

const accountA = "111111111111";
const accountB = "222222222222";
const regions = ["us-west-2", "eu-west-1"] as const;
const memberRoleName = "radius-sync-prod-member";
const trustPolicy = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${defaultAccount}:root` }, Action: "sts:AssumeRole" },
  ],
};
const memberPolicy = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["ds:DescribeDirectories"], Resource: "*" }],
};

type ClientClass<Client> = new (config: {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts: number;
}) => Client;

/**
 * What the product does for a member target: AssumeRole with the Lambda's own credentials through
 * `AWS_ENDPOINT_URL` (the proxy), then a client in the member's region with the temporary keys.
 */
async function assumeInto(account: string) {
  const sts = new STSClient({ region: testRegion, maxAttempts: 1 });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/${memberRoleName}`,
      RoleSessionName: "radius-sync-hub",
    }),
  );
  sts.destroy();
  const credentials = {
    accessKeyId: Credentials?.AccessKeyId ?? "",
    secretAccessKey: Credentials?.SecretAccessKey ?? "",
    sessionToken: Credentials?.SessionToken ?? "",
  };
  return {
    accessKeyId: credentials.accessKeyId,
    client: <Client>(Class: ClientClass<Client>, region: string) =>
      new Class({ region, credentials, maxAttempts: 1 }),
  };
}

let world: World;
const members = new Map<string, SeededMemberEstate>();
const memberOf = (account: string, region: string) => {
  const member = members.get(`${account}/${region}`);
  if (member === undefined) throw new Error(`no member seeded in ${account}/${region}`);
  return member;
};
const directoryOf = (account: string, region: string) => {
  const directory = memberOf(account, region).directories[0];
  if (directory === undefined) throw new Error(`no directory seeded in ${account}/${region}`);
  return directory;
};

beforeEach(async () => {
  world = await prepareWorld();
  members.clear();
  for (const account of [accountA, accountB]) {
    for (const region of regions) {
      const member = await seedMemberEstate({
        account,
        region,
        directories: 1,
        role: { name: memberRoleName, trustPolicy, policy: memberPolicy },
      });
      members.set(`${account}/${region}`, member);
    }
  }
});

describe("seeding member accounts", () => {
  it("creates each member's connectors, role and network in its own account and region, apart from the home estate", async () => {
    const seeded = [...members.values()];
    const directoryIds = seeded.flatMap((member) => member.directories.map((d) => d.directoryId));
    const connectIps = seeded.flatMap((member) => member.directories.flatMap((d) => d.connectIps));

    expect(new Set([...directoryIds, world.estate.directory.directoryId]).size).toBe(5);
    expect(new Set([...connectIps, ...world.estate.directory.connectIps]).size).toBe(10);
    expect(connectIps.every((ip) => !ip.startsWith("10.0."))).toBe(true);
    for (const member of seeded) {
      const { ds, workspaces, iam } = clientsIn(member);
      const [directory] = member.directories;
      const described = await ds.send(new DescribeDirectoriesCommand({}));
      expect(described.DirectoryDescriptions?.map((d) => d.DirectoryId)).toEqual([directory?.directoryId]);
      expect(described.DirectoryDescriptions?.[0]?.ConnectSettings?.ConnectIps?.sort()).toEqual(
        directory?.connectIps.sort(),
      );
      const registered = await workspaces.send(new DescribeWorkspaceDirectoriesCommand({}));
      expect(registered.Directories?.map((d) => d.DirectoryId)).toEqual([directory?.directoryId]);
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: memberRoleName }));
      expect(Role?.Arn).toBe(`arn:aws:iam::${member.account}:role/${memberRoleName}`);
      expect(member.roleArn).toBe(Role?.Arn);
    }
    // The home account still sees only its own directory.
    const home = await clients.ds.send(new DescribeDirectoriesCommand({}));
    expect(home.DirectoryDescriptions?.map((d) => d.DirectoryId)).toEqual([
      world.estate.directory.directoryId,
    ]);
  });
});

describe("the proxy knows each call's account", () => {
  it("records the base keys in moto's default account and AssumeRole keys in the role's account and the client's region", async () => {
    world.calls.reset();
    const intoA = await assumeInto(accountA);
    const ds = intoA.client(DirectoryServiceClient, "eu-west-1");

    const described = await ds.send(new DescribeDirectoriesCommand({}));

    expect(described.DirectoryDescriptions?.map((d) => d.DirectoryId)).toEqual([
      directoryOf(accountA, "eu-west-1").directoryId,
    ]);
    expect(
      world.calls.calls.map(({ service, operation, account, region, accessKeyId }) => ({
        service,
        operation,
        account,
        region,
        accessKeyId,
      })),
    ).toEqual([
      {
        service: "sts",
        operation: "AssumeRole",
        account: defaultAccount,
        region: testRegion,
        accessKeyId: "testing",
      },
      {
        service: "ds",
        operation: "DescribeDirectories",
        account: accountA,
        region: "eu-west-1",
        accessKeyId: intoA.accessKeyId,
      },
    ]);
    expect(world.calls.callsTo("DescribeDirectories", { account: accountB })).toEqual([]);
    ds.destroy();
  });

  it("lets moto keep each account's resources apart: a directory of account A is unknown in account B", async () => {
    const intoB = await assumeInto(accountB);
    const ds = intoB.client(DirectoryServiceClient, "us-west-2");

    const asked = ds.send(
      new DescribeDirectoriesCommand({ DirectoryIds: [directoryOf(accountA, "us-west-2").directoryId] }),
    );

    await expect(asked).rejects.toBeInstanceOf(EntityDoesNotExistException);
    expect(world.calls.callsTo("DescribeDirectories").at(-1)).toMatchObject({
      account: accountB,
      region: "us-west-2",
      errorCode: "EntityDoesNotExistException",
    });
    ds.destroy();
  });

  it("acts in the member for EC2 and WorkSpaces too", async () => {
    const intoB = await assumeInto(accountB);
    const ec2 = intoB.client(EC2Client, "eu-west-1");
    const workspaces = intoB.client(WorkSpacesClient, "eu-west-1");
    const directory = directoryOf(accountB, "eu-west-1");

    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [directory.securityGroupId] }),
    );
    const registered = await workspaces.send(new DescribeWorkspaceDirectoriesCommand({}));

    expect(groups.SecurityGroups?.[0]?.VpcId).toBe(memberOf(accountB, "eu-west-1").vpcId);
    expect(registered.Directories?.map((d) => d.DirectoryId)).toEqual([directory.directoryId]);
    expect(
      world.calls.calls
        .filter((call) => call.service !== "sts")
        .map(({ account, region, operation }) => `${operation} ${account} ${region}`),
    ).toEqual([
      `DescribeSecurityGroups ${accountB} eu-west-1`,
      `DescribeWorkspaceDirectories ${accountB} eu-west-1`,
    ]);
    ec2.destroy();
    workspaces.destroy();
  });
});
