/**
 * The rig with several AWS accounts and regions (issue 23): the hub reaches member accounts with
 * STS AssumeRole through the AWS proxy, as the product does, and every call is known by the account
 * moto acts in (test/support/rig/accounts.ts). Members are seeded after `prepareWorld()`, as a
 * workflow test seeds them.
 */
import {
  DescribeDirectoriesCommand,
  AccessDeniedException as DirectoryServiceAccessDenied,
  DirectoryServiceClient,
  EnableRadiusCommand,
  EntityDoesNotExistException,
  UpdateRadiusCommand,
} from "@aws-sdk/client-directory-service";
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import {
  DescribeWorkspaceDirectoriesCommand,
  WorkSpacesClient,
  AccessDeniedException as WorkspacesAccessDenied,
} from "@aws-sdk/client-workspaces";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { currentMoto } from "../support/current-moto.js";
import { testRegion } from "../support/environment.js";
import { installAccessDeniedAsAws } from "../support/iam/access-denied.js";
import { enforceIam, relaxIam } from "../support/iam/enforcement.js";
import { userAllowedTo } from "../support/iam/iam-users.js";
import { seedMotoRandom } from "../support/moto.js";
import { type AccountScope, defaultAccount } from "../support/rig/accounts.js";
import { faults } from "../support/rig/faults.js";
import { setRigCredentials } from "../support/rig/rig-clients.js";
import { connectDirectory } from "../support/seed-connectors.js";
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
async function assumeInto(account: string, base?: { accessKeyId: string; secretAccessKey: string }) {
  const sts = new STSClient({ region: testRegion, maxAttempts: 1, ...(base ? { credentials: base } : {}) });
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

const radius = (servers: string[]) => ({
  RadiusServers: servers,
  RadiusPort: 1812,
  RadiusTimeout: 30,
  RadiusRetries: 1,
  SharedSecret: "member-secret-0123456789",
  AuthenticationProtocol: "PAP" as const,
});

/**
 * One directory id in two accounts (AWS ids are unique per account only as far as anyone promises):
 * moto's random generator seeded alike before each account's ConnectDirectory draws the same id.
 */
async function twinDirectory(region: string): Promise<{ directoryId: string; scopes: AccountScope[] }> {
  const scopes = [accountA, accountB].map((account) => ({ account, region }));
  const ids: string[] = [];
  for (const scope of scopes) {
    const member = memberOf(scope.account, scope.region);
    await seedMotoRandom(currentMoto().endpoint, 23);
    const twin = await connectDirectory(
      member.vpcId,
      member.subnets,
      "twin.example.com",
      "TWIN",
      clientsIn(scope),
    );
    ids.push(twin.directoryId);
  }
  const [directoryId = ""] = ids;
  expect(ids).toEqual([directoryId, directoryId]);
  return { directoryId, scopes };
}

const descriptionIn = async (account: string, region: string, directoryId: string) => {
  const into = await assumeInto(account);
  const ds = into.client(DirectoryServiceClient, region);
  const { DirectoryDescriptions = [] } = await ds.send(
    new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }),
  );
  ds.destroy();
  return DirectoryDescriptions[0];
};

