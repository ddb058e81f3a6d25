/**
 * How many history events one execution can make, worst case, from the waits and the run's phases —
 * and the share of Step Functions' 25,000 it may use. An execution that reaches the limit ends in a
 * way no Catch handles (no rollback runs, the lock stays held until its TTL), so the configuration
 * refuses waits whose worst case passes the share (shared/config.ts), and a plan can check a concrete
 * run the same way. Events are counted as shared/core/history-events.ts counts them, along the paths
 * of state-machines/reconcile.asl.json (test/unit/history-budget.test.ts holds the state names and
 * types to the definition; test/workflow/history-budget.test.ts holds the count to a real execution).
 */
import { eventsOfState, HISTORY_EVENT_LIMIT, historyEvents, type StateType } from "./history-events.js";
import { DIRECTORIES_PER_STEP, SECURITY_GROUPS_PER_STEP } from "./phase-steps.js";
import {
  BUDGETED_NPS_SERVERS,
  maxPolls,
  NPS_EXECUTION_TIMEOUT_SECONDS,
  type WaitSettings,
} from "./time-budget.js";

export { BUDGETED_NPS_SERVERS };

/**
 * The share of the 25,000 events the worst case may use: Task retries (transient AWS errors, each a
 * further 3 events) are not in the worst case, and the rest of the limit is theirs.
 */
export const HISTORY_EVENT_SHARE = 0.8;

/** The events the worst case may use: {@link HISTORY_EVENT_SHARE} of {@link HISTORY_EVENT_LIMIT}. */
export const HISTORY_EVENT_BUDGET = Math.floor(HISTORY_EVENT_LIMIT * HISTORY_EVENT_SHARE);

/** The kinds of phase the definition's phase loop runs, and the wait each one polls with. */
export const phaseWaits = {
  securityGroups: undefined,
  nps: "maxNpsWaitSeconds",
  directories: "maxRadiusWaitSeconds",
} as const satisfies Record<string, keyof WaitSettings | undefined>;

/** A phase's kind (shared/core/phases.ts `WorkflowPhase.kind`). */
export type PhaseKind = keyof typeof phaseWaits;

/**
 * One phase as the history sees it: its kind, how many steps start it (chunks; default 1), and for an
 * NPS push the servers it reaches, one after the other (default 1).
 */
export interface PhaseShape {
  kind: PhaseKind;
  steps?: number;
  servers?: number;
}

/**
 * A run's phases: the reconcile's, and for a rotation its phases and the rollback's. In the worst
 * case every phase waits out every check of its kind; a rotation fails at one phase's last check
 * (usually its last phase; an NPS push that gives up and waits for its cancel may outweigh what
 * follows it) and rolls back, the rollback finishing or failing the same way, and a run without one
 * ends whichever way (success, or a phase failing) makes more events.
 */
export interface RunPhases {
  reconcile: readonly PhaseShape[];
  rotation?: { phases: readonly PhaseShape[]; rollback: readonly PhaseShape[] };
}

/** The definition's states on the paths counted here, with their types. */
export const definitionStates = {
  ValidateInput: "Task",
  DiscoverAndPlan: "Task",
  IsDryRun: "Choice",
  HasChanges: "Choice",
  AcquireLock: "Task",
  IsLockAcquired: "Choice",
  WaitForLock: "Wait",
  EnsureSecret: "Task",
  StartReconcilePhases: "Pass",
  HasNextPhase: "Choice",
  SelectPhase: "Pass",
  StartPhase: "Choice",
  ApplySecurityGroupRules: "Task",
  PushToNpsServers: "Task",
  UpdateDirectories: "Task",
  IsPhaseComplete: "Choice",
  WaitForNpsServers: "Wait",
  CheckNpsServers: "Task",
  WaitForDirectories: "Wait",
  CheckDirectories: "Task",
  PhaseDone: "Pass",
  PhaseFailed: "Choice",
  AfterPhases: "Choice",
  ReportChanges: "Task",
  StartRotation: "Task",
  FinishRotation: "Task",
  ReportRotation: "Task",
  KeepRotationFailure: "Pass",
  RollBackRotation: "Task",
  ConcludeRollback: "Task",
  HoldsLockAfterFailure: "Choice",
  ReleaseLockAfterFailure: "Task",
  ExplainFailure: "Fail",
  ExplainRollbackFailure: "Task",
} as const satisfies Record<string, StateType>;

