import { awsErrorName } from "../aws/aws-errors.js";
import type * as clients from "../aws/clients/ds.js";
import { dsIn } from "../aws/clients/ds.js";
import { ec2In } from "../aws/clients/ec2.js";
import { workspacesIn } from "../aws/clients/workspaces.js";
import { describeRadiusTargets, listDirectoryTags } from "../aws/directory-service.js";
import { describeIngressPermissions, describeInstanceNetworks } from "../aws/ec2.js";
import { describeSharedSecret } from "../aws/secrets.js";
import { describeManagedNodes } from "../aws/ssm.js";
import { readAppliedRecords } from "../aws/state-table.js";
import { defaultThrottlingRetry, mapPacedThrottled, type ThrottlingRetry } from "../aws/throttling.js";
import { listRegisteredDirectories } from "../aws/workspaces.js";
import type { Config } from "../config.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import {
  assembleDiscovery,
  chooseManagedDirectories,
  type DescribedDirectory,
  directoriesToCheckForTag,
  listedDirectories,
  missingDirectoryIds,
  securityGroupsToRead,
  undescribedDirectories,
} from "../core/discovery.js";
import type { IngressPermission } from "../core/ingress-rules.js";
import type { Discovery } from "../core/model.js";
import { type SkippedDirectory, splitRegisteredDirectories } from "../core/registered-directories.js";
import { directoryLabel, directoryRecordId, type Target, targetAccess } from "../core/targets.js";
import { InvalidConfiguration } from "../errors.js";
import { logger } from "../observability.js";

/**
 * How discovery reads directory tags. Directory Service reads one directory's tags per
 * ListTagsForResource call (botocore ds/2015-04-16: `ResourceId`, no batch form), so 1,000 directories
 * are 1,000 calls: one at a time about 150 s, past the 30 s Lambda timeout. Ten at a time, the batch
 * paced by throttling (shared/aws/throttling.ts), they take about 15 s when Directory Service keeps up,
 * and about 1,000 / its request rate when it throttles; past 20 s a throttle fails the step with
 * AwsThrottled, leaving the rest of discovery its time (docs/benchmarks.md, "Discovery with directoryTag").
 */
export const tagReads = { concurrency: 10, deadlineMs: 20_000 } as const;

/**
 * Reads the tags of the given directories, {@link tagReads} at a time, the batch slowed by throttling.
 *
 * @example
 * ```ts
 * const tags = await readDirectoryTags(["d-0123456789"]);
 * tags.get("d-0123456789"); // { team: "euc" }
 * ```
 */
export async function readDirectoryTags(
  directoryIds: readonly string[],
  options: { client?: typeof clients.ds; retry?: ThrottlingRetry; now?: () => number } = {},
): Promise<Map<string, Record<string, string>>> {
  const read = await mapPacedThrottled(
    directoryIds,
    {
      ...tagReads,
      retry: options.retry ?? defaultThrottlingRetry,
      ...(options.now ? { now: options.now } : {}),
    },
    (directoryId) => listDirectoryTags(directoryId, options.client),
  );
  return new Map(directoryIds.map((directoryId, index) => [directoryId, read[index] ?? {}]));
}

/** What discovery read in one target: its managed directories and the ones it skipped. */
interface TargetDirectories {
  views: DescribedDirectory[];
  /** Every Directory Service directory WorkSpaces listed (before description). */
  candidates: string[];
  /** The ones Directory Service described (managed or not). */
  describedIds: string[];
  skipped: SkippedDirectory[];
  /** The security groups of a member target's directories, read there. */
  permissions?: Map<string, IngressPermission[]>;
}

/**
 * Member targets discovered at once. Each is a handful of calls in its own account and region (so
 * they do not share Directory Service's or EC2's request rates) plus one STS AssumeRole in the hub's:
 * ten at a time keeps 100 targets at a few seconds each well inside the step's 30 s (unmeasured on
 * AWS; the bench's hub row has six).
 */
const concurrentTargets = 10;

/**
 * The directories of one target, read with that target's clients (the member role's credentials in
 * its region, or the Lambda's own for the hub's account and region).
 */
async function discoverTargetDirectories(options: {
  config: Readonly<Config>;
  target: Target;
}): Promise<TargetDirectories> {
  const { config, target } = options;
  const access = targetAccess(config, target.home ? undefined : target.key);
  const ds = dsIn(access);
  const listed = listedDirectories(
    await listRegisteredDirectories(workspacesIn(access)),
    config.directories.ids,
  );
  // Only Directory Service directories go to Directory Service; WorkSpaces-only (wsd-…) ones are noted.
  const { directoryServiceIds: candidates, skipped } = splitRegisteredDirectories(listed);
  const described = (await describeRadiusTargets(candidates, ds)).map((view) =>
    target.home ? view : { ...view, target: target.key },
  );
  const tag = config.directories.tag;
  const tags = await readDirectoryTags(directoriesToCheckForTag(described, tag), { client: ds });
  const { managed: views, skipped: unmanaged } = chooseManagedDirectories({ views: described, tag, tags });
  const inTarget = (entry: SkippedDirectory): SkippedDirectory =>
    target.home ? entry : { ...entry, directoryId: directoryLabel(entry.directoryId, target.key) };
  const result: TargetDirectories = {
    views,
    candidates,
    describedIds: described.map((view) => view.directoryId),
    skipped: [...skipped, ...unmanaged].map(inTarget),
  };
  // A member's security groups are read there; the hub's own with its NPS servers' groups, in one call.
  if (!target.home) {
    result.permissions = await describeIngressPermissions(
      securityGroupsToRead(views, new Map()),
      ec2In(access),
    );
  }
  return result;
}

