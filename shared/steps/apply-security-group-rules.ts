import { ec2In } from "../aws/clients/ec2.js";
import { authorizeRadiusIngressRules, revokeRadiusIngress } from "../aws/ec2.js";
import { retryThrottled } from "../aws/throttling.js";
import type { Config } from "../config.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import { type GroupOutcome, groupOutcome, rulesToAuthorize } from "../core/group-rule-changes.js";
import { SECURITY_GROUPS_PER_STEP } from "../core/phase-steps.js";
import { nextChunk, type PhaseProgress } from "../core/phases.js";
import { targetAccess } from "../core/targets.js";
import { logger } from "../observability.js";
import type { SecurityGroupWork } from "./plan-step.js";

/** Groups one step changes; a larger phase continues in the next step (see directoriesPerStep). */
export const groupsPerStep = SECURITY_GROUPS_PER_STEP;

/** Groups changed at once: EC2 throttles bursts of mutating calls (RequestLimitExceeded). */
export const concurrentGroupChanges = 5;

export type { GroupOutcome };

/**
 * Applies one security group's planned rule changes: adds first (in one call), then removes, so a
 * moved NPS server is never without a rule longer than needed. Both directions are idempotent.
 *
 * @example
 * ```ts
 * const outcome = await applyGroupRules(work.securityGroups.groups[0], work.securityGroups);
 * ```
 */
export async function applyGroupRules(
  group: SecurityGroupWork["groups"][number],
  shared: Pick<SecurityGroupWork, "port" | "descriptions">,
  client = ec2In(undefined),
): Promise<GroupOutcome> {
  const authorized = await authorizeRadiusIngressRules(
    group.groupId,
    rulesToAuthorize(group.authorize, shared),
    client,
  );
  // One at a time, after the adds: a moved NPS server keeps a rule until its new one exists.
  const revoked: Array<"removed" | "absent"> = [];
  for (const rule of group.revoke) {
    revoked.push(await revokeRadiusIngress({ groupId: group.groupId, ...rule, description: "" }, client));
  }
  return groupOutcome(group.groupId, authorized, revoked);
}

/**
 * Applies the next chunk of the security-groups phase: up to {@link groupsPerStep} groups,
 * {@link concurrentGroupChanges} at a time, a throttled group retried. Returns `continue` while
 * groups remain, then `done` (nothing to wait for).
 *
 * @example
 * ```ts
 * const progress = await applySecurityGroupRules({ securityGroups: work.securityGroups, progress });
 * ```
 */
export async function applySecurityGroupRules(options: {
  config: Pick<Config, "targets" | "memberExternalId">;
  securityGroups: SecurityGroupWork;
  progress: PhaseProgress;
}): Promise<PhaseProgress> {
  const { securityGroups } = options;
  const { chunk, after } = nextChunk({
    items: securityGroups.groups,
    progress: options.progress,
    size: groupsPerStep,
  });
  const outcomes = await mapWithConcurrency(chunk, concurrentGroupChanges, (group) =>
    // A member target's directory group is changed there, with the member role.
    retryThrottled(() =>
      applyGroupRules(group, securityGroups, ec2In(targetAccess(options.config, group.target))),
    ),
  );
  for (const outcome of outcomes) logger.info("security group rules applied", { ...outcome });
  return after;
}
