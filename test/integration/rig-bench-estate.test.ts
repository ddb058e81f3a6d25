/**
 * The benchmark measures the same estate on every run (issue 8, item 5): at its largest size no two
 * interfaces share an IP, no IP is one AWS reserves, and two builds give the very same estate.
 *
 * 100 AD Connectors need moto's connector quota raised (as the bench raises it), so this file runs
 * its own moto and rig; everything that holds SDK clients (shared/aws/clients.ts, the seed, the
 * bench) is imported only once they point there, so no static import here may reach them.
 */
import { DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raisedConnectorQuota } from "../../bench/moto-quota.js";
import { type MotoServer, startMoto } from "../support/moto.js";
import { currentProxy, setCurrentProxy } from "../support/rig/current-proxy.js";
import { removeAllTestDoubles } from "../support/rig/interceptors.js";
import { type Rig, startRig } from "../support/rig/start-rig.js";

/** The bench's largest cell (bench/run.ts `--sizes` default). */
const largest = { directories: 100, npsServers: 4 };

let moto: MotoServer;
let rig: Rig;
const fileProxy = currentProxy();
const fileEndpoint = process.env.AWS_ENDPOINT_URL;

beforeAll(async () => {
  moto = await startMoto({ environment: raisedConnectorQuota });
  rig = await startRig(moto.endpoint);
}, 120_000);

afterAll(async () => {
  await rig.stop();
  await moto.stop();
  setCurrentProxy(fileProxy);
  process.env.AWS_ENDPOINT_URL = fileEndpoint;
});

async function buildEstate() {
  removeAllTestDoubles();
  await moto.reset();
  const { prepareBenchWorld } = await import("../../bench/estate.js");
  const { clients } = await import("../../shared/aws/clients.js");
  const bench = await prepareBenchWorld(largest);
  const { NetworkInterfaces = [] } = await clients.ec2.send(new DescribeNetworkInterfacesCommand({}));
  return {
    ...bench,
    interfaceIps: NetworkInterfaces.map((networkInterface) => networkInterface.PrivateIpAddress ?? ""),
  };
}

describe("the bench estate at its largest size (100 directories × 4 NPS servers)", () => {
  it("gives every connector and NPS server its own IP, none reserved by AWS, the same on every build", async () => {
    const first = await buildEstate();

    const connectorIps = first.directories.flatMap((directory) => directory.connectIps);
    const npsIps = first.npsServers.map((server) => server.privateIp);
    expect(first.directories).toHaveLength(100);
    expect(connectorIps).toHaveLength(200);
    expect(new Set([...connectorIps, ...npsIps]).size).toBe(204);
    expect(new Set(first.interfaceIps).size).toBe(first.interfaceIps.length);
    // Every seeded subnet is a /24: AWS reserves .0-.3 and .255 of each (VPC user guide).
    const hosts = first.interfaceIps.map((ip) => Number(ip.split(".").at(-1)));
    expect(hosts.filter((host) => host <= 3 || host === 255)).toEqual([]);

    const second = await buildEstate();

    expect(second.directories.map((directory) => [directory.directoryId, directory.connectIps])).toEqual(
      first.directories.map((directory) => [directory.directoryId, directory.connectIps]),
    );
    expect(second.npsServers).toEqual(first.npsServers);
  }, 600_000);
});
