/**
 * The benchmark's scenarios: each builds a fresh estate of the requested size on a reset emulator,
 * brings it to the scenario's starting point, then runs ONE measured execution of the real
 * definition with the real handlers and measures it.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { DescribeDirectoriesCommand } from "@aws-sdk/client-directory-service";
import { GetSecretValueCommand, ListSecretVersionIdsCommand } from "@aws-sdk/client-secrets-manager";
import { forgetMemberClients } from "../shared/aws/clients/member.js";
import { clients } from "../shared/aws/clients.js";
import { removeAllTestDoubles } from "../test/support/doubles/index.js";
import { installInterceptor } from "../test/support/doubles/registry.js";
import { secretName } from "../test/support/inspect.js";
import { runCommandModel } from "../test/support/rig/run-command/model.js";
import { freeAddress } from "../test/support/seed.js";
import { collectStates, definitionPath, type Json, runWorkflow } from "../test/support/workflow.js";
import { type EstateSize, prepareBenchWorld } from "./estate.js";
import {
  countHistoryEvents,
  type HistoryEventFigures,
  type SimulatedDuration,
  simulatedDuration,
} from "./history.js";
import { hubEnvironment, memberDirectoryAddresses, type NpsPushFigures, npsPushes } from "./hub.js";
import {
  type ApiCallFigures,
  countApiCalls,
  countCallsByTarget,
  countStateTransitions,
  type LargestPayload,
  largestPayload,
  type ReplayedWindow,
  replayMismatchWindow,
  type TargetCallFigures,
} from "./measure.js";
import {
  type NpsRestartFigures,
  type PromotionFigures,
  promotionFigures,
  replayNpsRestarts,
} from "./nps-replay.js";

/** The scenarios of issue 5, in report order. */
export const scenarioNames = [
  "no-op reconcile",
  "first-time set-up",
  "connector-IP change",
  "rotation in-place",
  "rotation blue/green",
] as const;
/** One of {@link scenarioNames}. */
export type ScenarioName = (typeof scenarioNames)[number];

/**
 * AWS latency as the rig models it: `RadiusStatus` stays Creating for `creatingPolls` looks after each
 * change (k), SSM invocations stay InProgress for `pendingPolls` looks (j).
 */
export interface Latency {
  creatingPolls: number;
  pendingPolls: number;
}

/** The emulator's own latency: everything done at the first look. */
export const noLatency: Latency = { creatingPolls: 0, pendingPolls: 0 };

/** Everything measured for one scenario at one estate size. */
export interface ScenarioFigures extends EstateSize {
  scenario: ScenarioName;
  latency: Latency;
  status: "SUCCEEDED" | "FAILED";
  /** A failed execution's error name and cause (names and counts only: never a secret). */
  error?: string;
  apiCalls: ApiCallFigures;
  stateTransitions: number;
  /** History events as Step Functions records them (bench/history.ts). */
  historyEvents: HistoryEventFigures;
  /** The execution's duration on the simulated clock, and the definition's TimeoutSeconds. */
  duration: SimulatedDuration & { timeoutSeconds: number };
  largestPayload: LargestPayload;
  /** Rotations only: the workflow's own figure and the replay of the recorded calls. */
  mismatchWindow?: { reported: { phases: number; seconds: number }; replayed: ReplayedWindow };
  /**
   * Issue 19, every scenario that starts converged: the NPS commands replayed step by step — the most
   * servers restarting IAS at once, and the steps at which a directory had no server answering it.
   */
  npsRestarts?: NpsRestartFigures;
  /** Rotations only: the servers running the new secret when it was promoted to AWSCURRENT. */
  promotion?: PromotionFigures;
  /** A hub estate only (issue 23): the calls by the account and region they acted in. */
  apiCallsByTarget?: TargetCallFigures[];
  /** A hub estate only: the NPS commands and the most clients one carried (every target's, in one push). */
  npsPushes?: NpsPushFigures;
  /** Informational only, never a pass/fail figure. */
  wallMs: number;
}

/** A scenario without figures: not applicable at the size, or its starting point could not be reached. */
export interface ScenarioGap extends EstateSize {
  scenario: ScenarioName;
  latency: Latency;
  status: "n/a" | "BLOCKED";
  reason: string;
}

/** Why a scenario has no figures at a size ("n/a"). */
export function notApplicable(scenario: ScenarioName, size: EstateSize): string | undefined {
  return scenario === "rotation blue/green" && size.npsServers < 2
    ? "blue/green needs two NPS pools: n/a with one server"
    : undefined;
}

const strategyOf: Partial<Record<ScenarioName, string>> = {
  "rotation in-place": "in-place",
  "rotation blue/green": "blue-green",
};