describe("the doubles keep state per account and region", () => {
  it("shows a directory's stage, connector IPs, network and RADIUS status only in the account and region they were set for", async () => {
    const region = "us-west-2";
    const { directoryId, scopes } = await twinDirectory(region);
    const [inA, inB] = scopes as [AccountScope, AccountScope];
    for (const scope of scopes) {
      await clientsIn(scope).ds.send(
        new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radius(["10.0.1.20"]) }),
      );
    }
    world.stages.setStage(directoryId, "Impaired", inA);
    world.drift.setConnectIps(directoryId, ["10.100.1.77", "10.100.2.88"], inA);
    world.network.setNetwork(directoryId, { networkType: "Dual-stack", ipv6Addresses: ["2001:db8::7"] }, inA);
    world.radiusStatus.setSequence(directoryId, ["Failed"], { startNow: true }, inA);
    // Set for the home account: neither member sees it.
    world.stages.setStage(directoryId, "Inoperable");

    const seenInA = await descriptionIn(accountA, region, directoryId);
    const seenInB = await descriptionIn(accountB, region, directoryId);
    const seenInAElsewhere = await descriptionIn(
      accountA,
      "eu-west-1",
      directoryOf(accountA, "eu-west-1").directoryId,
    );

    expect(seenInA).toMatchObject({
      Stage: "Impaired",
      NetworkType: "Dual-stack",
      RadiusStatus: "Failed",
      ConnectSettings: { ConnectIps: ["10.100.1.77", "10.100.2.88"], ConnectIpsV6: ["2001:db8::7"] },
    });
    expect(seenInB).toMatchObject({ Stage: "Active", RadiusStatus: "Completed" });
    expect(seenInB?.NetworkType).toBeUndefined();
    expect(seenInB?.ConnectSettings?.ConnectIps).not.toContain("10.100.1.77");
    expect(seenInB?.ConnectSettings?.ConnectIpsV6).toBeUndefined();
    expect(seenInAElsewhere).toMatchObject({ Stage: "Active" });
    expect(inB.account).toBe(accountB);
  });

  it("applies UpdateRadius in the caller's account only, and records where it acted", async () => {
    const region = "eu-west-1";
    const { directoryId, scopes } = await twinDirectory(region);
    for (const scope of scopes) {
      await clientsIn(scope).ds.send(
        new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radius(["10.0.1.20"]) }),
      );
    }
    const intoB = await assumeInto(accountB);
    const ds = intoB.client(DirectoryServiceClient, region);

    await ds.send(
      new UpdateRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radius(["10.0.2.20"]) }),
    );

    const read = async (account: string) =>
      (
        await clientsIn({ account, region }).ds.send(
          new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }),
        )
      ).DirectoryDescriptions?.[0]?.RadiusSettings?.RadiusServers;
    expect(await read(accountB)).toEqual(["10.0.2.20"]);
    expect(await read(accountA)).toEqual(["10.0.1.20"]);
    expect(world.updates.updates).toEqual([
      expect.objectContaining({ directoryId, account: accountB, region }),
    ]);
    ds.destroy();
  });

  it("checks EnableRadius on a member's directory against that member's state", async () => {
    const region = "us-west-2";
    const { directoryId, scopes } = await twinDirectory(region);
    const [inA] = scopes as [AccountScope];
    await clientsIn(inA).ds.send(
      new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radius(["10.0.1.20"]) }),
    );
    const enable = async (account: string) => {
      const into = await assumeInto(account);
      const ds = into.client(DirectoryServiceClient, region);
      try {
        return await ds.send(
          new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radius(["10.0.1.20"]) }),
        );
      } finally {
        ds.destroy();
      }
    };

    // On in A already (AWS refuses a second EnableRadius); still off in B.
    await expect(enable(accountA)).rejects.toMatchObject({ name: "EntityAlreadyExistsException" });
    await expect(enable(accountB)).resolves.toBeDefined();
  });
});

describe("the AWS rules", () => {
  it("read the member's own resources: revoking a rule a member's group lacks answers as EC2 does in a non-default VPC", async () => {
    const ec2 = (await assumeInto(accountB)).client(EC2Client, "us-west-2");

    const revoked = ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: directoryOf(accountB, "us-west-2").securityGroupId,
        IpPermissions: [
          { IpProtocol: "udp", FromPort: 1812, ToPort: 1812, IpRanges: [{ CidrIp: "10.0.9.9/32" }] },
        ],
      }),
    );

    await expect(revoked).rejects.toMatchObject({ name: "InvalidPermission.NotFound" });
    ec2.destroy();
  });
});

describe("faults.deny", () => {
  it("refuses a Directory Service call with AccessDeniedException in the chosen account only", async () => {
    const region = "us-west-2";
    const denied = faults.deny({ service: "ds", operation: "EnableRadius", account: accountA });
    const enableIn = async (account: string) => {
      const ds = (await assumeInto(account)).client(DirectoryServiceClient, region);
      try {
        return await ds.send(
          new EnableRadiusCommand({
            DirectoryId: directoryOf(account, region).directoryId,
            RadiusSettings: radius(["10.0.1.20"]),
          }),
        );
      } finally {
        ds.destroy();
      }
    };

    const inA = enableIn(accountA);

    await expect(inA).rejects.toBeInstanceOf(DirectoryServiceAccessDenied);
    await expect(inA).rejects.toMatchObject({
      name: "AccessDeniedException",
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining("ds:EnableRadius"),
    });
    await expect(enableIn(accountB)).resolves.toBeDefined();
    expect(denied.failed).toBe(1);
    expect(
      world.calls.callsTo("EnableRadius").map(({ account, errorCode }) => ({ account, errorCode })),
    ).toEqual([{ account: accountA, errorCode: "AccessDeniedException" }, { account: accountB }]);
  });

  it("refuses WorkSpaces with AccessDeniedException and EC2 with UnauthorizedOperation (403), one account and region each", async () => {
    faults.deny({ service: "workspaces", operation: "DescribeWorkspaceDirectories", account: accountB });
    faults.deny({
      service: "ec2",
      operation: "AuthorizeSecurityGroupIngress",
      account: accountA,
      region: "eu-west-1",
    });
    const intoA = await assumeInto(accountA);
    const intoB = await assumeInto(accountB);
    const authorize = (region: string) => {
      const ec2 = intoA.client(EC2Client, region);
      return ec2
        .send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: directoryOf(accountA, region).securityGroupId,
            IpPermissions: [
              { IpProtocol: "udp", FromPort: 1812, ToPort: 1812, IpRanges: [{ CidrIp: "10.0.1.20/32" }] },
            ],
          }),
        )
        .finally(() => ec2.destroy());
    };

    await expect(
      intoB.client(WorkSpacesClient, "us-west-2").send(new DescribeWorkspaceDirectoriesCommand({})),
    ).rejects.toBeInstanceOf(WorkspacesAccessDenied);
    await expect(
      intoA.client(WorkSpacesClient, "us-west-2").send(new DescribeWorkspaceDirectoriesCommand({})),
    ).resolves.toMatchObject({
      Directories: [{ DirectoryId: directoryOf(accountA, "us-west-2").directoryId }],
    });
    await expect(authorize("eu-west-1")).rejects.toMatchObject({
      name: "UnauthorizedOperation",
      $metadata: { httpStatusCode: 403 },
    });
    await expect(authorize("us-west-2")).resolves.toBeDefined();
  });

  it("refuses AssumeRole into the chosen member with STS's AccessDenied (403), while the hub still assumes the other", async () => {
    faults.deny({ service: "sts", operation: "AssumeRole", account: accountB });

    const intoB = assumeInto(accountB);

    await expect(intoB).rejects.toMatchObject({
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining(`on resource: arn:aws:iam::${accountB}:role/${memberRoleName}`),
    });
    await expect(assumeInto(accountA)).resolves.toBeDefined();
    expect(
      world.calls.callsTo("AssumeRole").map(({ account, errorCode }) => ({ account, errorCode })),
    ).toEqual([{ account: defaultAccount, errorCode: "AccessDenied" }, { account: defaultAccount }]);
  });
});

