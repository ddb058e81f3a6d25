/**
 * The standard world of a workflow test: the seeded, unconfigured estate in moto plus every
 * test double the reconcile path needs (each named for the one call moto lacks), and the
 * API-call recorder. The `aws` setupFile removes all doubles after each test.
 */

import { installDirectoryStageDouble } from "./doubles/directory-stage.js";
import {
  installCommandInvocationDouble,
  installConnectIpDrift,
  installDirectoryNetworkDouble,
  installInstanceInformationDouble,
  installRadiusStatusDouble,
  installUpdateRadiusDouble,
  recordApiCalls,
} from "./doubles/index.js";
import { installNpsHealthHostDouble } from "./doubles/nps-health-host.js";
import { installNpsHostDouble } from "./doubles/nps-host.js";
import { radiusSyncEnvironment } from "./environment.js";
import { type SeedOptions, seedEnvironment } from "./seed.js";

/**
 * Seeds the estate (with the seed's options, see `SeedOptions`) and installs the doubles.
 *
 * @example
 * ```ts
 * const world = await prepareWorld();
 * world.nodes.setPingStatus(world.estate.npsServers[1].instanceId, "ConnectionLost");
 * ```
 */
export async function prepareWorld(options: SeedOptions = {}) {
  const estate = await seedEnvironment(options);
  const npsHosts = installNpsHostDouble();
  return {
    estate,
    nodes: installInstanceInformationDouble(),
    updates: installUpdateRadiusDouble(),
    npsHosts,
    npsHealth: installNpsHealthHostDouble({
      documentName: radiusSyncEnvironment.RADIUS_SYNC_HEALTH_DOCUMENT_NAME,
      modelOf: npsHosts.modelOf,
    }),
    invocations: installCommandInvocationDouble(),
    radiusStatus: installRadiusStatusDouble(),
    drift: installConnectIpDrift(),
    network: installDirectoryNetworkDouble(),
    stages: installDirectoryStageDouble(),
    calls: recordApiCalls(),
  };
}

/** What {@link prepareWorld} returns. */
export type World = Awaited<ReturnType<typeof prepareWorld>>;

/**
 * The mutating calls that change the estate, leaving out radius-sync's own bookkeeping: its state
 * table (records, lock) and its result events.
 *
 * @example
 * ```ts
 * expect(estateChanges(world)).toEqual(["SendCommand"]);
 * ```
 */
export function estateChanges(world: World): string[] {
  return world.calls
    .mutatingCalls()
    .filter((call) => call.service !== "dynamodb" && call.service !== "events")
    .map((call) => call.operation);
}

/**
 * The NPS servers whose last command changed anything on the host (a client, a policy, a restart),
 * as the host double saw its summary; a failed command counts as a change only if it closed a door.
 *
 * @example
 * ```ts
 * expect(npsHostsChanged(world)).toEqual([]); // the run's push only verified the servers
 * ```
 */
export function npsHostsChanged(world: World): string[] {
  return world.estate.npsServers
    .map((server) => server.instanceId)
    .filter((instanceId) => {
      const output = world.npsHosts.lastOutputOf(instanceId);
      const summary = output?.summary as
        | { created: number; updated: number; removed: number; policiesChanged: string[]; restarted: boolean }
        | undefined;
      if (summary === undefined) return output?.stderr?.includes("closed its door") === true;
      return (
        summary.restarted ||
        summary.created + summary.updated + summary.removed + summary.policiesChanged.length > 0
      );
    });
}
