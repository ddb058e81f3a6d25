import {
  addIpv6,
  createManagedAd,
  managedAdIpv6Addresses,
  type SeededIpv6,
  type SeededManagedAd,
} from "./seed-ipv6.js";
import { prepareWorld, type World } from "./world.js";

/**
 * The standard world with IPv6 (see seed-ipv6.ts): the seeded AD Connector made IPv6-only and a
 * dual-stack Managed Microsoft AD beside it, both reporting IPv6 sources through the
 * directory-network double. The connector's first address is written as Directory Service might
 * (upper case, leading zeros), so everything after discovery must read it in RFC 5952 form.
 *
 * @example
 * ```ts
 * const { world, managed, connectorV6 } = await prepareIpv6World();
 * ```
 */
export async function prepareIpv6World(): Promise<{
  world: World;
  ipv6: SeededIpv6;
  managed: SeededManagedAd;
  connectorV6: string[];
  managedV6: string[];
}> {
  const world = await prepareWorld();
  const ipv6 = await addIpv6(world.estate);
  const managed = await createManagedAd(world.estate, "ad.example.com");
  const [first = "", second = ""] = ipv6.subnetCidrs.map((cidr) => cidr.replace("::/64", ""));
  const connectorV6 = [`${first.toUpperCase()}:0000:0000:0000:0A05`, `${second}::a06`];
  const managedV6 = managedAdIpv6Addresses(ipv6.subnetCidrs);
  world.network.setNetwork(world.estate.directory.directoryId, {
    networkType: "IPv6",
    ipv6Addresses: connectorV6,
  });
  world.network.setNetwork(managed.directoryId, { networkType: "Dual-stack", ipv6Addresses: managedV6 });
  return { world, ipv6, managed, connectorV6, managedV6 };
}