describe("keys moto issues to IAM users", () => {
  it("act in the account the user was created in, as moto takes them", async () => {
    const intoA = await assumeInto(accountA);
    const iam = intoA.client(IAMClient, testRegion);
    await iam.send(new CreateUserCommand({ UserName: "member-operator" }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: "member-operator" }));
    iam.destroy();
    const ds = new DirectoryServiceClient({
      region: "us-west-2",
      maxAttempts: 1,
      credentials: {
        accessKeyId: AccessKey?.AccessKeyId ?? "",
        secretAccessKey: AccessKey?.SecretAccessKey ?? "",
      },
    });

    const described = await ds.send(new DescribeDirectoriesCommand({}));

    expect(described.DirectoryDescriptions?.map((d) => d.DirectoryId)).toEqual([
      directoryOf(accountA, "us-west-2").directoryId,
    ]);
    expect(world.calls.callsTo("DescribeDirectories").at(-1)).toMatchObject({
      account: accountA,
      accessKeyId: AccessKey?.AccessKeyId,
    });
    ds.destroy();
  });
});

describe("with IAM enforcement on", () => {
  afterEach(async () => {
    // Before the next reset, which keeps the switch (EMULATOR-NOTES, "IAM").
    await relaxIam(currentMoto().endpoint);
    setRigCredentials(undefined);
  });

  it("checks a member's calls against its own role, while the rules and doubles still act in that member", async () => {
    const region = "us-west-2";
    const allowed = ["ds:DescribeDirectories", "ds:EnableRadius", "ds:UpdateRadius"];
    await clientsIn({ account: accountA, region }).iam.send(
      new PutRolePolicyCommand({
        RoleName: memberRoleName,
        PolicyName: `${memberRoleName}-policy`,
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: allowed, Resource: "*" }],
        }),
      }),
    );
    setRigCredentials(await userAllowedTo("rig-admin", ["*"]));
    const hub = await userAllowedTo("hub", ["sts:AssumeRole"]);
    installAccessDeniedAsAws();
    await enforceIam(currentMoto().endpoint);
    const dsIn = async (account: string) =>
      (await assumeInto(account, hub)).client(DirectoryServiceClient, region);
    const inA = await dsIn(accountA);
    const inB = await dsIn(accountB);
    const send = (ds: DirectoryServiceClient, account: string, servers: string[], update = false) => {
      const input = {
        DirectoryId: directoryOf(account, region).directoryId,
        RadiusSettings: radius(servers),
      };
      return ds.send(update ? new UpdateRadiusCommand(input) : new EnableRadiusCommand(input));
    };

    await send(inA, accountA, ["10.0.1.20"]);
    // The already-on rule read A's directory under enforcement (with the rig's role in A).
    await expect(send(inA, accountA, ["10.0.1.20"])).rejects.toMatchObject({
      name: "EntityAlreadyExistsException",
    });
    await send(inA, accountA, ["10.0.2.20"], true);
    // B's role allows DescribeDirectories only.
    await expect(send(inB, accountB, ["10.0.1.20"])).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining("ds:EnableRadius"),
    });

    const { DirectoryDescriptions } = await clientsIn({ account: accountA, region }).ds.send(
      new DescribeDirectoriesCommand({ DirectoryIds: [directoryOf(accountA, region).directoryId] }),
    );
    expect(DirectoryDescriptions?.[0]?.RadiusSettings?.RadiusServers).toEqual(["10.0.2.20"]);
    expect(world.updates.updates).toEqual([expect.objectContaining({ account: accountA, region })]);
    inA.destroy();
    inB.destroy();
  });
});
