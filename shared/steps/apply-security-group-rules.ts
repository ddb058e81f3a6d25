import { authorizeRadiusIngressRules, revokeRadiusIngress } from "../aws/ec2.js";
import type { Work } from "./plan-step.js";

/**
 * Applies one security group's planned rule changes: adds first (in one call), then removes, so a
 * moved NPS server is never without a rule longer than needed. Both directions are idempotent.
 *
 * @example
 * ```ts
 * const result = await applySecurityGroupRules(work.securityGroups[0]);
 * ```
 */
export async function applySecurityGroupRules(group: Work["securityGroups"][number]): Promise<{
  groupId: string;
  added: number;
  alreadyPresent: number;
  removed: number;
  alreadyAbsent: number;
}> {
  const result = { groupId: group.groupId, added: 0, alreadyPresent: 0, removed: 0, alreadyAbsent: 0 };
  const authorized = await authorizeRadiusIngressRules(group.groupId, group.authorize);
  result.added = authorized.added;
  result.alreadyPresent = authorized.existed;
  for (const rule of group.revoke) {
    const outcome = await revokeRadiusIngress({ groupId: group.groupId, ...rule });
    if (outcome === "removed") result.removed += 1;
    else result.alreadyAbsent += 1;
  }
  return result;
}