type StateName = keyof typeof definitionStates;

const eventsOf = (names: readonly StateName[]) =>
  names.reduce((sum, name) => sum + eventsOfState(definitionStates[name]), 0);

/** The states that start a phase of each kind, and the wait and check of its polls. */
const phaseStates: Record<PhaseKind, { start: StateName; poll: readonly StateName[] }> = {
  securityGroups: { start: "ApplySecurityGroupRules", poll: [] },
  nps: { start: "PushToNpsServers", poll: ["WaitForNpsServers", "CheckNpsServers"] },
  directories: { start: "UpdateDirectories", poll: ["WaitForDirectories", "CheckDirectories"] },
};

/** Checks an NPS push makes after giving up, waiting for what it cancelled to end (then it fails). */
const cancelChecks = (waits: WaitSettings) => maxPolls(NPS_EXECUTION_TIMEOUT_SECONDS, waits.pollSeconds);

/**
 * Checks a phase makes at most (none for a phase that waits for nothing): an NPS push one turn per
 * server, and if it is `failing`, the wait for what it cancelled once it gave up
 * (shared/core/nps-check.ts `judgeNpsCheck`); only a push that fails waits for a cancel.
 */
function checksOf(phase: PhaseShape, waits: WaitSettings, failing = false): number {
  if (phase.kind === "nps") {
    const turns = Math.max(1, phase.servers ?? 1) * maxPolls(waits.maxNpsWaitSeconds, waits.pollSeconds);
    return turns + (failing ? cancelChecks(waits) : 0);
  }
  const wait = phaseWaits[phase.kind];
  return wait === undefined ? 0 : maxPolls(waits[wait], waits.pollSeconds);
}

/**
 * The events of one phase through the loop: selected, started in `steps` steps, every check waited
 * out; then done, or (`failing`) failed at its last check, whose error the Catch takes to PhaseFailed.
 */
function phaseEvents(phase: PhaseShape, waits: WaitSettings, failing: boolean): number {
  const { start, poll } = phaseStates[phase.kind];
  const steps = Math.max(1, phase.steps ?? 1);
  const checks = checksOf(phase, waits, failing);
  const selected = eventsOf(["HasNextPhase", "SelectPhase"]);
  const started = steps * eventsOf(["StartPhase", start, "IsPhaseComplete"]);
  const polled = checks * eventsOf([...poll, "IsPhaseComplete"]);
  if (!failing) return selected + started + polled + eventsOf(["PhaseDone"]);
  // The last check's error goes to PhaseFailed instead of IsPhaseComplete (a phase without checks
  // fails at its last step the same way).
  return selected + started + polled - eventsOf(["IsPhaseComplete"]) + eventsOf(["PhaseFailed"]);
}

const phasesEvents = (phases: readonly PhaseShape[], waits: WaitSettings) =>
  phases.reduce((sum, phase) => sum + phaseEvents(phase, waits, false), 0);

/**
 * The phases up to the one that fails at its last check, whichever makes the most events: usually the
 * last, but an NPS push that gives up waits for its cancel too, which may outweigh the phases after it.
 */
function failingPhasesEvents(phases: readonly PhaseShape[], waits: WaitSettings): number {
  return phases.reduce(
    (most, phase, index) =>
      Math.max(most, phasesEvents(phases.slice(0, index), waits) + phaseEvents(phase, waits, true)),
    0,
  );
}

/**
 * The worst-case number of history events of one execution: the execution's own events; validate and
 * plan; for a queued execution every lock attempt until `maxLockWaitSeconds` (then it gets the lock
 * and plans again); the secret; the phases as {@link RunPhases} describes them; the ending that
 * releases the lock. Task retries are not counted (see {@link HISTORY_EVENT_SHARE}).
 *
 * @example
 * ```ts
 * worstCaseHistoryEvents({
 *   waits: { pollSeconds: 15, maxNpsWaitSeconds: 600, maxRadiusWaitSeconds: 1800, maxLockWaitSeconds: 3600 },
 *   phases: { reconcile: [{ kind: "nps" }, { kind: "directories" }] },
 * }); // 3678: 2160 of them lock attempts
 * ```
 */