async function secretVersions(): Promise<Map<string, string>> {
  const { Versions = [] } = await clients.secretsManager.send(
    new ListSecretVersionIdsCommand({ SecretId: secretName(), IncludeDeprecated: true }),
  );
  const byValue = new Map<string, string>();
  for (const { VersionId } of Versions) {
    const answer = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: secretName(), VersionId }),
    );
    byValue.set(answer.SecretString ?? "", VersionId ?? "");
  }
  return byValue;
}

/** Each directory's connector addresses as Directory Service reports them now (drift included). */
async function directoryAddresses(directoryIds: readonly string[]): Promise<Map<string, string[]>> {
  const addresses = new Map<string, string[]>();
  let NextToken: string | undefined;
  do {
    const page = await clients.ds.send(new DescribeDirectoriesCommand({ NextToken }));
    for (const description of page.DirectoryDescriptions ?? []) {
      const id = description.DirectoryId ?? "";
      if (directoryIds.includes(id)) addresses.set(id, description.ConnectSettings?.ConnectIps ?? []);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return addresses;
}

async function currentVersionId(): Promise<string> {
  const answer = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretName(), VersionStage: "AWSCURRENT" }),
  );
  return answer.VersionId ?? "";
}

type Prepared = Awaited<ReturnType<typeof prepareBenchWorld>>;

/** Estates whose drifted connector IP is away from its seeded address (connector-IP change). */
const movedAway = new WeakSet<Prepared>();

/**
 * Brings a prepared estate to the scenario's starting point and runs the ONE measured execution at
 * `latency`. A rotation or a no-op leaves the estate converged, so the next latency can start from it.
 */
async function measureRun(
  scenario: ScenarioName,
  size: EstateSize,
  latency: Latency,
  prepared: Prepared,
): Promise<ScenarioFigures> {
  const { world, directories, npsServers, members } = prepared;
  // A hub's member directories are served by the same NPS servers; each is known by its id alone.
  const everyDirectory = [...directories, ...members.flatMap((member) => member.directories)];
  const [drifted] = directories;
  if (scenario === "connector-IP change" && drifted) {
    // Back and forth, so that every latency measured on one estate changes exactly one connector IP:
    // first to an address nobody holds (a taken one could leave the NPS client list as it was), then
    // back to the seeded one (moto still holds it for this connector), and so on.
    const [kept = "", seeded = ""] = drifted.connectIps;
    const away = movedAway.has(prepared);
    const moved = away ? seeded : await freeAddress(world.estate.subnets[1]);
    if (away) movedAway.delete(prepared);
    else movedAway.add(prepared);
    world.drift.setConnectIps(drifted.directoryId, [kept, moved]);
  }
  const rotating = scenario.startsWith("rotation");
  const versionBefore = rotating ? await currentVersionId() : "";
  // Latency applies to the measured execution only: its starting point is reached as fast as the emulator allows.
  world.radiusStatus.setLatency({ creatingPolls: latency.creatingPolls });
  world.invocations.setLatency({ pendingPolls: latency.pendingPolls });
  world.calls.reset();
  const serverIds = npsServers.map((server) => server.instanceId);
  const initial = new Map(serverIds.map((id) => [id, world.npsHosts.runningOf(id)]));
  const runsBefore = world.npsHosts.runs().length;
  const eventsBefore = runCommandModel.events().length;
  // The moment a rotation promotes its version: what each server's IAS runs then.
  let promotion: PromotionFigures | undefined;
  const promoted = installInterceptor(
    { service: "secretsmanager", operation: "UpdateSecretVersionStage" },
    "bench:servers-running-the-promoted-version",
    async (call, next) => {
      const versionId = call.input.MoveToVersionId;
      if (call.input.VersionStage === "AWSCURRENT" && typeof versionId === "string") {
        const running = new Map(serverIds.map((id) => [id, world.npsHosts.runningOf(id)]));
        promotion = promotionFigures(running, "radius-sync-", versionId);
      }
      return await next();
    },
  );

  const started = performance.now();
  const result = await runWorkflow({ mode: rotating ? "rotate" : "reconcile" }).finally(() =>
    promoted.remove(),
  );
  const wallMs = Math.round(performance.now() - started);
  const calls = [...world.calls.calls];
  const runs = world.npsHosts.runs().slice(runsBefore);
  const commandEvents = runCommandModel.events().slice(eventsBefore);
  world.radiusStatus.setLatency({ creatingPolls: 0 });
  world.invocations.setLatency({ pendingPolls: 0 });

  const definition = JSON.parse(readFileSync(definitionPath, "utf8")) as Json;
  const figures: ScenarioFigures = {
    scenario,
    ...size,
    latency,
    status: result.status,
    apiCalls: countApiCalls(calls),
    stateTransitions: countStateTransitions(result.events),
    historyEvents: countHistoryEvents(result.events),
    duration: {
      ...simulatedDuration(result.events, collectStates(definition)),
      timeoutSeconds: Number(definition.TimeoutSeconds),
    },
    largestPayload: largestPayload(result.events),
    wallMs,
  };
  if (result.status === "FAILED") figures.error = `${result.error}: ${result.cause}`;
  if (scenario !== "first-time set-up" && !rotating) {
    // Every directory sends from its addresses now (the connector-IP change's moved one included)
    // with the secret that was current throughout.
    const version = await currentVersionId();
    const addresses = new Map([
      ...(await directoryAddresses(directories.map((directory) => directory.directoryId))),
      ...(await memberDirectoryAddresses(members)),
    ]);
    figures.npsRestarts = replayNpsRestarts({
      events: commandEvents,
      runs,
      servers: serverIds,
      initial,
      directories: everyDirectory.map((directory) => ({
        directoryId: directory.directoryId,
        ips: addresses.get(directory.directoryId) ?? directory.connectIps,
        secretVersionId: version,
      })),
    });
  }
  if (promotion) figures.promotion = promotion;
  if (size.targets?.length) {
    figures.apiCallsByTarget = countCallsByTarget(calls);
    figures.npsPushes = npsPushes(calls);
  }
  if (rotating && result.status === "SUCCEEDED") {
    const versions = await secretVersions();
    const npsIps = npsServers.map((server) => server.privateIp);
    const output = result.output as { mismatchWindow: { phases: number; seconds: number } };
    figures.mismatchWindow = {
      reported: output.mismatchWindow,
      replayed: replayMismatchWindow(calls, {
        ipOfInstance: new Map(npsServers.map((server) => [server.instanceId, server.privateIp])),
        serversOfDirectory: new Map(everyDirectory.map((directory) => [directory.directoryId, npsIps])),
        versionId: versionBefore,
        versionOfValue: (value) => versions.get(value) ?? "unknown",
      }),
    };
  }
  return figures;
}

