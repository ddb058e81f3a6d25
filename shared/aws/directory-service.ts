import {
  type DirectoryDescription,
  DisableRadiusCommand,
  EnableRadiusCommand,
  ListTagsForResourceCommand,
  paginateDescribeDirectories,
  type RadiusSettings,
  UpdateRadiusCommand,
} from "@aws-sdk/client-directory-service";
import { canonicalIpv6 } from "../core/ipv6.js";
import type { RadiusSettingsView } from "../core/model.js";
import { asWorkflowError, awsErrorName } from "./aws-errors.js";
import * as clients from "./clients/ds.js";

/** A directory as radius-sync needs it: never the shared secret, even if an API returned one. */
export interface DirectoryView {
  directoryId: string;
  name: string;
  type: string;
  stage: string;
  /** `NetworkType` as reported; absent on directories that report none (IPv4). */
  networkType?: string;
  radiusSourceIps: string[];
  securityGroupId?: string;
  radiusStatus?: string;
  radiusSettings?: RadiusSettingsView;
}

/** DescribeDirectories accepts at most this many ids per call. */
const idsPerCall = 25;

/**
 * Describes directories by id (all pages, in batches), reducing each to a {@link DirectoryView}.
 * The IPs that send RADIUS are `ConnectSettings.ConnectIps` for an AD Connector and `DnsIpAddrs`
 * for Managed Microsoft AD, and beside them `ConnectSettings.ConnectIpsV6` / `DnsIpv6Addrs` (botocore
 * ds/2015-04-16 `DirectoryConnectSettingsDescription`, `DirectoryDescription`; in RFC 5952 form). A directory Directory Service does not know (deleted since it was
 * listed) is left out of the result, and the others are still described: see {@link describeBatch}.
 *
 * @example
 * ```ts
 * const [directory] = await describeRadiusTargets(["d-0123456789"]);
 * directory?.radiusSourceIps; // ["10.0.1.17", "10.0.2.41"]
 * ```
 */
export async function describeRadiusTargets(
  directoryIds: string[],
  client = clients.ds,
): Promise<DirectoryView[]> {
  const views: DirectoryView[] = [];
  for (let start = 0; start < directoryIds.length; start += idsPerCall) {
    views.push(...(await describeBatch(directoryIds.slice(start, start + idsPerCall), client)));
  }
  return views.sort((left, right) => left.directoryId.localeCompare(right.directoryId));
}

/**
 * One batch of ids. One unknown or deleted id among `DirectoryIds` fails the whole call with
 * `EntityDoesNotExistException` (botocore ds/2015-04-16: DescribeDirectories lists it among its
 * errors, "The specified entity could not be found"), so a failed batch is split in halves and each
 * half described again, down to the single id that does not exist, which is left out: one deleted
 * directory among 25 costs about 11 calls instead of failing every other directory's check.
 */
async function describeBatch(batch: string[], client: typeof clients.ds): Promise<DirectoryView[]> {
  const views: DirectoryView[] = [];
  try {
    for await (const page of paginateDescribeDirectories({ client }, { DirectoryIds: batch })) {
      for (const description of page.DirectoryDescriptions ?? []) views.push(toDirectoryView(description));
    }
    return views;
  } catch (error) {
    if (awsErrorName(error) !== "EntityDoesNotExistException")
      throw asWorkflowError(error, "DescribeDirectories");
    if (batch.length === 1) return [];
    const middle = Math.ceil(batch.length / 2);
    return [
      ...(await describeBatch(batch.slice(0, middle), client)),
      ...(await describeBatch(batch.slice(middle), client)),
    ];
  }
}

/**
 * An IPv6 address as radius-sync carries it: its RFC 5952 form, so each address is one string (what
 * AWS writes is not promised to be canonical). Text that is no address it accepts stays as it came,
 * and the planner names it as a problem.
 */
const asReported = (ip: string) => canonicalIpv6(ip) ?? ip;

function toDirectoryView(description: DirectoryDescription): DirectoryView {
  const type = description.Type ?? "unknown";
  const connector = type === "ADConnector";
  const ipv4 = connector ? (description.ConnectSettings?.ConnectIps ?? []) : (description.DnsIpAddrs ?? []);
  const ipv6 = connector
    ? (description.ConnectSettings?.ConnectIpsV6 ?? [])
    : (description.DnsIpv6Addrs ?? []);
  const radiusSourceIps = [...new Set([...ipv4, ...ipv6.map(asReported)])];
  const securityGroupId =
    description.ConnectSettings?.SecurityGroupId ?? description.VpcSettings?.SecurityGroupId;
  const view: DirectoryView = {
    directoryId: description.DirectoryId ?? "",
    name: description.Name ?? "",
    type,
    stage: description.Stage ?? "unknown",
    radiusSourceIps: [...radiusSourceIps].sort(),
  };
  if (description.NetworkType) view.networkType = description.NetworkType;
  if (securityGroupId) view.securityGroupId = securityGroupId;
  if (description.RadiusStatus) view.radiusStatus = description.RadiusStatus;
  const settings = toRadiusSettingsView(description.RadiusSettings);
  if (settings) view.radiusSettings = settings;
  return view;
}

