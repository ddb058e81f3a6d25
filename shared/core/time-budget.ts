/**
 * How long one execution may take, worst case, from the configuration — and the definition's
 * `TimeoutSeconds`, which it must fit in. Step Functions cannot catch an execution timeout (no
 * rollback runs and the lock stays held until its TTL), so the configuration refuses waits that
 * could add up to one: every wait ends by name (NpsCommandTimedOut, RadiusUpdateTimedOut, LockHeld)
 * early enough that a failed rotation can still roll back.
 */

/**
 * `TimeoutSeconds` of state-machines/reconcile.asl.json (6 h). The definition is a plain JSON file
 * (the local interpreter reads it as committed), so this constant restates it and
 * `test/unit/time-budget.test.ts` keeps the two equal.
 */
export const EXECUTION_TIMEOUT_SECONDS = 21_600;

/**
 * Time allowed for each Lambda run (a check, a chunk of updates, a lock attempt) on top of the waits:
 * a warm function runs in well under a second; the rest is Step Functions' own transitions.
 */
export const TASK_ALLOWANCE_SECONDS = 2;

/** Time allowed to start one phase: its update chunks, or the NPS command's send. */
export const PHASE_START_ALLOWANCE_SECONDS = 60;

/** The steps outside the phases: validate, plan twice, ensure the secret, start and finish, release. */
export const FIXED_ALLOWANCE_SECONDS = 300;

/**
 * The NPS document's execution timeout (shared/nps/ssm-document.cjs `timeoutSeconds`): how long SSM lets
 * the script run on one server. A server's wait (`maxNpsWaitSeconds`) is at least this long, so a
 * server that runs its whole time is never given up on while it runs; after the workflow gives up on
 * a command it waits this long for the cancelled invocations to end.
 */
export const NPS_EXECUTION_TIMEOUT_SECONDS = 300;

/**
 * The NPS servers the configuration's worst cases count (README, "Configuration"): each gets its turn
 * of `maxNpsWaitSeconds`, one after the other; a plan checks its own run with the servers it has.
 */
export const BUDGETED_NPS_SERVERS = 4;

/** The waits of the configuration, in seconds. */
export interface WaitSettings {
  pollSeconds: number;
  maxNpsWaitSeconds: number;
  maxRadiusWaitSeconds: number;
  maxLockWaitSeconds: number;
}

/** Checks one wait makes before it gives up by name: the first check follows one poll interval. */
export function maxPolls(maxWaitSeconds: number, pollSeconds: number): number {
  return Math.max(1, Math.ceil(maxWaitSeconds / pollSeconds));
}

/**
 * The longest execution the workflow can make, phase counts as the definition runs them: a rotation
 * first converges drift (security groups, one NPS push, one directory update), then runs blue/green
 * (three directory phases, two NPS pushes: the longest strategy), then — failing at the very end —
 * rolls back (one NPS push, one directory update). A queued execution first waits for the lock.
 */
export const longestExecutionPhases = { nps: 1 + 2 + 1, directories: 1 + 3 + 1, securityGroups: 1 } as const;

/**
 * The NPS servers each NPS push of the longest execution reaches, of `servers`: every server to
 * converge drift, each blue/green pool (the larger half, then the other), every server to roll back.
 */
export function longestExecutionNpsPushes(servers: number): number[] {
  return [servers, Math.floor(servers / 2), Math.ceil(servers / 2), servers];
}

/**
 * Checks an NPS push to `servers` servers makes at most: one turn of `maxNpsWaitSeconds` per server
 * (they run one at a time), then — once it gives up — the wait for the cancelled invocations to end
 * (at most the document's execution timeout).
 *
 * @example
 * ```ts
 * npsPushChecks({ servers: 4, maxNpsWaitSeconds: 300, pollSeconds: 15 }); // 100: 4 × 20, then 20
 * ```
 */
export function npsPushChecks(options: {
  servers: number;
  maxNpsWaitSeconds: number;
  pollSeconds: number;
}): number {
  const { servers, pollSeconds } = options;
  return (
    Math.max(1, servers) * maxPolls(options.maxNpsWaitSeconds, pollSeconds) +
    maxPolls(NPS_EXECUTION_TIMEOUT_SECONDS, pollSeconds)
  );
}

/** Seconds one phase may take at most: every poll waited out, every check run, plus its start. */
export function phaseBudgetSeconds(maxWaitSeconds: number, pollSeconds: number): number {
  const polls = maxPolls(maxWaitSeconds, pollSeconds);
  return PHASE_START_ALLOWANCE_SECONDS + polls * (pollSeconds + TASK_ALLOWANCE_SECONDS);
}

