import * as z from "zod";
import { InvalidInput } from "../errors.js";
import { DirectoryId } from "./model.js";
import { compareText, sortedUnique } from "./ordering.js";
import {
  type RollbackPlan,
  type RotationPhase,
  type RotationPlan,
  RotationServer,
  RotationStrategy,
  type SecretRole,
} from "./rotation-schema.js";
import { simulateRotation } from "./rotation-simulation.js";

export * from "./rotation-schema.js";
export {
  applyRotationPhase,
  initialRotationState,
  simulatePhases,
  simulateRotation,
} from "./rotation-simulation.js";

const RotationTargets = z.object({
  servers: z
    .array(RotationServer)
    .min(1, "must list at least one NPS server")
    .refine((servers) => new Set(servers.map((server) => server.instanceId)).size === servers.length, {
      message: "must not repeat an instance id",
    })
    .refine((servers) => new Set(servers.map((server) => server.ip)).size === servers.length, {
      message: "must not repeat an IP address",
    }),
  directoryIds: z
    .array(DirectoryId)
    .refine((ids) => new Set(ids).size === ids.length, { message: "must not repeat a directory id" }),
});

function parseTargets(input: unknown): { servers: RotationServer[]; directoryIds: string[] } {
  const result = RotationTargets.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new InvalidInput(`cannot plan a secret rotation: ${problems.join("; ")}`);
  }
  return {
    servers: [...result.data.servers].sort((left, right) => compareText(left.instanceId, right.instanceId)),
    directoryIds: sortedUnique(result.data.directoryIds),
  };
}

type DraftPhase =
  | Omit<Extract<RotationPhase, { kind: "nps" }>, "mismatch">
  | Omit<Extract<RotationPhase, { kind: "directories" }>, "mismatch">;

const ipsOf = (servers: readonly RotationServer[]) => sortedUnique(servers.map((server) => server.ip));
/** The servers' IPv6 addresses as a phase's `serversIpv6`: none when no server carries one. */
const ipv6Of = (servers: readonly RotationServer[]): { serversIpv6?: string[] } => {
  const addresses = sortedUnique(servers.flatMap((server) => server.ipv6 ?? []));
  return addresses.length === 0 ? {} : { serversIpv6: addresses };
};
const idsOf = (servers: readonly RotationServer[]) => servers.map((server) => server.instanceId);
const listed = (values: readonly string[]) => values.join(", ");

function nps(servers: readonly RotationServer[], secret: SecretRole, reason: string): DraftPhase {
  return { kind: "nps", instanceIds: idsOf(servers), secret, reason };
}

function directories(servers: readonly RotationServer[], secret: SecretRole, reason: string): DraftPhase {
  return { kind: "directories", servers: ipsOf(servers), ...ipv6Of(servers), secret, reason };
}

function blueGreenPhases(a: RotationServer[], b: RotationServer[]): DraftPhase[] {
  return [
    directories(
      a,
      "current",
      `directories send to pool A (${listed(ipsOf(a))}) only, so pool B can switch unused`,
    ),
    nps(
      b,
      "pending",
      `pool B (${listed(idsOf(b))}) takes the pending secret while no directory sends it requests`,
    ),
    directories(
      b,
      "pending",
      `directories switch to pool B (${listed(ipsOf(b))}) with the pending secret, which pool B holds`,
    ),
    nps(
      a,
      "pending",
      `pool A (${listed(idsOf(a))}) takes the pending secret while no directory sends it requests`,
    ),
    directories(
      [...a, ...b],
      "pending",
      "directories send the pending secret to every server again, all of which now hold it",
    ),
  ];
}

function inPlacePhases(servers: RotationServer[]): DraftPhase[] {
  return [
    nps(servers, "pending", `every NPS server (${listed(idsOf(servers))}) takes the pending secret`),
    directories(servers, "pending", "every directory switches to the pending secret"),
  ];
}

/** Computes each phase's mismatch flag by simulation and says why in its reason. */
function withMismatches<Plan extends { phases: RotationPhase[] }>(
  plan: Plan,
  simulate: (plan: Plan) => { mismatch: boolean; mismatches: string[] }[],
): Plan {
  const steps = simulate(plan);
  const phases = plan.phases.map((phase, index) => {
    const step = steps[index];
    if (!step?.mismatch) return { ...phase, mismatch: false };
    // A phase that mismatches has at least one way to, so `first` is always there.
    const [first, ...rest] = step.mismatches;
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : "";
    return { ...phase, mismatch: true, reason: `${phase.reason}; MFA may fail meanwhile: ${first}${more}` };
  });
  return { ...plan, phases };
}

const draft = (phases: DraftPhase[]): RotationPhase[] =>
  phases.map((phase) => ({ ...phase, mismatch: false }));

/**
 * Plans how a new secret reaches the NPS servers and the directories. Blue-green splits the servers
 * into two pools and moves the directories away from each pool before it switches, so no request
 * ever meets a server with the other secret; in-place switches everything at once and accepts
 * failed MFA requests while the sides disagree. `auto` picks blue-green when there are at least
 * two servers. Every phase's `mismatch` comes from {@link simulateRotation}.
 *
 * @throws {InvalidInput} for blue-green with fewer than two servers, no servers, or repeated ids/IPs.
 *
 * @example
 * ```ts
 * const plan = planRotation({ strategy: "auto", servers: [{ instanceId: "i-0a…", ip: "10.0.1.5" }, …], directoryIds });
 * plan.strategy; // "blue-green"
 * plan.phases.map((phase) => phase.kind); // ["directories", "nps", "directories", "nps", "directories"]
 * ```
 */
