import type { IngressRule, RadiusSourceRule } from "./model.js";
import { isOwnedRule, isUdp } from "./naming.js";

/**
 * What discovery keeps of the security groups' inbound rules: the directory side's UDP rules from
 * IPv4 and IPv6 ranges, and the NPS side's rules that admit the RADIUS port. Pure: shared/aws/ec2.ts reads them.
 */

/** One inbound permission as EC2 lists it, per source: an IPv4 or IPv6 range, or another security group. */
export interface IngressPermission {
  /** "udp", "tcp", "icmp", "-1" (all traffic) or an IANA number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidr?: string;
  sourceGroupId?: string;
  description?: string;
}

/**
 * A directory security group's UDP rules from IPv4 and IPv6 ranges, the protocol spelled "udp": what the
 * directory-side plan compares. Rules from another security group and other protocols (all traffic
 * included) are left out.
 *
 * @example
 * ```ts
 * udpRangeRules([{ protocol: "17", fromPort: 1812, toPort: 1812, cidr: "10.0.2.7/32" }]);
 * // [{ protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.2.7/32" }]
 * ```
 */
export function udpRangeRules(permissions: readonly IngressPermission[]): IngressRule[] {
  return permissions.flatMap(({ sourceGroupId: _, cidr, ...rule }) =>
    cidr !== undefined && isUdp(rule.protocol) ? [{ ...rule, protocol: "udp", cidr }] : [],
  );
}

/**
 * Whether a permission lets UDP `port` in from its source: all traffic ("-1"), or UDP with `port`
 * inside its range; a missing bound counts as the widest (0 or 65535).
 *
 * @example
 * ```ts
 * admitsUdpPort({ protocol: "udp", fromPort: 1000, toPort: 1812 }, 1812); // true
 * admitsUdpPort({ protocol: "tcp", fromPort: 1812, toPort: 1812 }, 1812); // false
 * ```
 */
export function admitsUdpPort(permission: IngressPermission, port: number): boolean {
  if (permission.protocol === "-1") return true;
  return (
    isUdp(permission.protocol) && (permission.fromPort ?? 0) <= port && port <= (permission.toPort ?? 65535)
  );
}

/**
 * What the NPS-side plan needs of a group's rules: those that admit UDP `port`, reduced to their
 * source and whether radius-sync owns them (only a /32 or /128 range rule can be ours).
 *
 * @example
 * ```ts
 * radiusRules([{ protocol: "-1", sourceGroupId: "sg-0123456789abcdef0" }], 1812, "radius-sync");
 * // [{ sourceGroupId: "sg-0123456789abcdef0", owned: false }]
 * ```
 */
export function radiusRules(
  permissions: readonly IngressPermission[],
  port: number,
  namePrefix: string,
): RadiusSourceRule[] {
  return permissions
    .filter((rule) => admitsUdpPort(rule, port))
    .map((rule) => ({
      ...(rule.cidr === undefined ? {} : { cidr: rule.cidr }),
      ...(rule.sourceGroupId === undefined ? {} : { sourceGroupId: rule.sourceGroupId }),
      owned: rule.cidr !== undefined && isOwnedRule(namePrefix, { ...rule, cidr: rule.cidr }),
    }));
}
