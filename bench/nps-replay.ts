/**
 * Issue 19's replay of one execution's NPS commands, step by step as SSM ran them: after every start
 * and every end of an invocation (the Run Command model's events, in order), which servers were
 * restarting IAS, and whether every directory still had a server that answers it — one not
 * restarting, whose running configuration holds an enabled client for one of the directory's
 * addresses with the directory's secret. And, for a rotation, how many servers ran the new secret
 * when it was promoted to AWSCURRENT.
 */
import type { HostRun, RunningClient } from "../test/support/doubles/nps-host.js";
import type { RunCommandEvent } from "../test/support/rig/run-command/model.js";

/** What the replay found. */
export interface NpsRestartFigures {
  /** Invocations of the execution's commands that ran a script. */
  runs: number;
  /** Of those, the ones that restarted IAS. */
  restarts: number;
  /** The most servers restarting IAS at one step. */
  mostRestartingAtOnce: number;
  /** Steps replayed: the state before the first event, then after each start or end. */
  steps: number;
  /** Steps after which at least one directory had no server answering it. */
  stepsWithoutServingServer: number;
  /** The directories that had none at some step (at most 5 named). */
  unservedDirectories: string[];
}

/** A directory as the replay sees it: the addresses it sends from, the secret version it sends with. */
export interface ReplayedDirectory {
  directoryId: string;
  ips: readonly string[];
  secretVersionId: string;
}

const serves = (clients: readonly RunningClient[], directory: ReplayedDirectory) =>
  clients.some(
    (client) =>
      client.enabled &&
      directory.ips.includes(client.ip) &&
      client.secretVersionId === directory.secretVersionId,
  );

/**
 * Replays `runs` (the NPS host double's log of the execution's invocations) in the order of `events`.
 * `initial` is what each server ran before the execution; every server of `servers` may answer every
 * directory (radius-sync points each directory at all of them).
 *
 * @example
 * ```ts
 * replayNpsRestarts({ events, runs, servers, initial, directories }).mostRestartingAtOnce; // 1
 * ```
 */
export function replayNpsRestarts(options: {
  events: readonly RunCommandEvent[];
  runs: readonly HostRun[];
  servers: readonly string[];
  initial: ReadonlyMap<string, readonly RunningClient[]>;
  directories: readonly ReplayedDirectory[];
}): NpsRestartFigures {
  const { runs, directories } = options;
  const running = new Map(options.servers.map((server) => [server, options.initial.get(server) ?? []]));
  const restarting = new Set<string>();
  const unserved = new Set<string>();
  let mostRestartingAtOnce = 0;
  let steps = 0;
  let stepsWithoutServingServer = 0;
  const step = () => {
    steps += 1;
    mostRestartingAtOnce = Math.max(mostRestartingAtOnce, restarting.size);
    const missing = directories.filter(
      (directory) =>
        ![...running].some(([server, clients]) => !restarting.has(server) && serves(clients, directory)),
    );
    if (missing.length > 0) stepsWithoutServingServer += 1;
    for (const directory of missing) unserved.add(directory.directoryId);
  };
  const runOf = (event: RunCommandEvent) =>
    runs.find((run) => run.commandId === event.commandId && run.instanceId === event.instanceId);
  step();
  for (const event of options.events) {
    if (event.instanceId === undefined || (event.kind !== "started" && event.kind !== "ended")) continue;
    const run = runOf(event);
    if (run === undefined) continue;
    if (event.kind === "started" && run.restarted) restarting.add(run.instanceId);
    if (event.kind === "ended") {
      restarting.delete(run.instanceId);
      running.set(run.instanceId, run.runningAfter ?? running.get(run.instanceId) ?? []);
    }
    step();
  }
  return {
    runs: runs.length,
    restarts: runs.filter((run) => run.restarted).length,
    mostRestartingAtOnce,
    steps,
    stepsWithoutServingServer,
    unservedDirectories: [...unserved].slice(0, 5),
  };
}

/** How many servers ran the new secret when a rotation promoted it. */
export interface PromotionFigures {
  servers: number;
  /** Servers whose running configuration held only the promoted version for every client of ours. */
  runningNewSecret: number;
}

/**
 * Whether each server runs `versionId` for every client of ours (enabled, named with `prefix`) now.
 *
 * @example
 * ```ts
 * promotionFigures(new Map([["i-0a", clients]]), "radius-sync-", "v2"); // { servers: 1, runningNewSecret: 1 }
 * ```
 */
export function promotionFigures(
  running: ReadonlyMap<string, readonly RunningClient[]>,
  prefix: string,
  versionId: string,
): PromotionFigures {
  const ours = (clients: readonly RunningClient[]) =>
    clients.filter((client) => client.name.startsWith(prefix));
  const runningNewSecret = [...running.values()].filter((clients) => {
    const owned = ours(clients);
    return (
      owned.length > 0 && owned.every((client) => client.enabled && client.secretVersionId === versionId)
    );
  }).length;
  return { servers: running.size, runningNewSecret };
}