export function worstCaseHistoryEvents(options: {
  waits: WaitSettings;
  phases: RunPhases;
  /** Whether the execution waits for the lock first (default true: the worst case is queued). */
  queued?: boolean;
}): number {
  const { waits, phases } = options;
  const lockAttempts = options.queued === false ? 0 : maxPolls(waits.maxLockWaitSeconds, waits.pollSeconds);
  const beforePhases =
    historyEvents.executionStarted +
    historyEvents.executionEnded +
    eventsOf([
      "ValidateInput",
      "DiscoverAndPlan",
      "IsDryRun",
      "HasChanges",
      "AcquireLock",
      "IsLockAcquired",
    ]) +
    lockAttempts * eventsOf(["WaitForLock", "AcquireLock", "IsLockAcquired"]) +
    eventsOf(["DiscoverAndPlan", "IsDryRun", "HasChanges", "EnsureSecret", "StartReconcilePhases"]);
  const releaseAfterFailure = eventsOf([
    "HoldsLockAfterFailure",
    "ReleaseLockAfterFailure",
    "ExplainFailure",
  ]);
  const afterPhases = eventsOf(["HasNextPhase", "AfterPhases"]);
  const { rotation } = phases;
  if (rotation === undefined) {
    const succeeding = phasesEvents(phases.reconcile, waits) + afterPhases + eventsOf(["ReportChanges"]);
    const failing =
      phases.reconcile.length === 0 ? 0 : failingPhasesEvents(phases.reconcile, waits) + releaseAfterFailure;
    return beforePhases + Math.max(succeeding, failing);
  }
  const reconciled = phasesEvents(phases.reconcile, waits) + afterPhases + eventsOf(["StartRotation"]);
  const succeeding =
    phasesEvents(rotation.phases, waits) + afterPhases + eventsOf(["FinishRotation", "ReportRotation"]);
  // The rollback runs to its end, or fails at one of its phases and explains that (then releases).
  const rollback = Math.max(
    phasesEvents(rotation.rollback, waits) + afterPhases + eventsOf(["ConcludeRollback"]),
    rotation.rollback.length === 0
      ? 0
      : failingPhasesEvents(rotation.rollback, waits) + eventsOf(["ExplainRollbackFailure"]),
  );
  const rolledBack =
    failingPhasesEvents(rotation.phases, waits) +
    eventsOf(["KeepRotationFailure", "RollBackRotation"]) +
    rollback +
    releaseAfterFailure;
  return beforePhases + reconciled + Math.max(succeeding, rotation.phases.length > 0 ? rolledBack : 0);
}

/**
 * The NPS phases of one push to `servers` servers: one phase, whose command runs on one server at a
 * time, so its wait is one turn per server.
 *
 * @example
 * ```ts
 * npsPushPhases(4); // [{ kind: "nps", servers: 4 }]
 * ```
 */
export function npsPushPhases(servers: number): PhaseShape[] {
  return servers > 0 ? [{ kind: "nps", servers }] : [];
}

/** What the configuration cannot know about an estate, bounded: servers, and steps per phase. */
export interface EstateBounds {
  npsServers: number;
  /** Steps of a directories phase: every managed directory, a chunk per step. */
  directorySteps: number;
  /** Steps of the security-groups phase: every group with a change, a chunk per step. */
  securityGroupSteps: number;
}

/**
 * The bounds of any estate a run can apply to: the plan refuses more NPS clients than one command
 * carries (`maxClients`, one per directory source IP), so at most that many directories, each with
 * its own security group, plus each NPS server's group.
 *
 * @example
 * ```ts
 * estateBoundsFor({ maxClients: 400, npsServers: 4 }); // { npsServers: 4, directorySteps: 16, securityGroupSteps: 17 }
 * ```
 */