/** Seconds an NPS push to `servers` servers may take at most (see {@link npsPushChecks}). */
export function npsPushBudgetSeconds(waits: WaitSettings, servers: number): number {
  const checks = npsPushChecks({ servers, ...waits });
  return PHASE_START_ALLOWANCE_SECONDS + checks * (waits.pollSeconds + TASK_ALLOWANCE_SECONDS);
}

/** Seconds a rollback may take at most (one NPS push to every server, one directory update). */
export function rollbackBudgetSeconds(waits: WaitSettings, servers = BUDGETED_NPS_SERVERS): number {
  return (
    npsPushBudgetSeconds(waits, servers) + phaseBudgetSeconds(waits.maxRadiusWaitSeconds, waits.pollSeconds)
  );
}

/**
 * The worst-case duration of one execution under `waits`, with `servers` NPS servers, in seconds.
 *
 * @example
 * ```ts
 * worstCaseSeconds({ pollSeconds: 15, maxNpsWaitSeconds: 300, maxRadiusWaitSeconds: 1800, maxLockWaitSeconds: 3600 });
 * // under EXECUTION_TIMEOUT_SECONDS (21600) with the 4 servers the configuration counts
 * ```
 */
export function worstCaseSeconds(waits: WaitSettings, servers = BUDGETED_NPS_SERVERS): number {
  const { pollSeconds } = waits;
  const lockAttempts = maxPolls(waits.maxLockWaitSeconds, pollSeconds);
  const lock = lockAttempts * (pollSeconds + TASK_ALLOWANCE_SECONDS);
  const pushes = longestExecutionNpsPushes(servers).reduce(
    (sum, reached) => sum + npsPushBudgetSeconds(waits, reached),
    0,
  );
  return (
    FIXED_ALLOWANCE_SECONDS +
    lock +
    longestExecutionPhases.securityGroups * PHASE_START_ALLOWANCE_SECONDS +
    pushes +
    longestExecutionPhases.directories * phaseBudgetSeconds(waits.maxRadiusWaitSeconds, pollSeconds)
  );
}

/** One thing wrong with the configured time budget: the setting(s) it is about, and why. */
export interface TimeBudgetProblem {
  subject: string;
  message: string;
}

/**
 * What is wrong with the configured waits and lock TTL (empty when they fit): the worst case must fit
 * in the execution's timeout, and a lock must outlive any execution that may hold it.
 *
 * @example
 * ```ts
 * timeBudgetProblems({ ...waits, maxRadiusWaitSeconds: 7200 }, 21900)[0]?.message;
 * // "add up to 44300 s in the worst case (…), more than the execution's 21600 s timeout, …"
 * ```
 */
export function timeBudgetProblems(
  waits: WaitSettings,
  lockTtlSeconds: number,
  servers = BUDGETED_NPS_SERVERS,
): TimeBudgetProblem[] {
  const problems: TimeBudgetProblem[] = [];
  const worst = worstCaseSeconds(waits, servers);
  if (worst > EXECUTION_TIMEOUT_SECONDS) {
    problems.push({
      subject: "waits",
      message:
        `add up to ${worst} s in the worst case (a queued rotation that converges drift, runs ` +
        `blue/green and rolls back: lock ${waits.maxLockWaitSeconds} s, ${longestExecutionPhases.nps} NPS pushes ` +
        `to ${servers} servers in turn at ${waits.maxNpsWaitSeconds} s each, ` +
        `${longestExecutionPhases.directories} RADIUS waits of ${waits.maxRadiusWaitSeconds} s, ` +
        `polling every ${waits.pollSeconds} s), more than the execution's ${EXECUTION_TIMEOUT_SECONDS} s timeout, ` +
        "which Step Functions cannot catch: shorten RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS, " +
        "RADIUS_SYNC_MAX_NPS_WAIT_SECONDS or RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS, or poll less often",
    });
  }
  if (lockTtlSeconds <= EXECUTION_TIMEOUT_SECONDS) {
    problems.push({
      subject: "RADIUS_SYNC_LOCK_TTL_SECONDS",
      message:
        `is ${lockTtlSeconds} s, but an execution may run ${EXECUTION_TIMEOUT_SECONDS} s: a running ` +
        "execution's lock would be taken over; make it longer than the execution timeout",
    });
  }
  return problems;
}
