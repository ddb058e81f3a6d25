import { assertNever } from "./assert-never.js";
import type {
  DirectoryAction,
  NpsServerAction,
  Plan,
  PlanProblem,
  SecretAction,
  SecurityGroupRuleAction,
} from "./plan-schema.js";

/** One line for the secret step. */
export function describeSecretAction(secret: SecretAction): string {
  switch (secret.action) {
    case "create":
      return `create secret ${secret.name}: ${secret.reason}`;
    case "keep":
      return `keep secret version ${secret.versionId}: ${secret.reason}`;
    default:
      return assertNever(secret);
  }
}

/** One line for a security-group rule action. */
export function describeRuleAction(rule: SecurityGroupRuleAction): string {
  const owner =
    rule.instanceId === undefined
      ? `directory ${rule.directoryId}`
      : `NPS server ${rule.instanceId}, for directory ${rule.directoryId}`;
  const what = `UDP ${rule.port} from ${rule.cidr} in ${rule.groupId} (${owner})`;
  switch (rule.action) {
    case "authorize":
      return `authorize ${what}: ${rule.reason}`;
    case "revoke":
      return `revoke ${what}: ${rule.reason}`;
    default:
      return assertNever(rule.action);
  }
}

/** One line for an NPS server. */
export function describeNpsServerAction(server: NpsServerAction): string {
  const subject = `NPS server ${server.instanceId} (${server.ipAddress})`;
  switch (server.action) {
    case "push": {
      const { create, update, remove } = server.clientChanges;
      const counts = `clients +${create.length} ~${update.length} -${remove.length}`;
      return `push to ${subject}, ${counts}: ${server.reason}`;
    }
    case "none":
      return `no change to ${subject}: ${server.reason}`;
    default:
      return assertNever(server.action);
  }
}

/** One line for a directory. */
export function describeDirectoryAction(directory: DirectoryAction): string {
  switch (directory.action) {
    case "enable":
      return `enable RADIUS on ${directory.directoryId}: ${directory.reason}`;
    case "update":
      return `update RADIUS on ${directory.directoryId}: ${directory.reason}`;
    case "none":
      return `no change to ${directory.directoryId}: ${directory.reason}`;
    default:
      return assertNever(directory.action);
  }
}

/** One line for a problem. */
export function describeProblem(problem: PlanProblem): string {
  return `problem ${problem.error} (${problem.subject}): ${problem.message}`;
}

/**
 * The plan as readable lines: one per action, problem and note, in the order the
 * workflow applies them.
 *
 * @example
 * ```ts
 * summarisePlan(plan); // ["keep secret version v1: …", "push to NPS server i-… (10.0.2.7), clients +2 ~0 -0: …", …]
 * ```
 */
export function summarisePlan(plan: Omit<Plan, "summary" | "changeCount">): string[] {
  return [
    describeSecretAction(plan.secret),
    ...plan.securityGroupRules.map(describeRuleAction),
    ...plan.npsServers.map(describeNpsServerAction),
    ...plan.directories.map(describeDirectoryAction),
    ...plan.problems.map(describeProblem),
    ...plan.notes.map((note) => `note: ${note}`),
  ];
}
