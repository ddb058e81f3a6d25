import { type IngressPermission, radiusRules, udpRangeRules } from "./ingress-rules.js";
import type {
  AppliedDirectoryRecord,
  AppliedNpsRecord,
  DiscoveredDirectory,
  DiscoveredNpsServer,
  Discovery,
  LastRotationRecord,
  RegisteredDirectory,
  SecretState,
  UnreadableRecord,
} from "./model.js";
import type { SkippedDirectory } from "./registered-directories.js";
import { directoryRecordId } from "./targets.js";

/**
 * The decisions of discovery (shared/steps/discover-estate.ts): which registered directories it
 * manages, which it skips and why, which were asked for but not found, which security groups to read,
 * and how what it read becomes the {@link Discovery} the planner takes. Pure: the step reads.
 */

/** Directory Service types whose RADIUS settings radius-sync manages. */
export const supportedDirectoryTypes: ReadonlySet<string> = new Set(["ADConnector", "MicrosoftAD"]);

/** A directory tag that marks the directories to manage. */
export interface DirectoryTag {
  key: string;
  value: string;
}

/** A directory as Directory Service describes it, before its rules and records are added. */
export type DescribedDirectory = Omit<DiscoveredDirectory, "udpIngressRules" | "applied">;

/** An NPS server as SSM describes it, before its security groups and record are added. */
export type DescribedNpsServer = Omit<DiscoveredNpsServer, "securityGroups" | "applied">;

/**
 * The registered directories the allow-list names, or all of them when the allow-list is empty.
 *
 * @example
 * ```ts
 * listedDirectories(registered, ["d-0123456789"]); // only d-0123456789, if registered
 * ```
 */
export function listedDirectories<Directory extends Pick<RegisteredDirectory, "directoryId">>(
  registered: readonly Directory[],
  allowList: readonly string[],
): Directory[] {
  if (allowList.length === 0) return [...registered];
  return registered.filter((directory) => allowList.includes(directory.directoryId));
}

/**
 * The directory ids the allow-list or the input asks for that are no Directory Service directory
 * registered with WorkSpaces: sorted, each once.
 *
 * @example
 * ```ts
 * missingDirectoryIds({ allowList: ["d-1"], requested: ["d-2", "d-1"], candidates: ["d-1"] }); // ["d-2"]
 * ```
 */
export function missingDirectoryIds(options: {
  allowList: readonly string[];
  requested?: readonly string[] | undefined;
  candidates: readonly string[];
}): string[] {
  const wanted = [...options.allowList, ...(options.requested ?? [])];
  return [...new Set(wanted.filter((id) => !options.candidates.includes(id)))].sort();
}

/**
 * The registered Directory Service directories that Directory Service did not describe (it answers
 * `EntityDoesNotExistException` for them: deleted since WorkSpaces listed them), each skipped with
 * its reason so the plan names it; one the allow-list or the input asked for is left to
 * {@link missingDirectoryIds}, which makes it a problem instead.
 *
 * @example
 * ```ts
 * undescribedDirectories({ candidates: ["d-1", "d-2"], described: ["d-1"], missing: [] });
 * // [{ directoryId: "d-2", reason: "registered with WorkSpaces, but Directory Service does not know it …" }]
 * ```
 */
export function undescribedDirectories(options: {
  candidates: readonly string[];
  described: readonly string[];
  missing: readonly string[];
}): SkippedDirectory[] {
  const known = new Set([...options.described, ...options.missing]);
  return options.candidates
    .filter((directoryId) => !known.has(directoryId))
    .map((directoryId) => ({
      directoryId,
      reason:
        "registered with WorkSpaces, but Directory Service does not know it (EntityDoesNotExistException): " +
        "deleted since it was registered? Deregister it from WorkSpaces",
    }));
}

/**
 * The directories whose tags must be read: the supported ones, when a tag selects directories;
 * none otherwise.
 *
 * @example
 * ```ts
 * directoriesToCheckForTag(views, undefined); // []
 * ```
 */
export function directoriesToCheckForTag(
  views: readonly Pick<DescribedDirectory, "directoryId" | "type">[],
  tag: DirectoryTag | undefined,
): string[] {
  if (!tag) return [];
  return views.filter((view) => supportedDirectoryTypes.has(view.type)).map((view) => view.directoryId);
}

/**
 * Which described directories radius-sync manages: those of a supported type that carry the tag
 * (when a tag selects directories). Every other one is skipped with its reason, in the order given.
 *
 * @example
 * ```ts
 * chooseManagedDirectories({ views, tag: { key: "radius-sync", value: "true" }, tags: new Map([["d-…", {}]]) });
 * // { managed: [], skipped: [{ directoryId: "d-…", reason: "not tagged radius-sync=true" }] }
 * ```
 */
