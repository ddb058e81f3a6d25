import type { DiscoveredDirectory, DiscoveredNpsServer, Discovery } from "./model.js";
import { isIpv4, isPlannableAddress } from "./naming.js";
import { compareText, sortedUnique } from "./ordering.js";
import type { PlanProblem } from "./plan-schema.js";
import { networkTypeOf, usesIpv4, usesIpv6 } from "./radius-servers.js";

/** An NPS server radius-sync can use: Online, Windows, with a plain IPv4 address. */
export type EligibleNpsServer = DiscoveredNpsServer & { ipAddress: string };

/** The subjects a plan may act on, and the problems that ruled the others out. */
export interface Eligibility {
  /** Directories with no problem, sorted by id. */
  directories: DiscoveredDirectory[];
  /** NPS servers with no problem, sorted by instance id. */
  npsServers: EligibleNpsServer[];
  problems: PlanProblem[];
}

function problem(error: string, subject: string, message: string): PlanProblem {
  return { error, subject, message };
}

function directoryProblems(directory: DiscoveredDirectory): PlanProblem[] {
  const { directoryId } = directory;
  const problems: PlanProblem[] = [];
  if (directory.stage !== "Active") {
    problems.push(
      problem(
        "DirectoryNotActive",
        directoryId,
        `directory ${directoryId} is in stage ${directory.stage}, not Active, so its RADIUS settings cannot be changed`,
      ),
    );
  }
  if (directory.radiusSourceIps.length === 0) {
    problems.push(
      problem(
        "DirectoryHasNoRadiusSources",
        directoryId,
        `directory ${directoryId} reports no IP addresses that send RADIUS requests (no connector or DNS IPs)`,
      ),
    );
  }
  const networkType = networkTypeOf(directory.networkType);
  if (networkType === undefined) {
    problems.push(
      problem(
        "InvalidInput",
        directoryId,
        `directory ${directoryId} has network type ${JSON.stringify(directory.networkType)}; radius-sync knows IPv4, Dual-stack and IPv6`,
      ),
    );
    return problems;
  }
  for (const ip of sortedUnique(directory.radiusSourceIps)) {
    const ipv4 = isIpv4(ip);
    if (!isPlannableAddress(ip)) {
      problems.push(
        problem(
          "InvalidInput",
          directoryId,
          `directory ${directoryId} reports RADIUS source ${JSON.stringify(ip)}, which is neither a plain IPv4 address nor a unicast IPv6 address`,
        ),
      );
    } else if (ipv4 ? !usesIpv4(networkType) : !usesIpv6(networkType)) {
      problems.push(
        problem(
          "InvalidInput",
          directoryId,
          `directory ${directoryId} reports RADIUS source ${ip}, an ${ipv4 ? "IPv4" : "IPv6"} address, but its network type is ${networkType}`,
        ),
      );
    }
  }
  return problems;
}

function npsServerProblems(server: DiscoveredNpsServer): PlanProblem[] {
  const { instanceId } = server;
  const problems: PlanProblem[] = [];
  if (server.pingStatus !== "Online") {
    problems.push(
      problem(
        "NpsServerOffline",
        instanceId,
        `NPS server ${instanceId} has SSM ping status ${server.pingStatus}, not Online: is it running and can its SSM agent reach SSM?`,
      ),
    );
  }
  if (server.platformType !== "Windows") {
    problems.push(
      problem(
        "NpsServerNotWindows",
        instanceId,
        `NPS server ${instanceId} is a ${server.platformType} managed node; NPS runs on Windows only`,
      ),
    );
  }
  if (server.ipAddress === undefined) {
    problems.push(problem("InvalidInput", instanceId, `NPS server ${instanceId} reports no IPv4 address`));
  } else if (!isIpv4(server.ipAddress)) {
    problems.push(
      problem(
        "InvalidInput",
        instanceId,
        `NPS server ${instanceId} reports address ${JSON.stringify(server.ipAddress)}, which is not a plain IPv4 address`,
      ),
    );
  }
  if (
    server.ipv6Address !== undefined &&
    (isIpv4(server.ipv6Address) || !isPlannableAddress(server.ipv6Address))
  ) {
    problems.push(
      problem(
        "InvalidInput",
        instanceId,
        `NPS server ${instanceId} reports IPv6 address ${JSON.stringify(server.ipv6Address)}, which is not a unicast IPv6 address`,
      ),
    );
  }
  return problems;
}

function noNpsServersMessage(discovery: Discovery): string {
  const known = discovery.npsServers.length + discovery.missingNpsInstanceIds.length;
  return known === 0
    ? "no NPS server matched the configuration (check the NPS instance ids or tag)"
    : `none of the ${known} configured NPS servers can be used (see the problems above)`;
}

/**
 * Sorts the discovered subjects into those a plan may act on and problems that
 * name the others and why. Problem subjects are never actioned.
 *
 * @example
 * ```ts
 * const { directories, npsServers, problems } = assessEligibility(discovery);
 * problems[0]; // { error: "DirectoryNotActive", subject: "d-0123456789", message: "directory d-… is in stage …" }
 * ```
 */
export function assessEligibility(discovery: Discovery): Eligibility {
  const problems: PlanProblem[] = [];
  for (const directoryId of [...discovery.missingDirectoryIds].sort(compareText)) {
    problems.push(
      problem(
        "DirectoryNotFound",
        directoryId,
        `directory ${directoryId} was asked for but does not exist or is not registered with WorkSpaces`,
      ),
    );
  }
  const directories: DiscoveredDirectory[] = [];
  for (const directory of [...discovery.directories].sort((a, b) =>
    compareText(a.directoryId, b.directoryId),
  )) {
    const found = directoryProblems(directory);
    problems.push(...found);
    if (found.length === 0) directories.push(directory);
  }
  for (const instanceId of [...discovery.missingNpsInstanceIds].sort(compareText)) {
    problems.push(
      problem(
        "NpsServerNotManaged",
        instanceId,
        `NPS server ${instanceId} is not an SSM managed node: is the SSM agent installed and the instance role attached?`,
      ),
    );
  }
  const npsServers: EligibleNpsServer[] = [];
  for (const server of [...discovery.npsServers].sort((a, b) => compareText(a.instanceId, b.instanceId))) {
    const found = npsServerProblems(server);
    problems.push(...found);
    if (found.length === 0 && server.ipAddress !== undefined)
      npsServers.push({ ...server, ipAddress: server.ipAddress });
  }
  if (npsServers.length === 0)
    problems.push(problem("NoNpsServers", "NPS servers", noNpsServersMessage(discovery)));
  return { directories: withReachableServers(directories, npsServers, problems), npsServers, problems };
}

/**
 * An IPv6 directory can only be pointed at NPS servers with an IPv6 address: with none among the
 * usable servers it is a problem of its own, and nothing is changed for it (a Dual-stack one still
 * gets the IPv4 addresses).
 */
function withReachableServers(
  directories: DiscoveredDirectory[],
  npsServers: readonly EligibleNpsServer[],
  problems: PlanProblem[],
): DiscoveredDirectory[] {
  if (npsServers.length === 0 || npsServers.some((server) => server.ipv6Address !== undefined))
    return directories;
  return directories.filter((directory) => {
    if (networkTypeOf(directory.networkType) !== "IPv6") return true;
    problems.push(
      problem(
        "InvalidInput",
        directory.directoryId,
        `directory ${directory.directoryId} is IPv6-only, but none of the usable NPS servers has an IPv6 address to point it at`,
      ),
    );
    return false;
  });
}
