import { beforeEach, describe, expect, it } from "vitest";
import { readDirectoryRadius, readUdpRules } from "../support/inspect.js";
import { prepareIpv6World } from "../support/ipv6-world.js";
import type { SeededIpv6, SeededManagedAd } from "../support/seed-ipv6.js";
import { runWorkflow } from "../support/workflow.js";
import { estateChanges, npsHostsChanged, type World } from "../support/world.js";

const sorted = (values: Iterable<string>) => [...values].sort();
/** RFC 5952 form, as the WHATWG URL parser writes an IPv6 host (independent of the product's code). */
const canonical = (address: string) => new URL(`http://[${address}]/`).hostname.slice(1, -1);
/** The 32 hex digits of an IPv6 address. */
function hex(address: string): string {
  const [head = "", tail = ""] = canonical(address).split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.map((group) => group.padStart(4, "0")).join("");
}
/** The name=ip pairs a SendCommand carries. */
const clientPairs = (world: World) =>
  sorted(
    (
      (world.calls.callsTo("SendCommand").at(-1)?.input.Parameters as { Clients?: string[] } | undefined)
        ?.Clients?.[0] ?? ""
    )
      .split(",")
      .filter(Boolean),
  );

describe("reconcile with an IPv6-only AD Connector and a dual-stack Managed Microsoft AD", () => {
  let world: World;
  let ipv6: SeededIpv6;
  let managed: SeededManagedAd;
  /** The connector's IPv6 sources as Directory Service might write them (upper case, leading zeros). */
  let connectorV6: string[];
  let managedV6: string[];

  beforeEach(async () => {
    ({ world, ipv6, managed, connectorV6, managedV6 } = await prepareIpv6World());
  });

  it("configures both end to end: NPS clients per address, /128 and /32 rules, RadiusServersIpv6", async () => {
    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const connectorId = world.estate.directory.directoryId;
    // NPS: one client per source address, IPv6 ones in RFC 5952 form, named without colons.
    const [a6 = "", b6 = ""] = ipv6.subnetCidrs.map((cidr) => cidr.replace("::/64", ""));
    const expectedClients = [
      ...[`${a6}::a05`, `${b6}::a06`].map(
        (address) => `radius-sync-${connectorId}-${hex(address)}=${canonical(address)}`,
      ),
      ...managed.dnsIps.map((ip) => `radius-sync-${managed.directoryId}-${ip.replaceAll(".", "-")}=${ip}`),
      // In RFC 5952 form too: moto's random prefix can carry a leading zero (2400:6500:0947:…).
      ...managedV6.map(
        (address) => `radius-sync-${managed.directoryId}-${hex(address)}=${canonical(address)}`,
      ),
    ];
    expect(clientPairs(world)).toEqual(sorted(expectedClients));
    for (const server of world.estate.npsServers) {
      const model = world.npsHosts.modelOf(server.instanceId);
      expect(sorted([...(model?.clients.keys() ?? [])])).toEqual(
        sorted(expectedClients.map((pair) => pair.split("=")[0] ?? "")),
      );
    }
    // Directory side: the IPv6-only connector gets only RadiusServersIpv6, the dual-stack one both.
    const npsV4 = sorted(world.estate.npsServers.map((server) => server.privateIp));
    const npsV6 = sorted(ipv6.npsAddresses);
    const connector = await readDirectoryRadius(connectorId);
    expect(connector.status).toBe("Completed");
    expect(connector.settings?.RadiusServers ?? []).toEqual([]);
    expect(sorted(connector.settings?.RadiusServersIpv6 ?? [])).toEqual(npsV6);
    const dual = await readDirectoryRadius(managed.directoryId);
    expect(dual.status).toBe("Completed");
    expect(sorted(dual.settings?.RadiusServers ?? [])).toEqual(npsV4);
    expect(sorted(dual.settings?.RadiusServersIpv6 ?? [])).toEqual(npsV6);
    // Security groups: /128 from each NPS server for both, /32 too for the dual-stack one, all ours.
    const ours = async (groupId: string) =>
      (await readUdpRules(groupId))
        .filter((rule) => rule.description?.startsWith("radius-sync:"))
        .map((rule) => rule.cidr);
    expect(await ours(world.estate.directory.securityGroupId)).toEqual(
      sorted(npsV6.map((ip) => `${ip}/128`)),
    );
    expect(await ours(managed.securityGroupId)).toEqual(
      sorted([...npsV4.map((ip) => `${ip}/32`), ...npsV6.map((ip) => `${ip}/128`)]),
    );
  });

  it("changes nothing on a second execution", async () => {
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    world.calls.reset();

    const second = await runWorkflow({ mode: "reconcile" });

    expect(second.status, second.cause).toBe("SUCCEEDED");
    expect(second.output).toMatchObject({ changed: false, changeCount: 0 });
    expect(estateChanges(world)).toEqual(["SendCommand"]);
    expect(npsHostsChanged(world)).toEqual([]);
  });

  it("repairs an IPv6 connector address change on the drift check: a new client, the old one removed", async () => {
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    const [, second = ""] = ipv6.subnetCidrs.map((cidr) => cidr.replace("::/64", ""));
    // In RFC 5952 form, as discovery writes it.
    const moved = canonical(`${second}::b07`);
    const old = canonical(`${second}::a06`);
    world.network.setNetwork(world.estate.directory.directoryId, {
      networkType: "IPv6",
      ipv6Addresses: [connectorV6[0] ?? "", moved],
    });
    world.calls.reset();

    const drift = await runWorkflow({ mode: "reconcile" });

    expect(drift.status, drift.cause).toBe("SUCCEEDED");
    expect(drift.output).toMatchObject({ changed: true });
    const pairs = clientPairs(world);
    expect(pairs.some((pair) => pair.endsWith(`=${moved}`))).toBe(true);
    expect(pairs.some((pair) => pair.endsWith(`=${old}`))).toBe(false);
    for (const server of world.estate.npsServers) {
      const addresses = [...(world.npsHosts.modelOf(server.instanceId)?.clients.values() ?? [])].map(
        (client) => client.ip,
      );
      expect(addresses).toContain(moved);
      expect(addresses).not.toContain(old);
    }
    // Nothing else moved: no rule, no directory setting.
    expect(estateChanges(world)).toEqual(["SendCommand"]);
  });
});
