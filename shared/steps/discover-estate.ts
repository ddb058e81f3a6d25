import { describeRadiusTargets, listDirectoryTags } from "../aws/directory-service.js";
import {
  describeIngressPermissions,
  describeInstanceSecurityGroups,
  type IngressPermission,
} from "../aws/ec2.js";
import { describeSharedSecret } from "../aws/secrets.js";
import { describeManagedNodes } from "../aws/ssm.js";
import { readAppliedRecords } from "../aws/state-table.js";
import { listRegisteredDirectories } from "../aws/workspaces.js";
import type { Config } from "../config.js";
import type { DiscoveredDirectory, DiscoveredNpsServer, Discovery, IngressRule } from "../core/model.js";
import { isOwnedRule, isUdp } from "../core/naming.js";
import { splitRegisteredDirectories } from "../core/registered-directories.js";

/** The directory's UDP rules from IPv4 ranges: what the directory-side plan compares. */
function udpRangeRules(permissions: IngressPermission[]): IngressRule[] {
  return permissions.flatMap(({ sourceGroupId: _, cidr, ...rule }) =>
    cidr !== undefined && isUdp(rule.protocol) ? [{ ...rule, protocol: "udp", cidr }] : [],
  );
}

/** Only what the NPS-side plan needs: rules that admit UDP `port`, by source, marked when ours. */
function radiusRules(permissions: IngressPermission[], port: number, namePrefix: string) {
  return permissions
    .filter(
      (rule) =>
        rule.protocol === "-1" ||
        (isUdp(rule.protocol) && (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535)),
    )
    .map((rule) => ({
      ...(rule.cidr === undefined ? {} : { cidr: rule.cidr }),
      ...(rule.sourceGroupId === undefined ? {} : { sourceGroupId: rule.sourceGroupId }),
      owned: rule.cidr !== undefined && isOwnedRule(namePrefix, { ...rule, cidr: rule.cidr }),
    }));
}

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

  const [{ nodes }, secret] = await Promise.all([
    describeManagedNodes(config.nps),
    describeSharedSecret(config.secret.name),
  ]);
  // The NPS servers' own security groups, read with the directories' in one DescribeSecurityGroups.
  const npsGroups = await describeInstanceSecurityGroups(nodes.map((node) => node.instanceId));
  const groupIds = [
    ...new Set([
      ...views.flatMap((view) => (view.securityGroupId ? [view.securityGroupId] : [])),
      ...[...npsGroups.values()].flat(),
    ]),
  ];
  const permissions = await describeIngressPermissions(groupIds);
  const records = await readAppliedRecords({
    tableName: config.stateTable,
    directoryIds: views.map((view) => view.directoryId),
    instanceIds: nodes.map((node) => node.instanceId),
  });

  const directories: DiscoveredDirectory[] = views.map((view) => {
    const directory: DiscoveredDirectory = {
      ...view,
      udpIngressRules: view.securityGroupId ? udpRangeRules(permissions.get(view.securityGroupId) ?? []) : [],
    };
    const applied = records.directories.get(view.directoryId);
    if (applied) directory.applied = applied;
    return directory;
  });
  const npsServers: DiscoveredNpsServer[] = nodes.map((node) => {
    const server: DiscoveredNpsServer = { ...node };
    const groups = npsGroups.get(node.instanceId);
    if (groups !== undefined) {
      server.securityGroups = groups.map((groupId) => ({
        groupId,
        radiusRules: radiusRules(permissions.get(groupId) ?? [], config.radius.port, config.namePrefix),
      }));
    }
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
