/**
 * The adapters with IPv6 against moto and the directory-network double: discovery reads network
 * types, IPv6 sources in RFC 5952 form and the NPS servers' IPv6 addresses; /128 rules are authorized,
 * read back, and revoked through EC2's Ipv6Ranges; RadiusServersIpv6 goes to Directory Service and
 * comes back.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { describeRadiusTargets, enableOrUpdateRadius } from "../../shared/aws/directory-service.js";
import {
  authorizeRadiusIngressRules,
  describeIngressPermissions,
  revokeRadiusIngress,
} from "../../shared/aws/ec2.js";
import { getConfig } from "../../shared/config.js";
import { discoverEstate } from "../../shared/steps/discover-estate.js";
import { prepareIpv6World } from "../support/ipv6-world.js";
import type { SeededIpv6, SeededManagedAd } from "../support/seed-ipv6.js";
import type { World } from "../support/world.js";

let world: World;
let ipv6: SeededIpv6;
let managed: SeededManagedAd;
let connectorV6: string[];
beforeEach(async () => {
  ({ world, ipv6, managed, connectorV6 } = await prepareIpv6World());
});

describe("discovery with IPv6", () => {
  it("reads each directory's network type and IPv6 sources in RFC 5952 form, and the NPS servers' IPv6 addresses", async () => {
    const discovery = await discoverEstate({ config: getConfig() });

    const connector = discovery.directories.find(
      (directory) => directory.directoryId === world.estate.directory.directoryId,
    );
    expect(connectorV6[0]).toMatch(/^[0-9A-F:]+0A05$/);
    expect(connector).toMatchObject({
      networkType: "IPv6",
      radiusSourceIps: [...connectorV6.map((ip) => new URL(`http://[${ip}]/`).hostname.slice(1, -1))].sort(),
    });
    const dual = discovery.directories.find((directory) => directory.directoryId === managed.directoryId);
    expect(dual?.networkType).toBe("Dual-stack");
    expect(dual?.radiusSourceIps).toHaveLength(managed.dnsIps.length + 2);
    for (const [index, server] of world.estate.npsServers.entries()) {
      expect(discovery.npsServers.find((entry) => entry.instanceId === server.instanceId)?.ipv6Address).toBe(
        ipv6.npsAddresses[index],
      );
    }
  });
});

describe("the adapters with IPv6", () => {
  it("authorizes a /128 through Ipv6Ranges with its description, reads it back, and revokes it", async () => {
    const groupId = world.estate.directory.securityGroupId;
    const cidr = `${ipv6.npsAddresses[0]}/128`;
    const description = "radius-sync: RADIUS from NPS i-0123456789abcdef0";

    await authorizeRadiusIngressRules(groupId, [{ cidr, port: 1812, description }]);
    const read = (await describeIngressPermissions([groupId])).get(groupId) ?? [];
    expect(read).toContainEqual({ protocol: "udp", fromPort: 1812, toPort: 1812, cidr, description });
    expect(await revokeRadiusIngress({ groupId, cidr, port: 1812, description })).toBe("removed");
    const after = (await describeIngressPermissions([groupId])).get(groupId) ?? [];
    expect(after.some((permission) => permission.cidr === cidr)).toBe(false);
  });

  it("sends RadiusServersIpv6 and reads it back as the directory's serversIpv6", async () => {
    await enableOrUpdateRadius({
      directoryId: managed.directoryId,
      action: "enable",
      settings: {
        servers: ["10.0.1.20"],
        serversIpv6: [ipv6.npsAddresses[0] ?? ""],
        port: 1812,
        protocol: "PAP",
        timeoutSeconds: 30,
        retries: 1,
        displayLabel: "MFA",
      },
      sharedSecret: "Sample-Shared-Secret-7f3K9q2LmX0pZ4vB8nR1",
    });

    const [view] = await describeRadiusTargets([managed.directoryId]);
    expect(view?.radiusSettings).toMatchObject({
      servers: ["10.0.1.20"],
      serversIpv6: [ipv6.npsAddresses[0]],
    });
  });

  it("refuses a RadiusServersIpv6 member longer than the model's Server (256) with AWS's ValidationException", async () => {
    const act = enableOrUpdateRadius({
      directoryId: managed.directoryId,
      action: "enable",
      settings: {
        servers: [],
        serversIpv6: ["f".repeat(257)],
        port: 1812,
        protocol: "PAP",
        timeoutSeconds: 30,
        retries: 1,
        displayLabel: "MFA",
      },
      sharedSecret: "Sample-Shared-Secret-7f3K9q2LmX0pZ4vB8nR1",
    });
    await expect(act).rejects.toThrow(/radiusSettings\.radiusServersIpv6\.1\.member/);
  });
});

describe("the directory-network double", () => {
  it("refuses to report what AWS could not: a network type outside the enum, an address outside Ipv6Addr", () => {
    const directoryId = managed.directoryId;
    expect(() => world.network.setNetwork(directoryId, { networkType: "IPv5", ipv6Addresses: [] })).toThrow(
      /NetworkType IPv5/,
    );
    expect(() =>
      world.network.setNetwork(directoryId, { networkType: "Dual-stack", ipv6Addresses: ["2001:db8::g"] }),
    ).toThrow(/Ipv6Addr/);
    expect(() =>
      world.network.setNetwork(directoryId, { networkType: "IPv4", ipv6Addresses: ["2001:db8::1"] }),
    ).toThrow(/IPv4 directory/);
  });

  it("reports no IPv4 sources for an IPv6-only Managed Microsoft AD", async () => {
    world.network.setNetwork(managed.directoryId, { networkType: "IPv6", ipv6Addresses: ["2001:db8::d1"] });
    const [view] = await describeRadiusTargets([managed.directoryId]);
    expect(view).toMatchObject({ networkType: "IPv6", radiusSourceIps: ["2001:db8::d1"] });
  });
});
