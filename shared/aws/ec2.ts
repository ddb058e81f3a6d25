import {
  AuthorizeSecurityGroupIngressCommand,
  paginateDescribeInstances,
  paginateDescribeSecurityGroups,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import type { IngressPermission } from "../core/ingress-rules.js";
import { asWorkflowError, awsErrorName } from "./aws-errors.js";
import * as clients from "./clients/ec2.js";

export type { IngressPermission };

/**
 * Reads every inbound permission of each security group, one entry per IPv4 range and per source
 * group (IPv6 ranges and prefix lists never carry RADIUS from a directory's IPv4 addresses).
 *
 * @example
 * ```ts
 * const permissions = await describeIngressPermissions(["sg-0123456789abcdef0"]);
 * ```
 */
export async function describeIngressPermissions(
  groupIds: string[],
  client = clients.ec2,
): Promise<Map<string, IngressPermission[]>> {
  const permissions = new Map<string, IngressPermission[]>(groupIds.map((groupId) => [groupId, []]));
  if (groupIds.length === 0) return permissions;
  try {
    for await (const page of paginateDescribeSecurityGroups({ client }, { GroupIds: groupIds })) {
      for (const group of page.SecurityGroups ?? []) {
        const entries = permissions.get(group.GroupId ?? "") ?? [];
        for (const permission of group.IpPermissions ?? []) {
          const base: IngressPermission = { protocol: permission.IpProtocol ?? "-1" };
          if (permission.FromPort !== undefined) base.fromPort = permission.FromPort;
          if (permission.ToPort !== undefined) base.toPort = permission.ToPort;
          for (const range of permission.IpRanges ?? []) {
            if (range.CidrIp)
              entries.push({
                ...base,
                cidr: range.CidrIp,
                ...(range.Description ? { description: range.Description } : {}),
              });
          }
          for (const pair of permission.UserIdGroupPairs ?? []) {
            if (pair.GroupId)
              entries.push({
                ...base,
                sourceGroupId: pair.GroupId,
                ...(pair.Description ? { description: pair.Description } : {}),
              });
          }
        }
        permissions.set(group.GroupId ?? "", entries);
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "DescribeSecurityGroups");
  }
  return permissions;
}

/**
 * The security groups of each EC2 instance (every network interface's), by instance id. Hybrid
 * managed nodes (`mi-…`) are no EC2 instances and are not asked for.
 *
 * @example
 * ```ts
 * const groups = await describeInstanceSecurityGroups(["i-0123456789abcdef0"]);
 * groups.get("i-0123456789abcdef0"); // ["sg-0123456789abcdef0"]
 * ```
 */
export async function describeInstanceSecurityGroups(
  instanceIds: string[],
  client = clients.ec2,
): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>();
  const ids = instanceIds.filter((id) => id.startsWith("i-"));
  if (ids.length === 0) return groups;
  try {
    for await (const page of paginateDescribeInstances({ client }, { InstanceIds: ids })) {
      for (const instance of (page.Reservations ?? []).flatMap(
        (reservation) => reservation.Instances ?? [],
      )) {
        if (!instance.InstanceId) continue;
        const fromInterfaces = (instance.NetworkInterfaces ?? []).flatMap((networkInterface) =>
          (networkInterface.Groups ?? []).map((group) => group.GroupId ?? ""),
        );
        const attached = (instance.SecurityGroups ?? []).map((group) => group.GroupId ?? "");
        groups.set(instance.InstanceId, [...new Set([...attached, ...fromInterfaces])].filter(Boolean));
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "DescribeInstances");
  }
  return groups;
}

/** One UDP rule radius-sync owns. */
export interface RadiusIngressRule {
  groupId: string;
  cidr: string;
  port: number;
  description: string;
}

/**
 * Allows UDP `port` from `cidr` into the group. A rule that already exists counts as success,
 * so re-running is safe.
 *
 * @example
 * ```ts
 * await authorizeRadiusIngress({ groupId, cidr: "10.0.1.10/32", port: 1812, description: "radius-sync: …" });
 * ```
 */
export async function authorizeRadiusIngress(
  rule: RadiusIngressRule,
  client = clients.ec2,
): Promise<"added" | "existed"> {
  try {
    await client.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: rule.groupId,
        IpPermissions: [
          {
            IpProtocol: "udp",
            FromPort: rule.port,
            ToPort: rule.port,
            IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }],
          },
        ],
      }),
    );
    return "added";
  } catch (error) {
    if (awsErrorName(error) === "InvalidPermission.Duplicate") return "existed";
    throw asWorkflowError(error, "AuthorizeSecurityGroupIngress");
  }
}

/**
 * Removes the UDP `port` rule for `cidr`. A rule that is already gone counts as success, and is
 * reported as `absent`: in a non-default VPC EC2 refuses it with `InvalidPermission.NotFound`; in a
 * default VPC it answers success and lists the rule in `UnknownIpPermissions` instead (botocore
 * ec2/2016-11-15 RevokeSecurityGroupIngress: "For a default VPC, if the values you specify do not
 * match the existing rule's values, no error is returned, and the output describes the security group
 * rules that were not revoked"), which is not a removal either.
 *
 * @example
 * ```ts
 * await revokeRadiusIngress({ groupId, cidr: "10.0.1.10/32", port: 1812, description: "radius-sync: …" });
 * ```
 */
export async function revokeRadiusIngress(
  rule: RadiusIngressRule,
  client = clients.ec2,
): Promise<"removed" | "absent"> {
  try {
    const answer = await client.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: rule.groupId,
        IpPermissions: [
          { IpProtocol: "udp", FromPort: rule.port, ToPort: rule.port, IpRanges: [{ CidrIp: rule.cidr }] },
        ],
      }),
    );
    // One rule per call: anything EC2 did not know is that rule.
    return (answer.UnknownIpPermissions ?? []).length > 0 ? "absent" : "removed";
  } catch (error) {
    if (awsErrorName(error) === "InvalidPermission.NotFound") return "absent";
    throw asWorkflowError(error, "RevokeSecurityGroupIngress");
  }
}

/**
 * Allows several UDP rules into one group with a single call (one call per group, not per rule).
 * When any of them already exists EC2 refuses the whole call, so it falls back to one call per rule,
 * where a duplicate counts as success.
 *
 * @example
 * ```ts
 * await authorizeRadiusIngressRules("sg-0123456789abcdef0", [{ cidr: "10.0.1.10/32", port: 1812, description }]);
 * ```
 */
export async function authorizeRadiusIngressRules(
  groupId: string,
  rules: Array<Omit<RadiusIngressRule, "groupId">>,
  client = clients.ec2,
): Promise<{ added: number; existed: number }> {
  if (rules.length === 0) return { added: 0, existed: 0 };
  try {
    await client.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: rules.map((rule) => ({
          IpProtocol: "udp",
          FromPort: rule.port,
          ToPort: rule.port,
          IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }],
        })),
      }),
    );
    return { added: rules.length, existed: 0 };
  } catch (error) {
    if (awsErrorName(error) !== "InvalidPermission.Duplicate")
      throw asWorkflowError(error, "AuthorizeSecurityGroupIngress");
  }
  const outcome = { added: 0, existed: 0 };
  for (const rule of rules) {
    const result = await authorizeRadiusIngress({ groupId, ...rule }, client);
    outcome[result === "added" ? "added" : "existed"] += 1;
  }
  return outcome;
}
