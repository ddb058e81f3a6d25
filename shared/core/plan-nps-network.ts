import type { EligibleNpsServer } from "./eligibility.js";
import { readIpv6 } from "./ipv6.js";
import type { DiscoveredDirectory, NpsSecurityGroup } from "./model.js";
import { comparableCidr, hostCidr, isIpv4 } from "./naming.js";
import { compareText } from "./ordering.js";
import type { PlanProblem, SecurityGroupRuleAction } from "./plan-schema.js";

/** The NPS-side rule actions, the blocked paths, and what could not be checked. */
export interface NpsNetworkPlan {
  rules: SecurityGroupRuleAction[];
  problems: PlanProblem[];
  notes: string[];
}

/** A dotted quad's 32-bit unsigned value (the caller has checked it is one). */
function toNumber(ip: string): number {
  return ip.split(".").reduce((total, part) => total * 256 + Number(part), 0);
}

/** An IPv4 range as EC2 writes it: an address, a slash, a prefix length of 0 to 32 without a leading zero. */
const CIDR = /^([^/]+)\/([0-9]|[12][0-9]|3[0-2])$/;

/** An IPv6 range: an address, a slash, a prefix length of 0 to 128 without a leading zero. */
const CIDR_IPV6 = /^([^/]+)\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/;

/**
 * Whether an IPv4 range contains an IPv4 address, or an IPv6 range an IPv6 address (any textual
 * form); false for anything that is not a range and an address of the same family.
 *
 * @example
 * ```ts
 * cidrContains("10.0.0.0/16", "10.0.1.5"); // true
 * cidrContains("2001:db8:0:1::/64", "2001:db8:0:1::a05"); // true
 * ```
 */
export function cidrContains(cidr: string, ip: string): boolean {
  if (cidr.includes(":")) return ipv6CidrContains(cidr, ip);
  const match = CIDR.exec(cidr);
  const base = match?.[1];
  if (base === undefined || !isIpv4(base) || !isIpv4(ip)) return false;
  const size = 2 ** (32 - Number(match?.[2]));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
}

function ipv6CidrContains(cidr: string, ip: string): boolean {
  const match = CIDR_IPV6.exec(cidr);
  const base = match?.[1] === undefined ? undefined : readIpv6(match[1]);
  const address = readIpv6(ip);
  // ::/0 holds every address, though readIpv6 refuses :: itself as a source.
  if (match?.[1] === "::" && match[2] === "0") return address.ok;
  if (base === undefined || !base.ok || !address.ok) return false;
  const shift = BigInt(128 - Number(match?.[2]));
  return base.value >> shift === address.value >> shift;
}

/** Whether some rule of the server's groups admits the directory's source address. */
function admits(groups: readonly NpsSecurityGroup[], directory: DiscoveredDirectory, ip: string): boolean {
  return groups.some((group) =>
    group.radiusRules.some(
      (rule) =>
        (rule.cidr !== undefined && cidrContains(rule.cidr, ip)) ||
        (rule.sourceGroupId !== undefined && rule.sourceGroupId === directory.securityGroupId),
    ),
  );
}

/**
 * The NPS side of the network path: every RADIUS source IP of every directory must reach every NPS
 * server on UDP `port`, through one of the server's security groups (a rule from a range holding the
 * IP, or from the directory's own security group). A missing rule is a plan problem naming the
 * server, its groups and the rule to add; with `manage`, radius-sync adds the rule itself to the
 * server's first security group (by id), marked ours, and removes rules it made for addresses no
 * directory sends from any more. Nodes that are no EC2 instance are noted, not checked.
 *
 * @example
 * ```ts
 * planNpsNetworkPaths({ namePrefix: "radius-sync", port: 1812, manage: false, directories, npsServers }).problems[0];
 * // { error: "NpsNetworkPathBlocked", subject: "i-…", message: "NPS server i-… … does not admit UDP 1812 from 10.0.1.5 …" }
 * ```
 */
export function planNpsNetworkPaths(options: {
  namePrefix: string;
  port: number;
  manage: boolean;
  directories: readonly DiscoveredDirectory[];
  npsServers: readonly EligibleNpsServer[];
}): NpsNetworkPlan {
  const { namePrefix, port } = options;
  const plan: NpsNetworkPlan = { rules: [], problems: [], notes: [] };
  const sources = options.directories.flatMap((directory) =>
    [...new Set(directory.radiusSourceIps)].sort(compareText).map((ip) => ({ directory, ip })),
  );
  const wanted = new Set(sources.map(({ ip }) => hostCidr(ip)));
  const planned = new Set<string>();
  for (const server of options.npsServers) {
    const { instanceId } = server;
    if (server.securityGroups === undefined) {
      plan.notes.push(
        `NPS server ${instanceId} is no EC2 instance: its network path for RADIUS is not checked`,
      );
      continue;
    }
    const groups = [...server.securityGroups].sort((left, right) => compareText(left.groupId, right.groupId));
    const managed = groups[0]?.groupId;
    const missing = sources.filter(({ directory, ip }) => !admits(groups, directory, ip));
    if (options.manage && managed !== undefined) {
      for (const { directory, ip } of missing) {
        const key = `${managed} ${ip}`;
        if (planned.has(key)) continue;
        planned.add(key);
        plan.rules.push({
          action: "authorize",
          directoryId: directory.directoryId,
          groupId: managed,
          instanceId,
          protocol: "udp",
          port,
          cidr: hostCidr(ip),
          description: `${namePrefix}: RADIUS from directory ${directory.directoryId}`,
          reason: `NPS server ${instanceId}'s security groups do not admit UDP ${port} from ${ip} (directory ${directory.directoryId})`,
        });
      }
    } else if (missing.length > 0) {
      const names = groups.map((group) => group.groupId).join(", ") || "none";
      const rules = missing.map(
        ({ directory, ip }) => `UDP ${port} from ${hostCidr(ip)} (directory ${directory.directoryId})`,
      );
      plan.problems.push({
        error: "NpsNetworkPathBlocked",
        subject: instanceId,
        message:
          `NPS server ${instanceId} (security groups ${names}) does not admit RADIUS from every directory source: ` +
          `add the inbound rule(s) ${rules.join(", ")} to ${managed ?? "one of its security groups"}, ` +
          "or set manageNpsSecurityGroup to let radius-sync add them",
      });
    }
    // A revoke is filed under a directory, as every rule action is; with no directory left there is
    // nothing to file it under, and the rule stays until one is managed again.
    const owner = sources[0]?.directory.directoryId;
    if (!options.manage || owner === undefined) continue;
    for (const group of groups) {
      for (const rule of group.radiusRules) {
        if (!rule.owned || rule.cidr === undefined || wanted.has(comparableCidr(rule.cidr))) continue;
        const key = `${group.groupId} revoke ${rule.cidr}`;
        if (planned.has(key)) continue;
        planned.add(key);
        plan.rules.push({
          action: "revoke",
          directoryId: owner,
          groupId: group.groupId,
          instanceId,
          protocol: "udp",
          port,
          cidr: rule.cidr,
          description: "",
          reason: `no managed directory sends RADIUS from ${rule.cidr} any more, so NPS server ${instanceId} need not admit it`,
        });
      }
    }
  }
  return plan;
}
