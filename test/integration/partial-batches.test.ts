/**
 * Calls whose batch or answer is partial on AWS (issue 21): DescribeDirectories with one deleted id
 * among `DirectoryIds`, RevokeSecurityGroupIngress of a rule that is not there, and ListCommands'
 * `InvokedAfter` filter. moto fails DescribeDirectories as AWS does; the rig answers the other two as
 * AWS does (`test/support/rig/ec2-rules.ts`, `ssm-rules.ts`, each citing its source). The product reads
 * each answer for what it is.
 */
import {
  DeleteDirectoryCommand,
  DescribeDirectoriesCommand,
  DirectoryServiceClient,
} from "@aws-sdk/client-directory-service";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeVpcsCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { ListCommandsCommand } from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { describeRadiusTargets } from "../../shared/aws/directory-service.js";
import { revokeRadiusIngress } from "../../shared/aws/ec2.js";
import { findCommandsByComment } from "../../shared/aws/ssm.js";
import { getConfig } from "../../shared/config.js";
import { discoverEstate } from "../../shared/steps/discover-estate.js";
import { installInstanceInformationDouble, recordApiCalls } from "../support/doubles/index.js";
import { installInterceptor } from "../support/doubles/registry.js";
import { rigClient } from "../support/rig/rig-clients.js";
import {
  addSecondDirectory,
  type SeededDirectory,
  type SeededEstate,
  seedEnvironment,
} from "../support/seed.js";

let estate: SeededEstate;
beforeEach(async () => {
  estate = await seedEnvironment();
});

/** Deletes a directory in moto behind WorkSpaces' back, as a directory deleted since it was listed. */
async function deleteBehindWorkSpaces(directory: SeededDirectory): Promise<void> {
  await rigClient(DirectoryServiceClient).send(
    new DeleteDirectoryCommand({ DirectoryId: directory.directoryId }),
  );
}

describe("DescribeDirectories with a deleted directory among the ids", () => {
  it("fails the whole call with EntityDoesNotExistException naming the deleted id (moto, as AWS)", async () => {
    const branch = await addSecondDirectory(estate);
    await deleteBehindWorkSpaces(branch);

    const describing = clients.ds.send(
      new DescribeDirectoriesCommand({ DirectoryIds: [estate.directory.directoryId, branch.directoryId] }),
    );

    await expect(describing).rejects.toMatchObject({
      name: "EntityDoesNotExistException",
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining(branch.directoryId),
    });
  });

  it("describes the other directories and leaves the deleted one out, splitting the failed batch", async () => {
    const branch = await addSecondDirectory(estate);
    const third = await addSecondDirectory(estate);
    await deleteBehindWorkSpaces(branch);
    const calls = recordApiCalls();

    const views = await describeRadiusTargets([
      estate.directory.directoryId,
      branch.directoryId,
      third.directoryId,
    ]);

    expect(views.map((view) => view.directoryId).sort()).toEqual(
      [estate.directory.directoryId, third.directoryId].sort(),
    );
    // The batch of 3 fails, then [first, branch] fails and splits into two singles, then [third]: 5 calls.
    const batches = calls.callsTo("DescribeDirectories").map((call) => call.input.DirectoryIds);
    expect(batches).toEqual([
      [estate.directory.directoryId, branch.directoryId, third.directoryId],
      [estate.directory.directoryId, branch.directoryId],
      [estate.directory.directoryId],
      [branch.directoryId],
      [third.directoryId],
    ]);
  });

  it("lets discovery plan the others and name the deleted directory, or report it missing when asked for", async () => {
    // A directory WorkSpaces still lists after Directory Service deleted it; moto cannot hold that
    // state (its DescribeWorkspaceDirectories fails once the Directory Service directory is gone).
    const deleted = "d-0000dead00";
    installInstanceInformationDouble();
    installInterceptor(
      { service: "workspaces", operation: "DescribeWorkspaceDirectories" },
      "test:workspaces-lists-a-deleted-directory",
      async (_call, next) => {
        const reply = await next();
        const listed = (reply.output.Directories ?? []) as Array<Record<string, unknown>>;
        reply.output.Directories = [...listed, { ...listed[0], DirectoryId: deleted }];
        return reply;
      },
    );

    const everything = await discoverEstate({ config: getConfig() });
    const asked = await discoverEstate({ config: getConfig(), requestedDirectoryIds: [deleted] });

    expect(everything.directories.map((directory) => directory.directoryId)).toEqual([
      estate.directory.directoryId,
    ]);
    expect(everything.skippedDirectories).toContainEqual({
      directoryId: deleted,
      reason: expect.stringContaining("Directory Service does not know it"),
    });
    expect(everything.missingDirectoryIds).toEqual([]);
    expect(asked.missingDirectoryIds).toEqual([deleted]);
    expect(asked.skippedDirectories.map((skipped) => skipped.directoryId)).not.toContain(deleted);
  });
});

