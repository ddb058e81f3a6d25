import { beforeEach, describe, expect, it } from "vitest";
import { replayMismatchWindow } from "../../bench/measure.js";
import { agree, readSecretSides } from "../support/agreement.js";
import { readDirectoryRadius, readSecret } from "../support/inspect.js";
import { prepareIpv6World } from "../support/ipv6-world.js";
import type { SeededIpv6, SeededManagedAd } from "../support/seed-ipv6.js";
import { runWorkflow } from "../support/workflow.js";
import type { World } from "../support/world.js";

const sorted = (values: Iterable<string>) => [...values].sort();

describe("blue/green rotation with a dual-stack and an IPv6-only directory", () => {
  let world: World;
  let ipv6: SeededIpv6;
  let managed: SeededManagedAd;

  beforeEach(async () => {
    ({ world, ipv6, managed } = await prepareIpv6World());
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
    world.calls.reset();
  });

  it("never points a directory, on either address family, at a server holding another secret (replayed)", async () => {
    const before = await readSecret("AWSCURRENT");
    const connectorId = world.estate.directory.directoryId;
    const npsV4 = world.estate.npsServers.map((server) => server.privateIp);

    const result = await runWorkflow({ mode: "rotate" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(result.output).toMatchObject({ strategy: "blue-green" });
    const after = await readSecret("AWSCURRENT");
    const values = new Map([
      [before.value, before.versionId],
      [after.value, after.versionId],
    ]);
    const replayed = replayMismatchWindow(world.calls.calls, {
      ipOfInstance: new Map(world.estate.npsServers.map((server) => [server.instanceId, server.privateIp])),
      ipv6OfInstance: new Map(
        world.estate.npsServers.map((server, index) => [server.instanceId, ipv6.npsAddresses[index] ?? ""]),
      ),
      serversOfDirectory: new Map([
        [connectorId, [...ipv6.npsAddresses]],
        [managed.directoryId, [...npsV4, ...ipv6.npsAddresses]],
      ]),
      versionId: before.versionId,
      versionOfValue: (value) => values.get(value) ?? "unknown",
    });
    expect(replayed.changes).toBeGreaterThanOrEqual(6);
    expect(replayed).toMatchObject({ mismatchedSteps: 0, mismatchedPairs: 0 });
    // Each pool is named on both families: the dual-stack directory's two lists are one set of servers.
    const instanceOf = new Map(
      world.estate.npsServers.flatMap((server, index) => [
        [server.privateIp, server.instanceId],
        [ipv6.npsAddresses[index] ?? "", server.instanceId],
      ]),
    );
    const updates = world.calls
      .callsTo("UpdateRadius")
      .filter((call) => call.input.DirectoryId === managed.directoryId)
      .map((call) => call.input.RadiusSettings as { RadiusServers: string[]; RadiusServersIpv6: string[] });
    expect(updates.length).toBeGreaterThanOrEqual(3);
    for (const settings of updates) {
      expect(sorted(settings.RadiusServersIpv6.map((ip) => instanceOf.get(ip) ?? ip))).toEqual(
        sorted(settings.RadiusServers.map((ip) => instanceOf.get(ip) ?? ip)),
      );
    }
    // Every side ends on the new secret, with every server on both families.
    expect(agree(await readSecretSides(world, [connectorId, managed.directoryId]))).toBe(true);
    const dual = await readDirectoryRadius(managed.directoryId);
    expect(sorted(dual.settings?.RadiusServersIpv6 ?? [])).toEqual(sorted(ipv6.npsAddresses));
    expect(sorted(dual.settings?.RadiusServers ?? [])).toEqual(sorted(npsV4));
    const connector = await readDirectoryRadius(connectorId);
    expect(connector.settings?.RadiusServers ?? []).toEqual([]);
    expect(sorted(connector.settings?.RadiusServersIpv6 ?? [])).toEqual(sorted(ipv6.npsAddresses));
  });

  it("is caught by the replay when a dual-stack directory's IPv6 list names a server on the other secret", async () => {
    const before = await readSecret("AWSCURRENT");
    const result = await runWorkflow({ mode: "rotate" });
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const after = await readSecret("AWSCURRENT");
    // The same calls, with every directory update's IPv6 list swapped for the other pool's.
    const swapped = world.calls.calls.map((call) => {
      if (call.operation !== "UpdateRadius") return call;
      const settings = call.input.RadiusSettings as { RadiusServersIpv6?: string[] };
      if (settings.RadiusServersIpv6?.length !== 1) return call;
      const other = ipv6.npsAddresses.filter((ip) => !settings.RadiusServersIpv6?.includes(ip));
      return { ...call, input: { ...call.input, RadiusSettings: { ...settings, RadiusServersIpv6: other } } };
    });
    const values = new Map([
      [before.value, before.versionId],
      [after.value, after.versionId],
    ]);
    const replayed = replayMismatchWindow(swapped, {
      ipOfInstance: new Map(world.estate.npsServers.map((server) => [server.instanceId, server.privateIp])),
      ipv6OfInstance: new Map(
        world.estate.npsServers.map((server, index) => [server.instanceId, ipv6.npsAddresses[index] ?? ""]),
      ),
      serversOfDirectory: new Map(),
      versionId: before.versionId,
      versionOfValue: (value) => values.get(value) ?? "unknown",
    });
    expect(replayed.mismatchedSteps).toBeGreaterThan(0);
  });
});
