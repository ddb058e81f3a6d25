import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BUDGETED_NPS_SERVERS,
  budgetedRuns,
  definitionStates,
  estateBoundsFor,
  HISTORY_EVENT_BUDGET,
  historyBudgetProblems,
  npsPushPhases,
  type PhaseShape,
  worstCaseHistoryEvents,
} from "../../shared/core/history-budget.js";
import { definitionPath } from "../support/workflow.js";

/**
 * The worst case of an execution's history events (shared/core/history-budget.ts), counted state by
 * state as shared/core/history-events.ts counts them. test/workflow/history-budget.test.ts holds the
 * count to a real execution of the definition; these hold the arithmetic and the states.
 */
const defaults = {
  pollSeconds: 15,
  maxNpsWaitSeconds: 300,
  maxRadiusWaitSeconds: 1800,
  maxLockWaitSeconds: 3600,
};
const bounds = { npsServers: 4, directorySteps: 16, securityGroupSteps: 17 };
const unqueued = (phases: Parameters<typeof worstCaseHistoryEvents>[0]["phases"], waits = defaults) =>
  worstCaseHistoryEvents({ waits, phases, queued: false });

describe("the states the worst case counts", () => {
  it("are the definition's, with the definition's types", () => {
    const definition = JSON.parse(readFileSync(definitionPath, "utf8")) as {
      States: Record<string, { Type: string }>;
    };

    for (const [name, type] of Object.entries(definitionStates)) {
      expect({ name, type: definition.States[name]?.Type }).toEqual({ name, type });
    }
  });
});

describe("worstCaseHistoryEvents", () => {
  it("counts a run without phases: the execution and the 11 states from ValidateInput to ReportChanges", () => {
    // 2 + 5 Tasks × 5 (validate, plan twice, lock, secret) + 5 Choices/Passes × 2 + HasNextPhase,
    // AfterPhases × 2 + ReportChanges 5.
    expect(unqueued({ reconcile: [] })).toBe(48);
  });

  it("adds 9 events per lock attempt of a queued execution (WaitForLock, AcquireLock, IsLockAcquired)", () => {
    const queued = worstCaseHistoryEvents({ waits: defaults, phases: { reconcile: [] } });

    expect(queued - unqueued({ reconcile: [] })).toBe((3600 / 15) * 9);
  });

  it("counts a phase as selected, started and every check waited out: 9 events a check, 9 a further step", () => {
    // Measured in front of a long directory update, so the run ends by succeeding: a lone NPS push's
    // worst case is to fail (below).
    const long: PhaseShape = { kind: "directories" };
    const phase = (shape: PhaseShape, waits = defaults) =>
      unqueued({ reconcile: [shape, long] }, waits) - unqueued({ reconcile: [long] }, waits);

    // HasNextPhase, SelectPhase 4; StartPhase, the start Task, IsPhaseComplete 9; 40 checks × 9; PhaseDone 2.
    // An NPS push: 20 checks (300 s every 15 s) per server in turn.
    expect(phase({ kind: "nps" })).toBe(4 + 9 + 20 * 9 + 2);
    expect(phase({ kind: "nps", servers: 4 })).toBe(4 + 9 + 4 * 20 * 9 + 2);
    expect(phase({ kind: "directories" })).toBe(4 + 9 + 120 * 9 + 2);
    expect(unqueued({ reconcile: [long] })).toBe(48 + 4 + 9 + 120 * 9 + 2);
    expect(phase({ kind: "directories", steps: 3 })).toBe(4 + 3 * 9 + 120 * 9 + 2);
    expect(phase({ kind: "securityGroups", steps: 2 })).toBe(4 + 2 * 9 + 2);
    expect(phase({ kind: "nps" }, { ...defaults, pollSeconds: 1 })).toBe(4 + 9 + 300 * 9 + 2);
  });

  it("takes a reconcile's larger ending: success (ReportChanges) over its last phase failing and releasing the lock", () => {
    const reconcile: PhaseShape[] = [{ kind: "directories" }];
    const failing = 4 + 9 + 120 * 9 - 2 + 2 + (2 + 5 + 1);

    expect(unqueued({ reconcile })).toBe(48 + 4 + 9 + 120 * 9 + 2);
    expect(unqueued({ reconcile })).toBeGreaterThan(48 - 9 + failing);
  });

  it("counts a rotation whose last phase, an NPS push, gives up and waits for its cancel, then rolls back and releases the lock", () => {
    const directories: PhaseShape = { kind: "directories" };
    const nps: PhaseShape = { kind: "nps" };
    const rotation = { phases: [directories, nps], rollback: [nps, directories] };
    const phaseOf = { nps: 4 + 9 + 20 * 9 + 2, directories: 4 + 9 + 120 * 9 + 2 };

    const events = unqueued({ reconcile: [], rotation });

    const before = 48 - 9; // up to StartReconcilePhases
    const rotating = 4 + 5; // HasNextPhase, AfterPhases, StartRotation
    // The last phase: 20 more checks once it gave up, no PhaseDone (2), and its last check goes to
    // PhaseFailed (2), not IsPhaseComplete (2).
    const failed = phaseOf.directories + phaseOf.nps + 20 * 9 - 2 - 2 + 2;
    const rolledBack = 2 + 5 + phaseOf.nps + phaseOf.directories + 4 + 5; // … ConcludeRollback
    const released = 2 + 5 + 1; // HoldsLockAfterFailure, ReleaseLockAfterFailure, ExplainFailure
    expect(events).toBe(before + rotating + failed + rolledBack + released);
  });

  it("counts an NPS push that fails by giving up with the checks it waits for its cancel (20 more)", () => {
    const failed = 4 + 9 + (20 + 20) * 9 - 2 + 2;
    const released = 2 + 5 + 1;

    // Failing this way makes more events than succeeding: HasNextPhase, AfterPhases, ReportChanges 9.
    expect(unqueued({ reconcile: [{ kind: "nps" }] })).toBe(48 - 9 + failed + released);
  });

  it("fails a rotation, and its rollback, at whichever phase makes the most events: an NPS push's cancel may outweigh a short directory update", () => {
    const waits = { ...defaults, maxRadiusWaitSeconds: 30 };
    const directories: PhaseShape = { kind: "directories" };
    const nps: PhaseShape = { kind: "nps" };
    const rotation = { phases: [nps, directories], rollback: [nps, directories] };

    const events = unqueued({ reconcile: [], rotation }, waits);

    // The NPS push gives up after its 20 checks and waits 20 more; the directory update (2 checks) after
    // it would have made fewer events. The rollback's push fails the same way and is explained.
    const npsGivingUp = 4 + 9 + (20 + 20) * 9 - 2 + 2;
    const rotating = 4 + 5;
    const explainedRollback = npsGivingUp + 5; // ExplainRollbackFailure
    const released = 2 + 5 + 1;
    expect(events).toBe(48 - 9 + rotating + npsGivingUp + 2 + 5 + explainedRollback + released);
    const npsDone = 4 + 9 + 20 * 9 + 2;
    const directoriesFailing = 4 + 9 + 2 * 9 - 2 + 2;
    expect(npsGivingUp).toBeGreaterThan(npsDone + directoriesFailing);
  });

  it("counts a rotation without phases as one that finishes", () => {
    const events = unqueued({ reconcile: [], rotation: { phases: [], rollback: [] } });

    expect(events).toBe(48 - 9 + 4 + 5 + 4 + 10);
  });
});

