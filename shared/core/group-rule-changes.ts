/**
 * What applying one security group's planned rule changes sends and reports
 * (shared/steps/apply-security-group-rules.ts). Pure: the step calls EC2.
 */

/** What one group's changes came to. */
export interface GroupOutcome {
  groupId: string;
  added: number;
  alreadyPresent: number;
  removed: number;
  alreadyAbsent: number;
}

/**
 * The rules to authorize for a group: each source on the RADIUS port, with the description that
 * marks it as ours (empty when the plan has none for it).
 *
 * @example
 * ```ts
 * rulesToAuthorize(["10.0.3.10/32"], { port: 1812, descriptions: { "10.0.3.10/32": "radius-sync: …" } });
 * // [{ cidr: "10.0.3.10/32", port: 1812, description: "radius-sync: …" }]
 * ```
 */
export function rulesToAuthorize(
  sources: readonly string[],
  shared: { port: number; descriptions: Readonly<Record<string, string>> },
): Array<{ cidr: string; port: number; description: string }> {
  return sources.map((cidr) => ({ cidr, port: shared.port, description: shared.descriptions[cidr] ?? "" }));
}

/**
 * Tallies one group's changes: what AuthorizeSecurityGroupIngress added or found, and how many
 * revocations removed a rule or found it already gone.
 *
 * @example
 * ```ts
 * groupOutcome("sg-…", { added: 1, existed: 0 }, ["removed", "absent"]);
 * // { groupId: "sg-…", added: 1, alreadyPresent: 0, removed: 1, alreadyAbsent: 1 }
 * ```
 */
export function groupOutcome(
  groupId: string,
  authorized: { added: number; existed: number },
  revoked: readonly ("removed" | "absent")[],
): GroupOutcome {
  const removed = revoked.filter((result) => result === "removed").length;
  return {
    groupId,
    added: authorized.added,
    alreadyPresent: authorized.existed,
    removed,
    alreadyAbsent: revoked.length - removed,
  };
}
