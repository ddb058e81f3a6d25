import type { NetworkType } from "./model.js";
import { NetworkType as NetworkTypeSchema } from "./model.js";
import { sortedUnique } from "./ordering.js";

/**
 * Which RADIUS server addresses a directory gets, by its network type: the one place this is
 * decided. `RadiusServers` and `RadiusServersIpv6` are two lists of one `RadiusSettings` (botocore
 * ds/2015-04-16): an IPv4 directory gets the NPS servers' IPv4 addresses, an IPv6 directory their
 * IPv6 addresses, and a Dual-stack directory both — which family a dual-stack directory sends RADIUS
 * from is not documented, so both are configured where both exist (README, "Network types").
 */

/** The two server lists of a directory's RADIUS settings. */
export interface RadiusServerLists {
  servers: string[];
  serversIpv6: string[];
}

/**
 * A directory's network type as radius-sync handles it, or undefined for a value it does not know.
 * Absent (directories from before Directory Service reported it) is IPv4.
 *
 * @example
 * ```ts
 * networkTypeOf(undefined); // "IPv4"
 * networkTypeOf("Dual-stack"); // "Dual-stack"
 * networkTypeOf("IPv5"); // undefined
 * ```
 */
export function networkTypeOf(value: string | undefined): NetworkType | undefined {
  if (value === undefined) return "IPv4";
  const parsed = NetworkTypeSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Whether a directory of this network type may send RADIUS from IPv4 addresses. */
export function usesIpv4(networkType: NetworkType | undefined): boolean {
  return networkType !== "IPv6";
}

/** Whether a directory of this network type may send RADIUS from IPv6 addresses. */
export function usesIpv6(networkType: NetworkType | undefined): boolean {
  return networkType === "Dual-stack" || networkType === "IPv6";
}

/**
 * The server lists a directory of `networkType` gets from settings that carry both families.
 *
 * @example
 * ```ts
 * radiusServersFor({ servers: ["10.0.2.7"], serversIpv6: ["2001:db8::7"] }, "IPv6");
 * // { servers: [], serversIpv6: ["2001:db8::7"] }
 * ```
 */
export function radiusServersFor(
  settings: { servers: readonly string[]; serversIpv6?: readonly string[] | undefined },
  networkType: NetworkType | undefined,
): RadiusServerLists {
  return {
    servers: usesIpv4(networkType) ? sortedUnique(settings.servers) : [],
    serversIpv6: usesIpv6(networkType) ? sortedUnique(settings.serversIpv6 ?? []) : [],
  };
}

/**
 * Both lists as one line for reasons and logs.
 *
 * @example
 * ```ts
 * describeServerLists({ servers: ["10.0.2.7"], serversIpv6: [] }); // "[10.0.2.7]"
 * ```
 */
export function describeServerLists(lists: RadiusServerLists): string {
  const ipv4 = `[${lists.servers.join(", ")}]`;
  return lists.serversIpv6.length === 0 ? ipv4 : `${ipv4} and IPv6 [${lists.serversIpv6.join(", ")}]`;
}
