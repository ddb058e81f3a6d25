/**
 * Reads the emulated estate back for assertions and for `npm start`'s closing tables. Test code
 * only: it may read the secret, which product code outside the directory Lambda never does.
 */
import { DescribeDirectoriesCommand, type RadiusSettings } from "@aws-sdk/client-directory-service";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { clients } from "../../shared/aws/clients.js";

/** A directory's RADIUS settings and status as moto holds them. */
export async function readDirectoryRadius(
  directoryId: string,
): Promise<{ status?: string; settings?: RadiusSettings; connectIps: string[] }> {
  const answer = await clients.ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }));
  const description = answer.DirectoryDescriptions?.[0];
  const result: { status?: string; settings?: RadiusSettings; connectIps: string[] } = {
    connectIps: description?.ConnectSettings?.ConnectIps ?? [],
  };
  if (description?.RadiusStatus) result.status = description.RadiusStatus;
  const settings = description?.RadiusSettings;
  if (settings?.RadiusServers?.length || settings?.RadiusServersIpv6?.length) result.settings = settings;
  return result;
}

/** The UDP ingress rules of a security group, one per CIDR. */
export async function readUdpRules(
  groupId: string,
): Promise<Array<{ cidr: string; fromPort?: number; toPort?: number; description?: string }>> {
  const answer = await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (answer.SecurityGroups?.[0]?.IpPermissions ?? [])
    .filter((permission) => permission.IpProtocol === "udp")
    .flatMap((permission) =>
      [
        ...(permission.IpRanges ?? []).map((range) => ({
          cidr: range.CidrIp,
          description: range.Description,
        })),
        ...(permission.Ipv6Ranges ?? []).map((range) => ({
          cidr: range.CidrIpv6,
          description: range.Description,
        })),
      ].map((range) => ({
        cidr: range.cidr ?? "",
        ...(permission.FromPort === undefined ? {} : { fromPort: permission.FromPort }),
        ...(permission.ToPort === undefined ? {} : { toPort: permission.ToPort }),
        ...(range.description === undefined ? {} : { description: range.description }),
      })),
    )
    .sort((left, right) => left.cidr.localeCompare(right.cidr));
}

/** The value and version id of the secret under a staging label. */
export async function readSecret(stage = "AWSCURRENT"): Promise<{ value: string; versionId: string }> {
  const answer = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretName(), VersionStage: stage }),
  );
  return { value: answer.SecretString ?? "", versionId: answer.VersionId ?? "" };
}

/** The secret's name in the emulated estate (the configuration default unless the environment says). */
export function secretName(): string {
  return process.env.RADIUS_SYNC_SECRET_NAME ?? "radius-sync/shared-secret";
}
