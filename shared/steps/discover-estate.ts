import { describeRadiusTargets, listDirectoryTags } from "../aws/directory-service.js";
import { describeIngressPermissions, describeInstanceSecurityGroups } from "../aws/ec2.js";
import { describeSharedSecret } from "../aws/secrets.js";
import { describeManagedNodes } from "../aws/ssm.js";
import { readAppliedRecords } from "../aws/state-table.js";
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
  const tags = new Map<string, Record<string, string>>();
  // One at a time: Directory Service throttles bursts.
  for (const directoryId of directoriesToCheckForTag(described, tag)) {
    tags.set(directoryId, await listDirectoryTags(directoryId));
  }
  const { managed: views, skipped: unmanaged } = chooseManagedDirectories({ views: described, tag, tags });

  const [{ nodes }, secret] = await Promise.all([
    describeManagedNodes(config.nps),
    describeSharedSecret(config.secret.name),
  ]);
  // The NPS servers' own security groups, read with the directories' in one DescribeSecurityGroups.
  const npsGroups = await describeInstanceSecurityGroups(nodes.map((node) => node.instanceId));
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
    permissions,
    records,
    secret,
    radiusPort: config.radius.port,
    namePrefix: config.namePrefix,
  });
}
