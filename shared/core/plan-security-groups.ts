import type { EligibleNpsServer } from "./eligibility.js";
import type { DiscoveredDirectory, IngressRule } from "./model.js";
import { comparableCidr, hostCidr, isOwnedRule, ruleAllows, securityGroupRuleDescription } from "./naming.js";
import { compareText } from "./ordering.js";
import type { SecurityGroupRuleAction } from "./plan-schema.js";
import { networkTypeOf, usesIpv4, usesIpv6 } from "./radius-servers.js";

/** The security-group rule actions, plus notes on rules someone else already provides. */
export interface SecurityGroupRulePlan {
  rules: SecurityGroupRuleAction[];
  notes: string[];
}

interface DesiredSource {
  instanceId: string;
  ip: string;
  cidr: string;
}

/**
 * One source per distinct NPS address of the families a directory uses (its IPv4 /32s; its IPv6
 * /128s for a Dual-stack or IPv6 directory); with two servers on one address, the first instance id
 * wins.
 */
function desiredSources(
  npsServers: readonly EligibleNpsServer[],
  families: { ipv4: boolean; ipv6: boolean },
): DesiredSource[] {
  const byCidr = new Map<string, DesiredSource>();
  const add = (instanceId: string, ip: string) => {
    const cidr = hostCidr(ip);
    if (!byCidr.has(cidr)) byCidr.set(cidr, { instanceId, ip, cidr });
  };
  for (const server of npsServers) {
    if (families.ipv4) add(server.instanceId, server.ipAddress);
    if (families.ipv6 && server.ipv6Address !== undefined) add(server.instanceId, server.ipv6Address);
  }
  return [...byCidr.values()];
}

function ruleKey(rule: IngressRule): string {
  return JSON.stringify([rule.cidr, rule.protocol, rule.fromPort, rule.toPort, rule.description]);
}

function describeRule(rule: IngressRule): string {
  const ports = rule.protocol === "-1" ? "all traffic" : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
  return `${ports} from ${rule.cidr} (${rule.description ? JSON.stringify(rule.description) : "no description"})`;
}

function revokeReason(
  rule: IngressRule,
  port: number,
  wanted: ReadonlySet<string>,
  directoryId: string,
): string {
  if (!wanted.has(rule.cidr)) {
    return `no usable NPS server has address ${rule.cidr} any more, so directory ${directoryId} need not allow it`;
  }
  return `the rule allows UDP ${rule.fromPort} but RADIUS now uses port ${port}`;
}

/**
 * Plans the directory security groups: each eligible directory's group allows UDP
 * `port` from every eligible NPS server's address — its IPv4 /32, and for a Dual-stack or IPv6
 * directory its IPv6 /128 (an IPv6 directory only the /128). Missing rules are authorized
 * (unless a rule radius-sync does not own already allows exactly that); rules
 * radius-sync owns that are no longer wanted are revoked. Rules not owned are never
 * planned.
 *
 * @example
 * ```ts
 * const { rules } = planSecurityGroupRules({ namePrefix: "radius-sync", port: 1812, directories, npsServers });
 * rules[0]; // { action: "authorize", cidr: "10.0.2.7/32", port: 1812, reason: "NPS server i-… may not …" , … }
 * ```
 */
export function planSecurityGroupRules(options: {
  namePrefix: string;
  port: number;
  directories: readonly DiscoveredDirectory[];
  npsServers: readonly EligibleNpsServer[];
}): SecurityGroupRulePlan {
  const { namePrefix, port } = options;
  const rules: SecurityGroupRuleAction[] = [];
  const notes: string[] = [];
  for (const directory of options.directories) {
    const { directoryId, securityGroupId: groupId } = directory;
    if (groupId === undefined) continue;
    const networkType = networkTypeOf(directory.networkType);
    const sources = desiredSources(options.npsServers, {
      ipv4: usesIpv4(networkType),
      ipv6: usesIpv6(networkType),
    });
    const wanted = new Set(sources.map((source) => source.cidr));
    // Sorted so the plan does not depend on the order EC2 happens to list rules in; IPv6 ranges in
    // their RFC 5952 form, so one address is one range whatever EC2 wrote.
    const existing = directory.udpIngressRules
      .map((rule) => ({ ...rule, cidr: comparableCidr(rule.cidr) }))
      .sort((left, right) => compareText(ruleKey(left), ruleKey(right)));
    const owned = existing.filter((rule) => isOwnedRule(namePrefix, rule));
    const base = {
      directoryId,
      ...(directory.target === undefined ? {} : { target: directory.target }),
      groupId,
      protocol: "udp" as const,
      port,
    };
    for (const source of sources) {
      if (owned.some((rule) => rule.fromPort === port && rule.cidr === source.cidr)) continue;
      // Only a rule radius-sync does not own can be left: one of ours that allows exactly this port
      // from this address is the one just looked for.
      const allowing = existing.find((rule) => ruleAllows(rule, port, source.cidr));
      if (allowing) {
        notes.push(
          `security group ${groupId} of directory ${directoryId} already allows UDP ${port} from ${source.cidr} ` +
            `through a rule radius-sync does not own (${describeRule(allowing)}), so none is added`,
        );
        continue;
      }
      rules.push({
        ...base,
        action: "authorize",
        cidr: source.cidr,
        description: securityGroupRuleDescription(namePrefix, source.instanceId),
        reason:
          `NPS server ${source.instanceId} (${source.ip}) may not yet exchange RADIUS (UDP ${port}) with ` +
          `directory ${directoryId}: security group ${groupId} has no rule for ${source.cidr}`,
      });
    }
    const revoked = new Set<string>();
    for (const rule of owned) {
      const key = `${rule.fromPort} ${rule.cidr}`;
      if ((rule.fromPort === port && wanted.has(rule.cidr)) || revoked.has(key)) continue;
      revoked.add(key);
      rules.push({
        ...base,
        action: "revoke",
        port: rule.fromPort,
        cidr: rule.cidr,
        description: rule.description,
        reason: revokeReason(rule, port, wanted, directoryId),
      });
    }
  }
  return { rules, notes };
}
