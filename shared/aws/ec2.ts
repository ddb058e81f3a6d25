import {
  AuthorizeSecurityGroupIngressCommand,
  type Instance,
  type IpPermission,
  paginateDescribeInstances,
  paginateDescribeSecurityGroups,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import type { IngressPermission } from "../core/ingress-rules.js";
import { canonicalIpv6 } from "../core/ipv6.js";
import { asWorkflowError, awsErrorName } from "./aws-errors.js";
import * as clients from "./clients/ec2.js";

export type { IngressPermission };

/**
 * Reads every inbound permission of each security group, one entry per IPv4 range, per IPv6 range
 * (`Ipv6Ranges[].CidrIpv6`, botocore ec2/2016-11-15 `Ipv6Range`) and per source group (prefix lists
 * never carry RADIUS from a directory's addresses).
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
          for (const range of permission.Ipv6Ranges ?? []) {
            if (range.CidrIpv6)
              entries.push({
                ...base,
                cidr: range.CidrIpv6,
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

/** What discovery reads of the NPS servers' EC2 instances, by instance id. */
export interface InstanceNetworks {
  /** The security groups of each instance (every network interface's). */
  groups: Map<string, string[]>;
  /** Each instance's IPv6 address, for those that have one (see {@link primaryIpv6Address}). */
  ipv6Addresses: Map<string, string>;
}

/**
 * The IPv6 address an NPS server is reached at: on its primary network interface (device index 0),
 * the address EC2 marks `IsPrimaryIpv6`, else the first the interface lists (botocore ec2/2016-11-15
 * `InstanceNetworkInterface.Ipv6Addresses`, `InstanceIpv6Address.IsPrimaryIpv6`). Like the IPv4 address
 * SSM reports, one per server.
 */
function primaryIpv6Address(instance: Instance): string | undefined {
  const primary = (instance.NetworkInterfaces ?? []).find(
    (networkInterface) => networkInterface.Attachment?.DeviceIndex === 0,
  );
  const addresses = (primary?.Ipv6Addresses ?? []).filter((address) => address.Ipv6Address);
  return (addresses.find((address) => address.IsPrimaryIpv6) ?? addresses[0])?.Ipv6Address;
}

/**
 * The security groups (every network interface's) and IPv6 address of each EC2 instance, by instance
 * id, in one DescribeInstances. Hybrid managed nodes (`mi-…`) are no EC2 instances and are not asked for.
 *
 * @example
 * ```ts
 * const { groups, ipv6Addresses } = await describeInstanceNetworks(["i-0123456789abcdef0"]);
 * groups.get("i-0123456789abcdef0"); // ["sg-0123456789abcdef0"]
 * ipv6Addresses.get("i-0123456789abcdef0"); // "2001:db8:0:1::10" (RFC 5952 form)
 * ```
 */
export async function describeInstanceNetworks(
  instanceIds: string[],
  client = clients.ec2,
): Promise<InstanceNetworks> {
  const groups = new Map<string, string[]>();
  const ipv6Addresses = new Map<string, string>();
  const ids = instanceIds.filter((id) => id.startsWith("i-"));
  if (ids.length === 0) return { groups, ipv6Addresses };
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
        const ipv6 = primaryIpv6Address(instance);
        // RFC 5952 form, so one address is one string; text that is none stays for the planner to name.
        if (ipv6 !== undefined) ipv6Addresses.set(instance.InstanceId, canonicalIpv6(ipv6) ?? ipv6);
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "DescribeInstances");
  }
  return { groups, ipv6Addresses };
}

/** The permission's range field for a host range: `IpRanges` for IPv4, `Ipv6Ranges` for IPv6. */
function rangeOf(cidr: string, description?: string): Pick<IpPermission, "IpRanges" | "Ipv6Ranges"> {
  const withDescription = description === undefined ? {} : { Description: description };
  return cidr.includes(":")
    ? { Ipv6Ranges: [{ CidrIpv6: cidr, ...withDescription }] }
    : { IpRanges: [{ CidrIp: cidr, ...withDescription }] };
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
            ...rangeOf(rule.cidr, rule.description),
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
        IpPermissions: [{ IpProtocol: "udp", FromPort: rule.port, ToPort: rule.port, ...rangeOf(rule.cidr) }],
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
          ...rangeOf(rule.cidr, rule.description),
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
