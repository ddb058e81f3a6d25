import type { EligibleNpsServer } from "./eligibility.js";
import { radiusSettingsFingerprint } from "./fingerprint.js";
import type { DiscoveredDirectory, RadiusSettingsView } from "./model.js";
import { sortedUnique } from "./ordering.js";
import type { SecretTarget } from "./plan-nps.js";
import type { DesiredSettings, DirectoryAction, RadiusSettings } from "./plan-schema.js";
import { describeServerLists, networkTypeOf, radiusServersFor, usesIpv6 } from "./radius-servers.js";
import { directoryLabel } from "./targets.js";

/** The scalar settings compared one by one, with the words a reason uses for each. */
const COMPARED_SETTINGS = [
  ["port", "port"],
  ["protocol", "protocol"],
  ["timeoutSeconds", "timeout (s)"],
  ["retries", "retries"],
  ["displayLabel", "display label"],
] as const;

function settingDifferences(
  current: RadiusSettingsView,
  desired: RadiusSettings,
  directory: DiscoveredDirectory,
): string[] {
  const differences: string[] = [];
  const have = {
    servers: sortedUnique(current.servers),
    serversIpv6: sortedUnique(current.serversIpv6 ?? []),
  };
  const want = radiusServersFor(desired, networkTypeOf(directory.networkType));
  if (
    have.servers.join(",") !== want.servers.join(",") ||
    have.serversIpv6.join(",") !== want.serversIpv6.join(",")
  ) {
    differences.push(`servers are ${describeServerLists(have)}, want ${describeServerLists(want)}`);
  }
  for (const [key, words] of COMPARED_SETTINGS) {
    const have = current[key];
    if (have !== desired[key]) differences.push(`${words} is ${have ?? "unset"}, want ${desired[key]}`);
  }
  return differences;
}

function updateReasons(
  directory: DiscoveredDirectory,
  current: RadiusSettingsView,
  settings: RadiusSettings,
  secret: SecretTarget,
): string[] {
  const reasons = settingDifferences(current, settings, directory);
  if (secret.create) {
    reasons.push("a new shared secret is being created");
  } else if (directory.applied === undefined) {
    reasons.push("radius-sync has no record of which secret the directory holds");
  } else if (directory.applied.secretVersionId !== secret.versionId) {
    reasons.push(
      `the directory holds secret version ${directory.applied.secretVersionId}, AWSCURRENT is ${secret.versionId}`,
    );
  }
  if (directory.radiusStatus === "Failed") reasons.push("RadiusStatus is Failed");
  return reasons;
}

/**
 * Plans one entry per eligible directory: enable RADIUS where it is off; update it
 * where the servers, port, protocol, timeout, retries or label differ, where
 * radius-sync cannot tell which secret the directory holds or it holds an older one,
 * or where the last change Failed. With no usable NPS server there is nothing to
 * point a directory at, so nothing is planned.
 *
 * @example
 * ```ts
 * planDirectories({ directories, npsServers, radius: desired.radius, secret: { create: true } })[0];
 * // { directoryId: "d-0123456789", action: "enable", reason: "RADIUS is not enabled on directory d-…", … }
 * ```
 */
export function planDirectories(options: {
  directories: readonly DiscoveredDirectory[];
  npsServers: readonly EligibleNpsServer[];
  radius: DesiredSettings["radius"];
  secret: SecretTarget;
}): DirectoryAction[] {
  const { port, protocol, timeoutSeconds, retries, displayLabel } = options.radius;
  const servers = sortedUnique(options.npsServers.map((server) => server.ipAddress));
  const settings: RadiusSettings = { servers, port, protocol, timeoutSeconds, retries, displayLabel };
  // The IPv6 list only where a directory wants it, so an IPv4 estate's settings stay as they were.
  const serversIpv6 = sortedUnique(options.npsServers.flatMap((server) => server.ipv6Address ?? []));
  if (
    serversIpv6.length > 0 &&
    options.directories.some((directory) => usesIpv6(networkTypeOf(directory.networkType)))
  )
    settings.serversIpv6 = serversIpv6;
  const settingsFingerprint = radiusSettingsFingerprint(settings);
  return options.directories.map((directory): DirectoryAction => {
    const networkType = networkTypeOf(directory.networkType);
    const base = {
      directoryId: directory.directoryId,
      ...(directory.target === undefined ? {} : { target: directory.target }),
      ...(networkType !== undefined && networkType !== "IPv4" ? { networkType } : {}),
      settings,
      settingsFingerprint,
    };
    const lists = radiusServersFor(settings, networkType);
    if (lists.servers.length === 0 && lists.serversIpv6.length === 0) {
      return {
        ...base,
        action: "none",
        reason: "no usable NPS server to point the directory at (see problems)",
      };
    }
    if (directory.radiusSettings === undefined) {
      return {
        ...base,
        action: "enable",
        reason: `RADIUS is not enabled on directory ${directoryLabel(directory.directoryId, directory.target)}`,
      };
    }
    const reasons = updateReasons(directory, directory.radiusSettings, settings, options.secret);
    if (reasons.length === 0) {
      return { ...base, action: "none", reason: "RADIUS settings and secret version are as wanted" };
    }
    return { ...base, action: "update", reason: reasons.join("; ") };
  });
}