export function planRotation(options: {
  strategy: RotationStrategy;
  servers: readonly RotationServer[];
  directoryIds: readonly string[];
}): RotationPlan {
  const strategy = RotationStrategy.safeParse(options.strategy);
  if (!strategy.success) {
    throw new InvalidInput(
      `rotation strategy must be "auto", "in-place" or "blue-green", got ${JSON.stringify(options.strategy)}`,
    );
  }
  const { servers, directoryIds } = parseTargets(options);
  const count = `${servers.length} NPS server${servers.length === 1 ? "" : "s"}`;
  if (strategy.data === "blue-green" && servers.length < 2) {
    throw new InvalidInput(
      `rotation strategy blue-green needs at least 2 NPS servers, found ${servers.length}: ` +
        'add a server or set RADIUS_SYNC_ROTATION_STRATEGY to "in-place" (or "auto")',
    );
  }
  const chosen = strategy.data === "auto" ? (servers.length >= 2 ? "blue-green" : "in-place") : strategy.data;
  const why =
    strategy.data === "auto" ? `auto chose ${chosen} for ${count}` : `${chosen} as configured, ${count}`;
  if (chosen === "in-place") {
    const plan = {
      strategy: chosen,
      servers,
      directoryIds,
      phases: draft(inPlacePhases(servers)),
    };
    const planned = withMismatches(plan, simulateRotation);
    const mismatching = planned.phases.filter((phase) => phase.mismatch).length;
    const reason =
      mismatching > 0
        ? `${why}: every side switches at once; MFA requests may fail during ${mismatching} of ${planned.phases.length} phases`
        : `${why}: every side switches at once; no directory sends requests, so nothing can fail meanwhile`;
    return { ...planned, reason };
  }
  // The first pool is the larger half, so the pool that serves alone first has the most capacity.
  const half = Math.ceil(servers.length / 2);
  const pools = { a: servers.slice(0, half), b: servers.slice(half) };
  const plan = {
    strategy: chosen,
    servers,
    directoryIds,
    pools,
    phases: draft(blueGreenPhases(pools.a, pools.b)),
  };
  const reason = `${why}: pool A (${pools.a.length}) keeps the current secret while pool B (${pools.b.length}) switches, then the other way round`;
  return { ...withMismatches(plan, simulateRotation), reason };
}

/**
 * Plans the way back after a failed rotation, from whatever point it failed at: every NPS server
 * takes the current secret again, then every directory sends the current secret to every server.
 * Its phases are marked as possible mismatches because the starting point is unknown.
 *
 * @throws {InvalidInput} for no servers or repeated ids/IPs.
 *
 * @example
 * ```ts
 * const rollback = planRollback({ servers, directoryIds });
 * rollback.phases.map((phase) => `${phase.kind}:${phase.secret}`); // ["nps:current", "directories:current"]
 * ```
 */
export function planRollback(options: {
  servers: readonly RotationServer[];
  directoryIds: readonly string[];
}): RollbackPlan {
  const { servers, directoryIds } = parseTargets(options);
  const unknownStart =
    "from a failed rotation's unknown point, directories may still send the pending secret";
  const phases: RotationPhase[] = [
    {
      kind: "nps",
      instanceIds: idsOf(servers),
      secret: "current",
      mismatch: true,
      reason: `every NPS server takes the current secret again; ${unknownStart} meanwhile`,
    },
    {
      kind: "directories",
      servers: ipsOf(servers),
      ...ipv6Of(servers),
      secret: "current",
      mismatch: true,
      reason: `every directory sends the current secret to every server again; ${unknownStart} until its update completes`,
    },
  ];
  return {
    servers,
    directoryIds,
    phases,
    reason: `roll back ${servers.length} NPS server(s) and ${directoryIds.length} director${directoryIds.length === 1 ? "y" : "ies"} to the current secret`,
  };
}

/**
 * How long MFA may have failed during a rotation: the phases that ran and allow a mismatch, and
 * the time they took (their poll attempts × the poll interval). A phase without an attempt count
 * (beyond the end of `phaseAttempts`) did not run and is not counted.
 *
 * @throws {InvalidInput} for a negative or fractional attempt count or poll interval.
 *
 * @example
 * ```ts
 * mismatchWindow({ phases: plan.phases, phaseAttempts: [3, 4], pollSeconds: 15 }); // { phases: 2, seconds: 105 }
 * ```
 */
export function mismatchWindow(options: {
  phases: readonly Pick<RotationPhase, "mismatch">[];
  phaseAttempts: readonly number[];
  pollSeconds: number;
}): { phases: number; seconds: number } {
  const { phases, phaseAttempts, pollSeconds } = options;
  const wholeNumber = (value: number) => Number.isInteger(value) && value >= 0;
  if (!wholeNumber(pollSeconds) || !phaseAttempts.every(wholeNumber)) {
    throw new InvalidInput("phase attempts and the poll interval must be whole numbers, zero or more");
  }
  let count = 0;
  let seconds = 0;
  phases.forEach((phase, index) => {
    const attempts = phaseAttempts[index];
    if (!phase.mismatch || attempts === undefined) return;
    count += 1;
    seconds += attempts * pollSeconds;
  });
  return { phases: count, seconds };
}