/**
 * Reads the whole estate: the WorkSpaces directories we manage with their RADIUS sources,
 * settings and security-group rules, in the hub's own account and region and in each member target;
 * the NPS servers; the secret's metadata; what we last applied. Read-only: it makes no mutating call.
 * A member target that cannot be read (its role not assumable, a call denied) is reported as
 * unreachable in `targets`, and the others are read; the hub's own account failing fails the step.
 *
 * @example
 * ```ts
 * const discovery = await discoverEstate({ config: getConfig(), requestedDirectoryIds: undefined });
 * ```
 */
export async function discoverEstate(options: {
  config: Readonly<Config>;
  requestedDirectoryIds?: string[] | undefined;
}): Promise<Discovery> {
  const { config } = options;
  const allowList = config.directories.ids;
  const outcomes = await mapWithConcurrency(config.targets, concurrentTargets, async (target) => {
    try {
      return { target, read: await discoverTargetDirectories({ config, target }) };
    } catch (error) {
      if (target.home) throw error;
      const name = awsErrorName(error) ?? (error instanceof Error ? error.name : "Error");
      const message = error instanceof Error ? error.message : String(error);
      logger.warn("member target unreachable", { target: target.key, error: name });
      return { target, failure: { error: name, message } };
    }
  });
  const reached = outcomes.flatMap((outcome) => (outcome.read ? [outcome.read] : []));
  const unreachable = outcomes.some((outcome) => outcome.failure !== undefined);
  const views = reached.flatMap((read) => read.views);
  assertUniqueDirectoryIds(views);
  // A directory asked for may be in a member target that could not be read: only when every target
  // was read is one not found missing.
  const describedIds = reached.flatMap((read) => read.describedIds);
  const missing = unreachable
    ? []
    : missingDirectoryIds({ allowList, requested: options.requestedDirectoryIds, candidates: describedIds });
  const deleted = reached.flatMap((read) =>
    undescribedDirectories({ candidates: read.candidates, described: read.describedIds, missing }),
  );

  const [{ nodes }, secret] = await Promise.all([
    describeManagedNodes(config.nps),
    describeSharedSecret(config.secret.name),
  ]);
  // The NPS servers' own security groups, read with the hub's directories' in one DescribeSecurityGroups,
  // and their IPv6 addresses (SSM reports one IPv4 address per node).
  const { groups: npsGroups, ipv6Addresses } = await describeInstanceNetworks(
    nodes.map((node) => node.instanceId),
  );
  const homeViews = views.filter((view) => view.target === undefined);
  const permissions = await describeIngressPermissions(securityGroupsToRead(homeViews, npsGroups));
  for (const read of reached)
    for (const [groupId, rules] of read.permissions ?? []) permissions.set(groupId, rules);
  const records = await readAppliedRecords({
    tableName: config.stateTable,
    directoryIds: views.map((view) => directoryRecordId(view.directoryId, view.target)),
    instanceIds: nodes.map((node) => node.instanceId),
  });
  const discovery = assembleDiscovery({
    directories: views,
    skippedDirectories: [...reached.flatMap((read) => read.skipped), ...deleted],
    missingDirectoryIds: missing,
    nodes,
    configuredNpsInstanceIds: config.nps.instanceIds,
    npsGroups,
    npsIpv6Addresses: ipv6Addresses,
    permissions,
    records,
    secret,
    radiusPort: config.radius.port,
    namePrefix: config.namePrefix,
  });
  const members = outcomes.filter((outcome) => !outcome.target.home);
  if (members.length === 0) return discovery;
  return {
    ...discovery,
    targets: members.map(({ target, failure }) =>
      failure
        ? { target: target.key, status: "unreachable", ...failure }
        : { target: target.key, status: "ok" },
    ),
  };
}

/**
 * Directory ids are unique in practice (`d-` and ten hex digits), but AWS does not promise it across
 * accounts and regions. Plans key directories by id; two targets reporting one id would be planned as
 * one, so the run stops instead, naming both.
 */
function assertUniqueDirectoryIds(views: readonly DescribedDirectory[]): void {
  const seen = new Map<string, string | undefined>();
  for (const view of views) {
    if (seen.has(view.directoryId)) {
      const first = directoryLabel(view.directoryId, seen.get(view.directoryId));
      throw new InvalidConfiguration(
        `${first} and ${directoryLabel(view.directoryId, view.target)} have the same id: ` +
          "manage one of them from another hub, or leave it out with directoryIds or directoryTag",
      );
    }
    seen.set(view.directoryId, view.target);
  }
}