export function chooseManagedDirectories<
  View extends Pick<DescribedDirectory, "directoryId" | "type">,
>(options: {
  views: readonly View[];
  tag: DirectoryTag | undefined;
  /** Each directory's tags, read for {@link directoriesToCheckForTag}. */
  tags: ReadonlyMap<string, Readonly<Record<string, string>>>;
}): { managed: View[]; skipped: SkippedDirectory[] } {
  const { tag } = options;
  const managed: View[] = [];
  const skipped: SkippedDirectory[] = [];
  for (const view of options.views) {
    if (!supportedDirectoryTypes.has(view.type)) {
      skipped.push({
        directoryId: view.directoryId,
        reason: `type ${view.type} has no RADIUS settings radius-sync manages (ADConnector or MicrosoftAD only)`,
      });
    } else if (tag && options.tags.get(view.directoryId)?.[tag.key] !== tag.value) {
      skipped.push({ directoryId: view.directoryId, reason: `not tagged ${tag.key}=${tag.value}` });
    } else {
      managed.push(view);
    }
  }
  return { managed, skipped };
}

/**
 * The security groups whose inbound rules discovery reads, each once: the managed directories' and
 * the NPS servers'.
 *
 * @example
 * ```ts
 * securityGroupsToRead(views, new Map([["i-…", ["sg-1", "sg-2"]]])); // ["sg-d…", "sg-1", "sg-2"]
 * ```
 */
export function securityGroupsToRead(
  views: readonly Pick<DescribedDirectory, "securityGroupId">[],
  npsGroups: ReadonlyMap<string, readonly string[]>,
): string[] {
  return [
    ...new Set([
      ...views.flatMap((view) => (view.securityGroupId ? [view.securityGroupId] : [])),
      ...[...npsGroups.values()].flat(),
    ]),
  ];
}

/**
 * Puts what discovery read together: each managed directory with its UDP rules and last record, each
 * NPS server with its security groups' RADIUS rules and last record, and the configured NPS instance
 * ids SSM did not return (an id it refused, or one it silently left out such as a stopped instance).
 *
 * @example
 * ```ts
 * const discovery = assembleDiscovery({ directories, skippedDirectories, missingDirectoryIds, nodes, … });
 * ```
 */
export function assembleDiscovery(options: {
  directories: readonly DescribedDirectory[];
  skippedDirectories: readonly SkippedDirectory[];
  missingDirectoryIds: string[];
  nodes: readonly DescribedNpsServer[];
  configuredNpsInstanceIds: readonly string[];
  npsGroups: ReadonlyMap<string, readonly string[]>;
  /** Each EC2 instance's IPv6 address, when it has one. */
  npsIpv6Addresses?: ReadonlyMap<string, string>;
  permissions: ReadonlyMap<string, readonly IngressPermission[]>;
  records: {
    directories: ReadonlyMap<string, AppliedDirectoryRecord>;
    npsServers: ReadonlyMap<string, AppliedNpsRecord>;
    lastRotation?: LastRotationRecord | undefined;
    /** Records that failed their schema, read as absent. */
    unreadable?: readonly UnreadableRecord[] | undefined;
  };
  secret: SecretState;
  radiusPort: number;
  namePrefix: string;
}): Discovery {
  const { permissions, records } = options;
  const directories = options.directories.map((view) => {
    const directory: DiscoveredDirectory = {
      ...view,
      udpIngressRules: view.securityGroupId ? udpRangeRules(permissions.get(view.securityGroupId) ?? []) : [],
    };
    const applied = records.directories.get(directoryRecordId(view.directoryId, view.target));
    if (applied) directory.applied = applied;
    return directory;
  });
  const npsServers = options.nodes.map((node) => {
    const server: DiscoveredNpsServer = { ...node };
    const ipv6Address = options.npsIpv6Addresses?.get(node.instanceId);
    if (ipv6Address !== undefined) server.ipv6Address = ipv6Address;
    const groups = options.npsGroups.get(node.instanceId);
    if (groups !== undefined) {
      server.securityGroups = groups.map((groupId) => ({
        groupId,
        radiusRules: radiusRules(permissions.get(groupId) ?? [], options.radiusPort, options.namePrefix),
      }));
    }
    const applied = records.npsServers.get(node.instanceId);
    if (applied) server.applied = applied;
    return server;
  });
  const found = new Set(options.nodes.map((node) => node.instanceId));
  return {
    directories,
    missingDirectoryIds: options.missingDirectoryIds,
    skippedDirectories: [...options.skippedDirectories],
    npsServers,
    missingNpsInstanceIds: options.configuredNpsInstanceIds.filter((id) => !found.has(id)),
    secret: options.secret,
    ...(records.lastRotation ? { lastRotation: records.lastRotation } : {}),
    ...(records.unreadable?.length ? { unreadableRecords: [...records.unreadable] } : {}),
  };
}