async function defaultVpcGroup(): Promise<string> {
  const { Vpcs = [] } = await clients.ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }),
  );
  const vpcId = Vpcs[0]?.VpcId;
  if (!vpcId) throw new Error("moto has no default VPC in this region");
  const { GroupId } = await clients.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: "default-vpc-directory", Description: "test", VpcId: vpcId }),
  );
  return GroupId ?? "";
}

const udpRule = (cidr: string) => ({
  IpProtocol: "udp",
  FromPort: 1812,
  ToPort: 1812,
  IpRanges: [{ CidrIp: cidr }],
});

describe("RevokeSecurityGroupIngress of a rule that is not there", () => {
  it("answers success with UnknownIpPermissions in a default VPC, revoking the rules that exist", async () => {
    const groupId = await defaultVpcGroup();
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [udpRule("10.0.1.5/32")] }),
    );

    const answer = await clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [udpRule("10.0.1.5/32"), udpRule("10.0.1.6/32")],
      }),
    );
    const again = await clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [udpRule("10.0.1.5/32")] }),
    );

    expect(answer.Return).toBe(true);
    expect(answer.UnknownIpPermissions).toEqual([
      { IpProtocol: "udp", FromPort: 1812, ToPort: 1812, IpRanges: [{ CidrIp: "10.0.1.6/32" }] },
    ]);
    // The rule that existed is gone: revoking it again lists it as unknown too.
    expect(again.UnknownIpPermissions).toEqual([udpRule("10.0.1.5/32")]);
  });

  it("reads an UnknownIpPermissions answer as absent, not removed, in a default VPC", async () => {
    const groupId = await defaultVpcGroup();
    const rule = { groupId, cidr: "10.0.1.5/32", port: 1812, description: "radius-sync: test" };
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [udpRule(rule.cidr)] }),
    );

    const first = await revokeRadiusIngress(rule);
    const second = await revokeRadiusIngress(rule);

    expect([first, second]).toEqual(["removed", "absent"]);
  });

  it("keeps InvalidPermission.NotFound in a non-default VPC, which the adapter reads as absent too", async () => {
    const groupId = estate.directory.securityGroupId;
    const rule = { groupId, cidr: "10.0.1.77/32", port: 1812, description: "radius-sync: test" };

    const refused = clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [udpRule(rule.cidr)] }),
    );

    await expect(refused).rejects.toMatchObject({ name: "InvalidPermission.NotFound" });
    await expect(revokeRadiusIngress(rule)).resolves.toBe("absent");
  });
});

describe("ListCommands' InvokedAfter filter", () => {
  it("is refused on the rig in any form but the documented one (whole seconds, UTC)", async () => {
    const withMilliseconds = clients.ssm.send(
      new ListCommandsCommand({ Filters: [{ key: "InvokedAfter", value: "2026-01-10T12:00:00.000Z" }] }),
    );
    const documented = clients.ssm.send(
      new ListCommandsCommand({ Filters: [{ key: "InvokedAfter", value: "2026-01-10T12:00:00Z" }] }),
    );

    await expect(withMilliseconds).rejects.toMatchObject({ name: "InvalidFilterValue" });
    await expect(documented).resolves.toMatchObject({ Commands: expect.any(Array) });
  });

  it("is sent by the adapter in the documented form, rounded down to the second", async () => {
    const calls = recordApiCalls();

    await findCommandsByComment({
      documentName: "radius-sync-nps",
      comment: "radius-sync token",
      invokedAfter: "2026-01-10T12:00:00.987Z",
    });

    const [listing] = calls.callsTo("ListCommands");
    expect(listing?.input.Filters).toContainEqual({ key: "InvokedAfter", value: "2026-01-10T12:00:00Z" });
  });
});
