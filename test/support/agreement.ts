/**
 * Invariant 2 as a test helper: after any execution every managed directory, every NPS server and
 * AWSCURRENT agree on one secret. The directory's secret is read from moto (which keeps the
 * SharedSecret it was given); the NPS servers' from the NPS host double.
 */
import { readDirectoryRadius, readSecret } from "./inspect.js";
import type { World } from "./world.js";

/** Where each side stands: the secret version (or value) it holds. */
export interface SecretSides {
  current: { versionId: string; value: string };
  directories: Array<{ directoryId: string; holdsCurrent: boolean }>;
  npsServers: Array<{ instanceId: string; versions: string[] }>;
}

/**
 * Reads the secret each side holds.
 *
 * @example
 * ```ts
 * const sides = await readSecretSides(world, [directoryId]);
 * ```
 */
export async function readSecretSides(world: World, directoryIds: string[]): Promise<SecretSides> {
  const current = await readSecret("AWSCURRENT");
  const directories = await Promise.all(
    directoryIds.map(async (directoryId) => {
      const radius = await readDirectoryRadius(directoryId);
      return { directoryId, holdsCurrent: radius.settings?.SharedSecret === current.value };
    }),
  );
  const npsServers = world.estate.npsServers.map(({ instanceId }) => ({
    instanceId,
    versions: [
      ...new Set(
        [...world.npsHosts.clientsOf(instanceId)]
          .filter(([name]) => name.startsWith("radius-sync-"))
          .map(([, client]) => client.secretVersionId),
      ),
    ],
  }));
  return { current, directories, npsServers };
}

/**
 * True when every directory and every NPS server holds AWSCURRENT.
 *
 * @example
 * ```ts
 * expect(agree(await readSecretSides(world, [directoryId]))).toBe(true);
 * ```
 */
export function agree(sides: SecretSides): boolean {
  return (
    sides.directories.every((directory) => directory.holdsCurrent) &&
    sides.npsServers.every(
      (server) => server.versions.length === 1 && server.versions[0] === sides.current.versionId,
    )
  );
}
