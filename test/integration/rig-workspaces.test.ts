/**
 * WorkSpaces on the rig lists `wsd-…` directories (WorkSpaces Pools, IAM Identity Center, Microsoft
 * Entra ID) beside the Directory Service ones when the seed says so, shaped as the service model
 * says, and Directory Service refuses their ids as AWS does.
 */
import { DescribeDirectoriesCommand } from "@aws-sdk/client-directory-service";
import { DescribeWorkspaceDirectoriesCommand } from "@aws-sdk/client-workspaces";
import { describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { seedEnvironment } from "../support/seed.js";

/** `DirectoryId` in botocore workspaces/2015-04-08. */
const workspacesDirectoryId = /^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)/;

const listDirectories = async (directoryIds?: string[]) =>
  (await clients.workspaces.send(new DescribeWorkspaceDirectoriesCommand({ DirectoryIds: directoryIds })))
    .Directories ?? [];

describe("the seeded WorkSpaces directories", () => {
  it("are only the AD Connector when the option is off", async () => {
    const estate = await seedEnvironment({ workspacesOnlyDirectories: false });

    expect((await listDirectories()).map((directory) => directory.DirectoryId)).toEqual([
      estate.directory.directoryId,
    ]);
    expect(estate.workspacesOnlyDirectoryIds).toEqual([]);
  });

  it("include Pools, Identity Center and Entra directories with wsd- ids when asked, shaped as the model says", async () => {
    const estate = await seedEnvironment({ workspacesOnlyDirectories: true });

    const directories = await listDirectories();

    expect(directories.map((directory) => directory.DirectoryId)).toEqual([
      estate.directory.directoryId,
      ...estate.workspacesOnlyDirectoryIds,
    ]);
    for (const directory of directories) expect(directory.DirectoryId).toMatch(workspacesDirectoryId);
    const [pools, identityCenter, entra] = directories.slice(1);
    expect(pools).toMatchObject({
      DirectoryId: expect.stringMatching(/^wsd-/),
      DirectoryType: "CUSTOMER_MANAGED",
      UserIdentityType: "CUSTOMER_MANAGED",
      WorkspaceType: "POOLS",
      State: "REGISTERED",
      SamlProperties: { Status: "ENABLED" },
    });
    expect(identityCenter).toMatchObject({
      DirectoryType: "AWS_IAM_IDENTITY_CENTER",
      UserIdentityType: "AWS_IAM_IDENTITY_CENTER",
      WorkspaceType: "PERSONAL",
      IDCConfig: { InstanceArn: expect.stringMatching(/^arn:aws:sso:::instance\//) },
    });
    expect(entra).toMatchObject({
      DirectoryType: "AWS_IAM_IDENTITY_CENTER",
      MicrosoftEntraConfig: { TenantId: expect.any(String) },
    });
    expect(directories.slice(1).map((directory) => directory.SubnetIds)).toEqual(
      Array(3).fill(estate.subnets.map((subnet) => subnet.subnetId)),
    );
  });

  it("filter by DirectoryIds across both kinds, while Directory Service refuses the wsd- ids", async () => {
    const estate = await seedEnvironment({ workspacesOnlyDirectories: true });
    const [pools = ""] = estate.workspacesOnlyDirectoryIds;

    const picked = await listDirectories([pools, estate.directory.directoryId]);

    expect(picked.map((directory) => directory.DirectoryId).sort()).toEqual(
      [estate.directory.directoryId, pools].sort(),
    );
    expect((await listDirectories([pools])).map((directory) => directory.WorkspaceType)).toEqual(["POOLS"]);
    await expect(
      clients.ds.send(
        new DescribeDirectoriesCommand({ DirectoryIds: [estate.directory.directoryId, pools] }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException", $metadata: { httpStatusCode: 400 } });
  });
});