/** Picks the non-secret fields one by one; `SharedSecret` is deliberately never read. */
function toRadiusSettingsView(settings: RadiusSettings | undefined): RadiusSettingsView | undefined {
  if (!settings?.RadiusServers?.length && !settings?.RadiusServersIpv6?.length) return undefined;
  const view: RadiusSettingsView = {
    servers: [...(settings.RadiusServers ?? [])].sort(),
    port: settings.RadiusPort ?? 0,
    timeoutSeconds: settings.RadiusTimeout ?? 0,
    retries: settings.RadiusRetries ?? 0,
    protocol: settings.AuthenticationProtocol ?? "unknown",
  };
  if (settings.RadiusServersIpv6?.length)
    view.serversIpv6 = settings.RadiusServersIpv6.map(asReported).sort();
  if (settings.DisplayLabel !== undefined) view.displayLabel = settings.DisplayLabel;
  if (settings.UseSameUsername !== undefined) view.useSameUsername = settings.UseSameUsername;
  return view;
}

/**
 * Reads a directory's tags, all pages.
 *
 * @example
 * ```ts
 * const tags = await listDirectoryTags("d-0123456789"); // { team: "euc" }
 * ```
 */
export async function listDirectoryTags(
  directoryId: string,
  client = clients.ds,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListTagsForResourceCommand({ ResourceId: directoryId, NextToken: nextToken }),
      );
      for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    throw asWorkflowError(error, "ListTagsForResource");
  }
  return tags;
}

/** Desired RADIUS settings of a directory, without the secret. */
export interface DesiredRadiusSettings {
  servers: string[];
  /** `RadiusServersIpv6`: sent only when not empty (Dual-stack and IPv6 directories). */
  serversIpv6?: string[];
  port: number;
  protocol: string;
  timeoutSeconds: number;
  retries: number;
  displayLabel: string;
}

/**
 * Enables RADIUS on a directory, or updates it, with the given settings and secret.
 * The secret is passed straight to the SDK and never logged; errors are rethrown without it.
 *
 * @example
 * ```ts
 * await enableOrUpdateRadius({ directoryId, action: "enable", settings, sharedSecret });
 * ```
 */
export async function enableOrUpdateRadius(
  options: {
    directoryId: string;
    action: "enable" | "update";
    settings: DesiredRadiusSettings;
    sharedSecret: string;
  },
  client = clients.ds,
): Promise<void> {
  const { directoryId, action, settings, sharedSecret } = options;
  const radiusSettings: RadiusSettings = {
    ...(settings.servers.length > 0 ? { RadiusServers: settings.servers } : {}),
    ...(settings.serversIpv6?.length ? { RadiusServersIpv6: settings.serversIpv6 } : {}),
    RadiusPort: settings.port,
    RadiusTimeout: settings.timeoutSeconds,
    RadiusRetries: settings.retries,
    AuthenticationProtocol: settings.protocol as RadiusSettings["AuthenticationProtocol"],
    DisplayLabel: settings.displayLabel,
    UseSameUsername: true,
    SharedSecret: sharedSecret,
  };
  const command =
    action === "enable"
      ? new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radiusSettings })
      : new UpdateRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radiusSettings });
  try {
    await client.send(command);
  } catch (error) {
    throw asWorkflowError(
      redactSecret(error, sharedSecret),
      action === "enable" ? "EnableRadius" : "UpdateRadius",
    );
  }
}

/**
 * Disables RADIUS on a directory.
 *
 * @example
 * ```ts
 * await disableRadius("d-0123456789");
 * ```
 */
export async function disableRadius(directoryId: string, client = clients.ds): Promise<void> {
  try {
    await client.send(new DisableRadiusCommand({ DirectoryId: directoryId }));
  } catch (error) {
    throw asWorkflowError(error, "DisableRadius");
  }
}

/** Returns the error with every occurrence of the secret in its message replaced. */
function redactSecret(error: unknown, secret: string): unknown {
  if (error instanceof Error && secret.length > 0 && error.message.includes(secret)) {
    error.message = error.message.split(secret).join("[redacted]");
  }
  return error;
}
