/**
 * The benchmark's scenarios: each builds a fresh estate of the requested size on a reset emulator,
 * brings it to the scenario's starting point, then runs ONE measured execution of the real
 * definition with the real handlers and measures it.
 */
import { performance } from "node:perf_hooks";
import { GetSecretValueCommand, ListSecretVersionIdsCommand } from "@aws-sdk/client-secrets-manager";
import { clients } from "../shared/aws/clients.js";
import { removeAllTestDoubles } from "../test/support/doubles/index.js";
import { secretName } from "../test/support/inspect.js";
import { freeAddress } from "../test/support/seed.js";
import { runWorkflow } from "../test/support/workflow.js";
import { type EstateSize, prepareBenchWorld } from "./estate.js";
import {
  type ApiCallFigures,
  countApiCalls,
  countStateTransitions,
  type LargestPayload,
  largestPayload,
  type ReplayedWindow,
  replayMismatchWindow,
} from "./measure.js";

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

/** Everything measured for one scenario at one estate size. */
export interface ScenarioFigures extends EstateSize {
  scenario: ScenarioName;
  status: "SUCCEEDED" | "FAILED";
  /** A failed execution's error name and cause (names and counts only: never a secret). */
  error?: string;
  apiCalls: ApiCallFigures;
  stateTransitions: number;
  largestPayload: LargestPayload;
  /** Rotations only: the workflow's own figure and the replay of the recorded calls. */
  mismatchWindow?: { reported: { phases: number; seconds: number }; replayed: ReplayedWindow };
  /** Informational only, never a pass/fail figure. */
  wallMs: number;
}

/** A scenario without figures: not applicable at the size, or its starting point could not be reached. */
export interface ScenarioGap extends EstateSize {
  scenario: ScenarioName;
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

async function currentVersionId(): Promise<string> {
  const answer = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretName(), VersionStage: "AWSCURRENT" }),
  );
  return answer.VersionId ?? "";
}

/**
 * Runs one scenario at one size and returns its figures. `reset` must forget every emulated
 * resource (moto's reset); installed doubles are removed here.
 *
 * @example
 * ```ts
 * const figures = await measureScenario("no-op reconcile", { directories: 1, npsServers: 2 }, { reset: moto.reset });
 * ```
 */
export async function measureScenario(
  scenario: ScenarioName,
  size: EstateSize,
  options: { reset: () => Promise<void> },
): Promise<ScenarioFigures | ScenarioGap> {
  const reason = notApplicable(scenario, size);
  if (reason) return { scenario, ...size, status: "n/a", reason };
  removeAllTestDoubles();
  await options.reset();
  const { world, directories, npsServers } = await prepareBenchWorld(size);
  try {
    if (scenario !== "first-time set-up") {
      const first = await runWorkflow({ mode: "reconcile" });
      if (first.status !== "SUCCEEDED") {
        const why = `the first reconcile it starts from fails: ${first.error}: ${first.cause}`;
        return { scenario, ...size, status: "BLOCKED", reason: why };
      }
    }
    const [drifted] = directories;
    if (scenario === "connector-IP change" && drifted) {
      // An address nobody holds: a taken one could leave the NPS client list as it was.
      const moved = await freeAddress(world.estate.subnets[1]);
      world.drift.setConnectIps(drifted.directoryId, [drifted.connectIps[0] ?? "", moved]);
    }
    const rotating = scenario.startsWith("rotation");
    const versionBefore = rotating ? await currentVersionId() : "";
    const strategy = strategyOf[scenario];
    if (strategy) process.env.RADIUS_SYNC_ROTATION_STRATEGY = strategy;
    world.calls.reset();

    const started = performance.now();
    const result = await runWorkflow({ mode: rotating ? "rotate" : "reconcile" });
    const wallMs = Math.round(performance.now() - started);
    const calls = [...world.calls.calls];

    const figures: ScenarioFigures = {
      scenario,
      ...size,
      status: result.status,
      apiCalls: countApiCalls(calls),
      stateTransitions: countStateTransitions(result.events),
      largestPayload: largestPayload(result.events),
      wallMs,
    };
    if (result.status === "FAILED") figures.error = `${result.error}: ${result.cause}`;
    if (rotating && result.status === "SUCCEEDED") {
      const versions = await secretVersions();
      const npsIps = npsServers.map((server) => server.privateIp);
      const output = result.output as { mismatchWindow: { phases: number; seconds: number } };
      figures.mismatchWindow = {
        reported: output.mismatchWindow,
        replayed: replayMismatchWindow(calls, {
          ipOfInstance: new Map(npsServers.map((server) => [server.instanceId, server.privateIp])),
          serversOfDirectory: new Map(directories.map((directory) => [directory.directoryId, npsIps])),
          versionId: versionBefore,
          versionOfValue: (value) => versions.get(value) ?? "unknown",
        }),
      };
    }
    return figures;
  } finally {
    delete process.env.RADIUS_SYNC_ROTATION_STRATEGY;
    removeAllTestDoubles();
  }
}
