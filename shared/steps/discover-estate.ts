import { describeRadiusTargets, listDirectoryTags } from "../aws/directory-service.js";
import { describeUdpIngressRules } from "../aws/ec2.js";
import { describeSharedSecret } from "../aws/secrets.js";
import { describeManagedNodes } from "../aws/ssm.js";
import { readAppliedRecords } from "../aws/state-table.js";
import { listRegisteredDirectories } from "../aws/workspaces.js";
import type { Config } from "../config.js";
import type { DiscoveredDirectory, DiscoveredNpsServer, Discovery } from "../core/model.js";
import { splitRegisteredDirectories } from "../core/registered-directories.js";

/** Directory Service types whose RADIUS settings radius-sync manages. */
const supportedTypes = new Set(["ADConnector", "MicrosoftAD"]);

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
  const registered = await listRegisteredDirectories();
  const allowList = config.directories.ids;
  const listed =
    allowList.length > 0 ? registered.filter((d) => allowList.includes(d.directoryId)) : registered;
  // Only Directory Service directories go to Directory Service; WorkSpaces-only (wsd-…) ones are noted.
  const { directoryServiceIds: candidates, skipped } = splitRegisteredDirectories(listed);
  const wanted = [...allowList, ...(options.requestedDirectoryIds ?? [])];
  const missingDirectoryIds = [...new Set(wanted.filter((id) => !candidates.includes(id)))].sort();

  const skippedDirectories: Discovery["skippedDirectories"] = [...skipped];
  const views = [];
  for (const view of await describeRadiusTargets(candidates)) {
    if (!supportedTypes.has(view.type)) {
      skippedDirectories.push({
        directoryId: view.directoryId,
        reason: `type ${view.type} has no RADIUS settings radius-sync manages (ADConnector or MicrosoftAD only)`,
      });
      continue;
    }
    const tag = config.directories.tag;
    if (tag) {
      const tags = await listDirectoryTags(view.directoryId);
      if (tags[tag.key] !== tag.value) {
        skippedDirectories.push({
          directoryId: view.directoryId,
          reason: `not tagged ${tag.key}=${tag.value}`,
        });
        continue;
      }
    }
    views.push(view);
  }

  const groupIds = [
    ...new Set(views.flatMap((view) => (view.securityGroupId ? [view.securityGroupId] : []))),
  ];
  const [rulesByGroup, { nodes }, secret] = await Promise.all([
    describeUdpIngressRules(groupIds),
    describeManagedNodes(config.nps),
    describeSharedSecret(config.secret.name),
  ]);
  const records = await readAppliedRecords({
    tableName: config.stateTable,
    directoryIds: views.map((view) => view.directoryId),
    instanceIds: nodes.map((node) => node.instanceId),
  });

  const directories: DiscoveredDirectory[] = views.map((view) => {
    const directory: DiscoveredDirectory = {
      ...view,
      udpIngressRules: view.securityGroupId ? (rulesByGroup.get(view.securityGroupId) ?? []) : [],
    };
    const applied = records.directories.get(view.directoryId);
    if (applied) directory.applied = applied;
    return directory;
  });
  const npsServers: DiscoveredNpsServer[] = nodes.map((node) => {
    const server: DiscoveredNpsServer = { ...node };
    const applied = records.npsServers.get(node.instanceId);
    if (applied) server.applied = applied;
    return server;
  });
  // Covers both ways SSM says "not a managed node": an id it refuses (InvalidInstanceId, which
  // describeManagedNodes isolates) and an id it silently leaves out (a stopped instance).
  const found = new Set(nodes.map((node) => node.instanceId));
  return {
    directories,
    missingDirectoryIds,
    skippedDirectories,
    npsServers,
    missingNpsInstanceIds: config.nps.instanceIds.filter((id) => !found.has(id)),
    secret,
    ...(records.lastRotation ? { lastRotation: records.lastRotation } : {}),
  };
}
