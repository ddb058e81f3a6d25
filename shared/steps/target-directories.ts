import { dsIn } from "../aws/clients/ds.js";
import { type DirectoryView, describeRadiusTargets } from "../aws/directory-service.js";
import type { Config } from "../config.js";
import { type DirectoryTargets, targetLookup } from "../core/phases.js";
import { directoryRecordId, targetAccess } from "../core/targets.js";

/**
 * Describes directories wherever they are: the hub's own with its own client, each member target's with
 * the member role there (shared/aws/clients/member.ts), in as few DescribeDirectories calls per target as
 * the ids allow. Sorted by id, as describeRadiusTargets sorts them.
 *
 * @example
 * ```ts
 * const views = await describeDirectoriesIn(config, ["d-0123456789"], phase.targets);
 * ```
 */
export async function describeDirectoriesIn(
  config: Pick<Config, "targets" | "memberExternalId">,
  directoryIds: readonly string[],
  targets: Readonly<DirectoryTargets> = {},
): Promise<DirectoryView[]> {
  const targetOf = targetLookup(targets);
  const byTarget = new Map<string | undefined, string[]>();
  for (const directoryId of directoryIds) {
    const target = targetOf(directoryId);
    byTarget.set(target, [...(byTarget.get(target) ?? []), directoryId]);
  }
  const views: DirectoryView[] = [];
  for (const [target, ids] of byTarget) {
    views.push(...(await describeRadiusTargets(ids, dsIn(targetAccess(config, target)))));
  }
  return views.sort((left, right) => left.directoryId.localeCompare(right.directoryId));
}

/**
 * The state-table record ids of directories (shared/core/targets.ts directoryRecordId): each id, and a
 * member target's qualified with its target.
 *
 * @example
 * ```ts
 * recordIdsOf(["d-0123456789"], { "111122223333:eu-west-1": ["d-0123456789"] });
 * // ["111122223333:eu-west-1:d-0123456789"]
 * ```
 */
export function recordIdsOf(
  directoryIds: readonly string[],
  targets: Readonly<DirectoryTargets> = {},
): string[] {
  const targetOf = targetLookup(targets);
  return directoryIds.map((directoryId) => directoryRecordId(directoryId, targetOf(directoryId)));
}