/**
 * Runs one scenario at one size, once per latency, and returns the figures in the latencies' order.
 * The estate is built once and reused from one latency to the next (a first-time set-up needs a new
 * one each time). `reset` must forget every emulated resource (moto's reset); installed doubles are
 * removed here. A hub estate (`size.targets`, issue 23) runs with its targets configured
 * (bench/hub.ts `hubEnvironment`), and its member credentials are forgotten with each reset.
 *
 * @example
 * ```ts
 * const figures = await measureScenarioAt("rotation blue/green", { directories: 10, npsServers: 2 }, [noLatency], { reset });
 * ```
 */
export async function measureScenarioAt(
  scenario: ScenarioName,
  size: EstateSize,
  latencies: readonly Latency[],
  options: { reset: () => Promise<void> },
): Promise<Array<ScenarioFigures | ScenarioGap>> {
  const reason = notApplicable(scenario, size);
  if (reason) return latencies.map((latency) => ({ scenario, ...size, latency, status: "n/a", reason }));
  const strategy = strategyOf[scenario];
  const results: Array<ScenarioFigures | ScenarioGap> = [];
  let prepared: Prepared | undefined;
  const environment = {
    ...hubEnvironment(size),
    ...(strategy ? { RADIUS_SYNC_ROTATION_STRATEGY: strategy } : {}),
  };
  try {
    Object.assign(process.env, environment);
    for (const latency of latencies) {
      if (prepared === undefined || scenario === "first-time set-up") {
        removeAllTestDoubles();
        await options.reset();
        // moto forgot the member-role credentials it issued: the hub assumes the roles again.
        forgetMemberClients();
        prepared = await prepareBenchWorld(size);
        if (scenario !== "first-time set-up") {
          const first = await runWorkflow({ mode: "reconcile" });
          if (first.status !== "SUCCEEDED") {
            const why = `the first reconcile it starts from fails: ${first.error}: ${first.cause}`;
            return latencies.map((each) => ({
              scenario,
              ...size,
              latency: each,
              status: "BLOCKED",
              reason: why,
            }));
          }
        }
      }
      results.push(await measureRun(scenario, size, latency, prepared));
    }
    return results;
  } finally {
    for (const name of Object.keys(environment)) delete process.env[name];
    removeAllTestDoubles();
  }
}

/**
 * Runs one scenario at one size and returns its figures (see {@link measureScenarioAt}).
 *
 * @example
 * ```ts
 * const figures = await measureScenario("no-op reconcile", { directories: 1, npsServers: 2 }, { reset: moto.reset });
 * ```
 */
export async function measureScenario(
  scenario: ScenarioName,
  size: EstateSize,
  options: { reset: () => Promise<void>; latency?: Latency },
): Promise<ScenarioFigures | ScenarioGap> {
  const [figures] = await measureScenarioAt(scenario, size, [options.latency ?? noLatency], options);
  if (!figures) throw new Error("measureScenarioAt returned no figures");
  return figures;
}
