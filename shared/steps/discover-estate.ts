import type * as clients from "../aws/clients/ds.js";
import { describeRadiusTargets, listDirectoryTags } from "../aws/directory-service.js";
import { describeIngressPermissions, describeInstanceNetworks } from "../aws/ec2.js";
import { describeSharedSecret } from "../aws/secrets.js";
import { describeManagedNodes } from "../aws/ssm.js";
import { readAppliedRecords } from "../aws/state-table.js";
import { defaultThrottlingRetry, mapPacedThrottled, type ThrottlingRetry } from "../aws/throttling.js";
import { listRegisteredDirectories } from "../aws/workspaces.js";
import type { Config } from "../config.js";
import {
  assembleDiscovery,
  chooseManagedDirectories,
  directoriesToCheckForTag,
  listedDirectories,
  missingDirectoryIds,
  securityGroupsToRead,
  undescribedDirectories,
} from "../core/discovery.js";
import type { Discovery } from "../core/model.js";
import { splitRegisteredDirectories } from "../core/registered-directories.js";

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

/**
 * Reads the whole estate: the WorkSpaces directories we manage with their RADIUS sources,
 * settings and security-group rules; the NPS servers; the secret's metadata; what we last applied.
 * Read-only: it makes no mutating call.
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
  const listed = listedDirectories(await listRegisteredDirectories(), allowList);
  // Only Directory Service directories go to Directory Service; WorkSpaces-only (wsd-…) ones are noted.
  const { directoryServiceIds: candidates, skipped } = splitRegisteredDirectories(listed);
  const described = await describeRadiusTargets(candidates);
  // A directory deleted since WorkSpaces listed it is not described: asked for, it is missing (a
  // problem); otherwise it is skipped by name.
  const describedIds = described.map((view) => view.directoryId);
  const missing = missingDirectoryIds({
    allowList,
    requested: options.requestedDirectoryIds,
    candidates: describedIds,
  });
  const deleted = undescribedDirectories({ candidates, described: describedIds, missing });
  const tag = config.directories.tag;
  const tags = await readDirectoryTags(directoriesToCheckForTag(described, tag));
  const { managed: views, skipped: unmanaged } = chooseManagedDirectories({ views: described, tag, tags });

  const [{ nodes }, secret] = await Promise.all([
    describeManagedNodes(config.nps),
    describeSharedSecret(config.secret.name),
  ]);
  // The NPS servers' own security groups, read with the directories' in one DescribeSecurityGroups,
  // and their IPv6 addresses (SSM reports one IPv4 address per node).
  const { groups: npsGroups, ipv6Addresses } = await describeInstanceNetworks(
    nodes.map((node) => node.instanceId),
  );
  const permissions = await describeIngressPermissions(securityGroupsToRead(views, npsGroups));
  const records = await readAppliedRecords({
    tableName: config.stateTable,
    directoryIds: views.map((view) => view.directoryId),
    instanceIds: nodes.map((node) => node.instanceId),
  });
  return assembleDiscovery({
    directories: views,
    skippedDirectories: [...skipped, ...deleted, ...unmanaged],
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
}