describe("the runs the configuration budgets", () => {
  it("bound any estate a run can apply to by the clients one NPS command carries", () => {
    expect(estateBoundsFor({ maxClients: 400, npsServers: BUDGETED_NPS_SERVERS })).toEqual(bounds);
  });

  it("push to NPS in one phase whose command reaches the servers one after the other, and in none without servers", () => {
    expect(npsPushPhases(8)).toEqual([{ kind: "nps", servers: 8 }]);
    expect(npsPushPhases(0)).toEqual([]);
  });

  it("are a blue/green rotation that converges drift, fails and rolls back, and a reconcile", () => {
    const [rotation, reconcile] = budgetedRuns(bounds);
    const directories = { kind: "directories", steps: 16 };
    const every = { kind: "nps", servers: 4 };
    const pool = { kind: "nps", servers: 2 };

    expect(rotation?.phases).toEqual({
      reconcile: [{ kind: "securityGroups", steps: 17 }, every, directories],
      rotation: {
        phases: [directories, pool, directories, pool, directories],
        rollback: [every, directories],
      },
    });
    expect(reconcile?.phases).toEqual({ reconcile: rotation?.phases.reconcile });
  });
});

describe("historyBudgetProblems", () => {
  it("finds none in the defaults (10,759 events of the 20,000)", () => {
    const [rotation] = budgetedRuns(bounds);

    expect(worstCaseHistoryEvents({ waits: defaults, phases: rotation?.phases ?? { reconcile: [] } })).toBe(
      10759,
    );
    expect(HISTORY_EVENT_BUDGET).toBe(20000);
    expect(historyBudgetProblems(defaults, bounds)).toEqual([]);
  });

  it("names the figure, the run, the checks and the settings to change when the worst case passes the budget", () => {
    const waits = {
      pollSeconds: 4,
      maxNpsWaitSeconds: 300,
      maxRadiusWaitSeconds: 600,
      maxLockWaitSeconds: 3600,
    };

    const [problem, ...more] = historyBudgetProblems(waits, bounds);

    expect(more).toEqual([]);
    expect(problem?.subject).toBe("waits");
    expect(problem?.message).toBe(
      "add up to 23989 history events in the worst case (a queued blue/green rotation (4 NPS servers, " +
        "16 update steps per directory phase) that converges drift, fails and rolls back: " +
        "900 lock attempts, 300 checks per NPS push to 4 servers at 300 s each (75 more once one gives up) and " +
        "150 per RADIUS wait of 600 s, polling every 4 s), " +
        "more than 20000 (80 % of Step Functions' 25000 per execution; the rest is left for retries), which ends " +
        "the execution where no Catch can: poll less often (RADIUS_SYNC_POLL_SECONDS) or shorten " +
        "RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS, RADIUS_SYNC_MAX_NPS_WAIT_SECONDS or RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS",
    );
  });
});
