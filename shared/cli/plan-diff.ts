import { assertNever } from "../core/assert-never.js";
import type { DirectoryAction, NpsServerAction, Plan, SecurityGroupRuleAction } from "../core/plan-schema.js";

/**
 * Renders a plan as a diff people can review: `+` adds, `-` removes, `~` changes, two spaces for
 * what stays, grouped by side (secret, security groups, NPS servers, directories), each line with
 * its reason. Problems (`!`) and notes follow.
 */

function secretLines(secret: Plan["secret"]): string[] {
  switch (secret.action) {
    case "create":
      return [`  + create ${secret.name}  — ${secret.reason}`];
    case "keep":
      return [`    keep version ${secret.versionId}  — ${secret.reason}`];
    default:
      return assertNever(secret);
  }
}

function ruleLine(rule: SecurityGroupRuleAction): string {
  const mark = rule.action === "authorize" ? "+" : "-";
  return `  ${mark} ${rule.groupId} (${rule.directoryId}): ${rule.protocol.toUpperCase()} ${rule.port} from ${rule.cidr}  — ${rule.reason}`;
}

function npsServerLines(server: NpsServerAction): string[] {
  const subject = `${server.instanceId} (${server.ipAddress})`;
  switch (server.action) {
    case "none":
      return [`    ${subject}: no change  — ${server.reason}`];
    case "push": {
      const { create, update, remove } = server.clientChanges;
      return [
        `  ~ ${subject}: push configuration  — ${server.reason}`,
        ...create.map((client) => `      + client ${client.name} ${client.ip}`),
        ...update.map((client) => `      ~ client ${client.name} ${client.ip}`),
        ...remove.map((client) => `      - client ${client.name} ${client.ip}`),
      ];
    }
    default:
      return assertNever(server.action);
  }
}

function directoryLines(directory: DirectoryAction): string[] {
  const { settings } = directory;
  const detail =
    `      servers ${settings.servers.join(", ")} port ${settings.port}, ${settings.protocol}, ` +
    `timeout ${settings.timeoutSeconds} s, retries ${settings.retries}, label "${settings.displayLabel}"`;
  switch (directory.action) {
    case "enable":
      return [`  + ${directory.directoryId}: enable RADIUS  — ${directory.reason}`, detail];
    case "update":
      return [`  ~ ${directory.directoryId}: update RADIUS  — ${directory.reason}`, detail];
    case "none":
      return [`    ${directory.directoryId}: no change  — ${directory.reason}`];
    default:
      return assertNever(directory.action);
  }
}

function section(title: string, body: string[]): string[] {
  return body.length === 0 ? [] : [title, ...body, ""];
}

/**
 * The plan as diff lines, ending with a one-line count.
 *
 * @example
 * ```ts
 * console.log(renderPlanDiff(Plan.parse(output.plan)).join("\n"));
 * // Directories
 * //   + d-0123456789: enable RADIUS  — RADIUS is not enabled
 * ```
 */
export function renderPlanDiff(plan: Plan): string[] {
  return [
    ...section("Secret", secretLines(plan.secret)),
    ...section("Security groups", plan.securityGroupRules.map(ruleLine)),
    ...section("NPS servers", plan.npsServers.flatMap(npsServerLines)),
    ...section("Directories", plan.directories.flatMap(directoryLines)),
    ...section(
      "Problems (the plan cannot be applied until these are fixed)",
      plan.problems.map((problem) => `  ! ${problem.error} (${problem.subject}): ${problem.message}`),
    ),
    ...section(
      "Notes",
      plan.notes.map((note) => `  · ${note}`),
    ),
    plan.changeCount === 0
      ? "No changes: the estate already matches."
      : `${plan.changeCount} change(s) planned; radius-sync start applies them.`,
  ];
}
