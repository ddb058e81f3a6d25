import { type AccountScope, callScope, scopedKey, scopeOf } from "../rig/accounts.js";
import { installInterceptor, type Removable } from "./registry.js";

/**
 * Test double for the network type and IPv6 addresses of Directory Service directories, which moto
 * (5.2.6) does not have: `DescribeDirectories` answers, for the directories a test seeds, their
 * `NetworkType` (`IPv4`, `Dual-stack`, `IPv6`) and IPv6 RADIUS sources — `ConnectSettings.ConnectIpsV6`
 * for an AD Connector, `DnsIpv6Addrs` for Managed Microsoft AD — beside moto's IPv4 ones; an IPv6-only
 * directory reports no IPv4 addresses (`ConnectIps` / `DnsIpAddrs` emptied). The call still goes to
 * moto. Source: botocore `botocore/data/ds/2015-04-16/service-2.json` — `DirectoryDescription`
 * (`NetworkType`, `DnsIpv6Addrs`), `DirectoryConnectSettingsDescription.ConnectIpsV6`, both lists of
 * `Ipv6Addr`, whose pattern a seeded address must match (the double refuses to report anything AWS
 * could not). `RadiusSettings.RadiusServersIpv6` needs no double: moto stores the request's
 * `RadiusSettings` as sent and reports it back, and the rig's Directory Service rules check each member
 * (`Server`, 1–256 characters). Each setting holds in the account and region it was set for (default:
 * the home account and region). Composes with the connect-ip-drift and radius-status doubles.
 *
 * @example
 * ```ts
 * const network = installDirectoryNetworkDouble();
 * network.setNetwork(directoryId, { networkType: "IPv6", ipv6Addresses: ["2001:db8:0:1::10"] });
 * ```
 */
export interface DirectoryNetworkDouble extends Removable {
  /** From now on, DescribeDirectories reports this network type and these IPv6 sources. */
  setNetwork(
    directoryId: string,
    network: { networkType: string; ipv6Addresses: readonly string[] },
    scope?: AccountScope,
  ): void;
  /** Back to moto's answer (no network type, IPv4 only). */
  clear(directoryId: string, scope?: AccountScope): void;
}

/** botocore ds/2015-04-16 `Ipv6Addr`'s pattern, verbatim. */
const ipv6AddrPattern =
  /^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))$/;
/** botocore ds/2015-04-16 `NetworkType`'s values. */
const networkTypes = ["Dual-stack", "IPv4", "IPv6"];

/** Installs the {@link DirectoryNetworkDouble} on the AWS proxy. */
export function installDirectoryNetworkDouble(): DirectoryNetworkDouble {
  const networks = new Map<string, { networkType: string; ipv6Addresses: string[] }>();
  const handle = installInterceptor(
    { service: "ds", operation: "DescribeDirectories" },
    "directory-network",
    async (call, next) => {
      const result = await next();
      if (!result.ok) return result;
      const descriptions = (result.output.DirectoryDescriptions ?? []) as Array<Record<string, unknown>>;
      for (const description of descriptions) {
        const network = networks.get(scopedKey(callScope(call), String(description.DirectoryId)));
        if (network === undefined) continue;
        const ipv4 = network.networkType !== "IPv6";
        description.NetworkType = network.networkType;
        const connectSettings = description.ConnectSettings as Record<string, unknown> | undefined;
        if (description.Type === "ADConnector" && connectSettings !== undefined) {
          description.ConnectSettings = {
            ...connectSettings,
            ...(ipv4 ? {} : { ConnectIps: [] }),
            ConnectIpsV6: [...network.ipv6Addresses],
          };
        } else {
          if (!ipv4) description.DnsIpAddrs = [];
          description.DnsIpv6Addrs = [...network.ipv6Addresses];
        }
      }
      return result;
    },
  );
  return {
    setNetwork(directoryId, network, scope) {
      if (!networkTypes.includes(network.networkType))
        throw new Error(`NetworkType ${network.networkType} is none of ${networkTypes.join(", ")}`);
      const invalid = network.ipv6Addresses.filter((address) => !ipv6AddrPattern.test(address));
      if (invalid.length > 0)
        throw new Error(
          `${invalid.join(", ")} would not match the Ipv6Addr pattern: AWS could not report it`,
        );
      if (network.networkType === "IPv4" && network.ipv6Addresses.length > 0)
        throw new Error("an IPv4 directory has no IPv6 addresses");
      networks.set(scopedKey(scopeOf(scope), directoryId), {
        networkType: network.networkType,
        ipv6Addresses: [...network.ipv6Addresses],
      });
    },
    clear(directoryId, scope) {
      networks.delete(scopedKey(scopeOf(scope), directoryId));
    },
    remove: () => handle.remove(),
  };
}
