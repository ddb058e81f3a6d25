import { assertNever } from "./assert-never.js";
import { compareText, sortedUnique } from "./ordering.js";
import type {
  DirectoryConfiguration,
  RotationPhase,
  RotationServer,
  RotationState,
  SecretRole,
  SimulatedPhase,
} from "./rotation-schema.js";

/**
 * Simulates a rotation's phases on a model of the estate, to find where a directory may send a
 * RADIUS request to a server that holds the other secret (an MFA failure). The model is
 * deliberately pessimistic about the moments in between: during a directories phase each directory
 * may still use its old settings or already its new ones; during an NPS phase each server of the
 * phase may hold the old secret or already the new one.
 */

/**
 * The steady state before a rotation: every directory sends the current secret to every server,
 * and every server holds the current secret.
 *
 * @example
 * ```ts
 * initialRotationState({ servers, directoryIds: ["d-0123456789"] });
 * // { directories: { "d-0123456789": { servers: ["10.0.1.5"], secret: "current" } }, servers: { "i-…": "current" } }
 * ```
 */
export function initialRotationState(options: {
  servers: readonly RotationServer[];
  directoryIds: readonly string[];
}): RotationState {
  const ips = sortedUnique(options.servers.map((server) => server.ip));
  return {
    directories: Object.fromEntries(
      options.directoryIds.map((directoryId) => [directoryId, { servers: [...ips], secret: "current" }]),
    ),
    servers: Object.fromEntries(options.servers.map((server) => [server.instanceId, "current" as const])),
  };
}

/**
 * The state once a phase has finished on every directory or server it names.
 *
 * @example
 * ```ts
 * const after = applyRotationPhase(before, phase);
 * ```
 */
export function applyRotationPhase(state: RotationState, phase: RotationPhase): RotationState {
  switch (phase.kind) {
    case "nps": {
      const servers = { ...state.servers };
      for (const instanceId of phase.instanceIds) servers[instanceId] = phase.secret;
      return { directories: state.directories, servers };
    }
    case "directories": {
      const configuration: DirectoryConfiguration = { servers: [...phase.servers], secret: phase.secret };
      const directories = Object.fromEntries(
        Object.keys(state.directories).map((directoryId) => [directoryId, { ...configuration }]),
      );
      return { directories, servers: state.servers };
    }
    default:
      return assertNever(phase);
  }
}

/** The secrets a server may hold while the phase runs. */
function possibleServerSecrets(state: RotationState, phase: RotationPhase, instanceId: string): SecretRole[] {
  const before = state.servers[instanceId];
  const secrets = new Set<SecretRole>(before === undefined ? [] : [before]);
  if (phase.kind === "nps" && phase.instanceIds.includes(instanceId)) secrets.add(phase.secret);
  return [...secrets];
}

/** The configurations a directory may use while the phase runs: its old one, and the phase's. */
function possibleConfigurations(
  before: DirectoryConfiguration,
  phase: RotationPhase,
): DirectoryConfiguration[] {
  return phase.kind === "directories" ? [before, { servers: phase.servers, secret: phase.secret }] : [before];
}

function findMismatches(
  state: RotationState,
  phase: RotationPhase,
  instanceByIp: ReadonlyMap<string, string>,
): string[] {
  const found = new Set<string>();
  const directories = Object.entries(state.directories).sort(([left], [right]) => compareText(left, right));
  for (const [directoryId, before] of directories) {
    for (const configuration of possibleConfigurations(before, phase)) {
      for (const ip of configuration.servers) {
        const instanceId = instanceByIp.get(ip);
        if (instanceId === undefined) {
          found.add(`directory ${directoryId} may send requests to ${ip}, which is no known NPS server`);
          continue;
        }
        for (const secret of possibleServerSecrets(state, phase, instanceId)) {
          if (secret === configuration.secret) continue;
          found.add(
            `directory ${directoryId} may send the ${configuration.secret} secret to ${ip} (${instanceId}), ` +
              `which may hold the ${secret} secret`,
          );
        }
      }
    }
  }
  return [...found];
}

/**
 * Runs phases one after the other from `initial`, reporting for each the states before and after
 * and every mismatch possible while it runs. The `mismatch` flags written on the phases are
 * ignored: this is what computes them.
 *
 * @example
 * ```ts
 * const steps = simulatePhases(plan.phases, { servers: plan.servers, initial: initialRotationState(plan) });
 * steps.filter((step) => step.mismatch).length; // 0 for blue-green
 * ```
 */
export function simulatePhases(
  phases: readonly RotationPhase[],
  options: { servers: readonly RotationServer[]; initial: RotationState },
): SimulatedPhase[] {
  const instanceByIp = new Map(options.servers.map((server) => [server.ip, server.instanceId]));
  const steps: SimulatedPhase[] = [];
  let state = options.initial;
  for (const phase of phases) {
    const mismatches = findMismatches(state, phase, instanceByIp);
    const after = applyRotationPhase(state, phase);
    steps.push({ phase, before: state, after, mismatch: mismatches.length > 0, mismatches });
    state = after;
  }
  return steps;
}

/**
 * Simulates a rotation plan from the steady state (everything on the current secret).
 *
 * @example
 * ```ts
 * const steps = simulateRotation(planRotation({ strategy: "in-place", servers, directoryIds }));
 * steps.at(-1)?.after; // every directory and server on "pending"
 * ```
 */
export function simulateRotation(plan: {
  servers: readonly RotationServer[];
  directoryIds: readonly string[];
  phases: readonly RotationPhase[];
}): SimulatedPhase[] {
  return simulatePhases(plan.phases, { servers: plan.servers, initial: initialRotationState(plan) });
}