export function estateBoundsFor(options: { maxClients: number; npsServers: number }): EstateBounds {
  return {
    npsServers: options.npsServers,
    directorySteps: Math.ceil(options.maxClients / DIRECTORIES_PER_STEP),
    securityGroupSteps: Math.ceil((options.maxClients + options.npsServers) / SECURITY_GROUPS_PER_STEP),
  };
}

/** A run shape the configuration checks, and how its message names it. */
export interface BudgetedRun {
  description: string;
  phases: RunPhases;
}

/**
 * The runs whose worst case the configuration checks: a queued blue/green rotation that first
 * converges drift (every kind of phase), fails and rolls back; and a queued reconcile
 * of every side. Both at the estate's bounds.
 *
 * @example
 * ```ts
 * budgetedRuns({ npsServers: 4, directorySteps: 16, securityGroupSteps: 17 }).map((run) => run.description);
 * ```
 */
export function budgetedRuns(bounds: EstateBounds): BudgetedRun[] {
  const directories: PhaseShape = { kind: "directories", steps: bounds.directorySteps };
  const every = npsPushPhases(bounds.npsServers);
  const poolA = npsPushPhases(Math.ceil(bounds.npsServers / 2));
  const poolB = npsPushPhases(Math.floor(bounds.npsServers / 2));
  const reconcile: PhaseShape[] = [
    { kind: "securityGroups", steps: bounds.securityGroupSteps },
    ...every,
    directories,
  ];
  const estate = `${bounds.npsServers} NPS servers, ${bounds.directorySteps} update steps per directory phase`;
  return [
    {
      description: `a queued blue/green rotation (${estate}) that converges drift, fails and rolls back`,
      phases: {
        reconcile,
        rotation: {
          phases: [directories, ...poolB, directories, ...poolA, directories],
          rollback: [...every, directories],
        },
      },
    },
    { description: `a queued reconcile of every side (${estate})`, phases: { reconcile } },
  ];
}

/** One thing wrong with the configured waits' history budget. */
export interface HistoryBudgetProblem {
  subject: string;
  message: string;
}

/**
 * What is wrong with the configured waits' history budget (empty when they fit): the worst case of
 * each {@link budgetedRuns} run must stay within {@link HISTORY_EVENT_BUDGET} events.
 *
 * @example
 * ```ts
 * historyBudgetProblems({ ...waits, pollSeconds: 2 }, bounds)[0]?.message;
 * // "add up to 33,… history events in the worst case (…), more than 20,000 (80 % of …)"
 * ```
 */
export function historyBudgetProblems(waits: WaitSettings, bounds: EstateBounds): HistoryBudgetProblem[] {
  const worst = budgetedRuns(bounds)
    .map((run) => ({ run, events: worstCaseHistoryEvents({ waits, phases: run.phases }) }))
    .reduce((most, each) => (each.events > most.events ? each : most));
  if (worst.events <= HISTORY_EVENT_BUDGET) return [];
  return [
    {
      subject: "waits",
      message:
        `add up to ${worst.events} history events in the worst case (${worst.run.description}: ` +
        `${maxPolls(waits.maxLockWaitSeconds, waits.pollSeconds)} lock attempts, ` +
        `${checksOf({ kind: "nps", servers: bounds.npsServers }, waits)} checks per NPS push to ${bounds.npsServers} servers ` +
        `at ${waits.maxNpsWaitSeconds} s each (${cancelChecks(waits)} more once one gives up) and ` +
        `${checksOf({ kind: "directories" }, waits)} per RADIUS wait of ` +
        `${waits.maxRadiusWaitSeconds} s, ` +
        `polling every ${waits.pollSeconds} s), more than ${HISTORY_EVENT_BUDGET} ` +
        `(${Math.round(HISTORY_EVENT_SHARE * 100)} % of Step Functions' ${HISTORY_EVENT_LIMIT} per execution; ` +
        "the rest is left for retries), which ends the execution where no Catch can: poll less often " +
        "(RADIUS_SYNC_POLL_SECONDS) or shorten RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS, " +
        "RADIUS_SYNC_MAX_NPS_WAIT_SECONDS or RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS",
    },
  ];
}
