import { describe, expect, it } from "vitest";
import { mapWithConcurrency } from "../../shared/core/concurrency.js";
import { causeMessage } from "../../shared/core/error-cause.js";
import { adGroupSidPlaceholder, planNpsPolicies, renderNpsPolicies } from "../../shared/core/nps-policies.js";
import {
  NpsTarget,
  PhaseProgress,
  PhaseSecret,
  secretVersionFor,
  WorkflowPhase,
} from "../../shared/core/phases.js";
import {
  EXECUTION_TIMEOUT_SECONDS,
  timeBudgetProblems,
  worstCaseSeconds,
} from "../../shared/core/time-budget.js";
import { InvalidInput } from "../../shared/errors.js";

/** The phase loop's pure parts at their edges: limits, schemas the state machine carries, messages. */

describe("mapWithConcurrency's limit", () => {
  it.each([0, -1, 1.5, Number.NaN])("refuses a limit of %s, naming it", async (limit) => {
    await expect(mapWithConcurrency([1], limit, async (item) => item)).rejects.toThrow(
      new RangeError(`limit must be a whole number ≥ 1, got ${limit}`),
    );
  });

  it("runs one item at a time with a limit of 1, and returns nothing for no items", async () => {
    const order: string[] = [];
    const results = await mapWithConcurrency(["a", "b"], 1, async (item) => {
      order.push(`start ${item}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      order.push(`end ${item}`);
      return item.toUpperCase();
    });
    expect(results).toEqual(["A", "B"]);
    expect(order).toEqual(["start a", "end a", "start b", "end b"]);
    expect(await mapWithConcurrency([], 3, async () => 1)).toEqual([]);
  });
});

describe("causeMessage", () => {
  it("reads an error payload with whitespace around it, and gives nothing for null", () => {
    expect(causeMessage('  \n{"errorType":"X","errorMessage":"the message"}  ')).toBe("the message");
    expect(causeMessage(null)).toBe("");
  });

  it("keeps JSON whose errorMessage is no text, and JSON that is no object, as the text it is", () => {
    expect(causeMessage('{"errorMessage":5}')).toBe('{"errorMessage":5}');
    expect(causeMessage("null")).toBe("null");
    expect(causeMessage("42")).toBe("42");
    expect(causeMessage('"quoted"')).toBe('"quoted"');
  });
});

describe("the time budget at its edges", () => {
  // With a 1 s poll every check costs 3 s: 900 s fixed and per phase, plus 3 s per second waited (the
  // NPS pushes: 4 servers' turns of 300 s, then 300 s for a cancelled command, in each of 4 pushes).
  const waits = {
    pollSeconds: 1,
    maxNpsWaitSeconds: 300,
    maxRadiusWaitSeconds: 30,
    maxLockWaitSeconds: 1950,
  };

  it(`admits waits that add up to exactly ${EXECUTION_TIMEOUT_SECONDS} s and refuses 3 s more, naming every figure`, () => {
    expect(worstCaseSeconds(waits)).toBe(EXECUTION_TIMEOUT_SECONDS);
    expect(timeBudgetProblems(waits, 21_601)).toEqual([]);
    expect(timeBudgetProblems({ ...waits, maxLockWaitSeconds: 1951 }, 21_601)).toEqual([
      {
        subject: "waits",
        message:
          "add up to 21603 s in the worst case (a queued rotation that converges drift, runs blue/green and rolls " +
          "back: lock 1951 s, 4 NPS pushes to 4 servers in turn at 300 s each, 5 RADIUS waits of 30 s, polling every 1 s), more than the " +
          "execution's 21600 s timeout, which Step Functions cannot catch: shorten RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS, " +
          "RADIUS_SYNC_MAX_NPS_WAIT_SECONDS or RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS, or poll less often",
      },
    ]);
  });

  it("wants a lock TTL longer than the execution timeout: 21,601 s, not 21,600", () => {
    expect(timeBudgetProblems(waits, 21_600)).toEqual([
      {
        subject: "RADIUS_SYNC_LOCK_TTL_SECONDS",
        message:
          "is 21600 s, but an execution may run 21600 s: a running execution's lock would be taken over; make it " +
          "longer than the execution timeout",
      },
    ]);
  });
});

describe("NPS policies", () => {
  it("treats only a group that starts with S-1- as a SID; a DOMAIN\\Name is resolved on the host", () => {
    const group = (adGroup: string) =>
      planNpsPolicies({ namePrefix: "radius-sync", accessMode: "group", protocol: "PAP", adGroup })[1]
        ?.conditions[1]?.[1];
    expect(group("S-1-5-21-1-2-3-1105")).toBe("S-1-5-21-1-2-3-1105");
    expect(group("CORP\\S-1-5-21-1-2-3-1105")).toBe(adGroupSidPlaceholder);
  });

  it("renders every connection request policy before any network policy, whatever their orders", () => {
    const rendered = renderNpsPolicies([
      { kind: "np", name: "b", order: 1, conditions: [], profile: [] },
      { kind: "crp", name: "a", order: 3, conditions: [], profile: [] },
      { kind: "np", name: "c", order: 2, conditions: [], profile: [] },
      { kind: "crp", name: "d", order: 2, conditions: [], profile: [] },
    ]);
    expect((JSON.parse(rendered) as { name: string }[]).map((policy) => policy.name)).toEqual([
      "d",
      "a",
      "b",
      "c",
    ]);
  });

  it("uses attribute ids written as netsh takes them (0x and 1-4 lowercase hex digits)", () => {
    for (const accessMode of ["push", "group"] as const) {
      for (const policy of planNpsPolicies({
        namePrefix: "rs",
        accessMode,
        protocol: "PAP",
        adGroup: "C\\G",
      })) {
        for (const [id] of [...policy.conditions, ...policy.profile]) expect(id).toMatch(/^0x[0-9a-f]{1,4}$/);
      }
    }
  });
});

describe("the phase schemas the state machine carries", () => {
  const described = { mismatch: false, reason: "why" };
  const settings = {
    servers: ["10.0.1.5"],
    port: 1812,
    protocol: "PAP",
    timeoutSeconds: 30,
    retries: 1,
    displayLabel: "MFA",
  };

  it("reads each kind of phase with its own fields and its description", () => {
    expect(WorkflowPhase.parse({ kind: "securityGroups", ...described })).toEqual({
      kind: "securityGroups",
      ...described,
    });
    expect(
      WorkflowPhase.parse({ kind: "nps", instanceIds: ["i-01234567"], secret: "pending", ...described }).kind,
    ).toBe("nps");
    const directories = {
      kind: "directories",
      directoryIds: ["d-0123456789"],
      enable: [],
      settings,
      settingsFingerprint: "f",
      secret: "current",
      ...described,
    };
    expect(WorkflowPhase.parse(directories).kind).toBe("directories");
    expect(WorkflowPhase.safeParse({ kind: "securityGroups" }).success).toBe(false);
    expect(
      WorkflowPhase.safeParse({ kind: "nps", instanceIds: [], secret: "pending", ...described }).success,
    ).toBe(false);
    expect(
      WorkflowPhase.safeParse({
        kind: "nps",
        instanceIds: ["i-01234567", "i-01234568"],
        secret: "pending",
        ...described,
      }).success,
    ).toBe(true);
    expect(WorkflowPhase.safeParse({ ...directories, directoryIds: [] }).success).toBe(false);
    expect(
      WorkflowPhase.safeParse({ ...directories, directoryIds: ["d-0123456789", "d-1123456789"] }).success,
    ).toBe(true);
  });

  it("wants every version id of the run's secret to be non-empty", () => {
    const secret = {
      arn: "arn:aws:secretsmanager:eu-west-1:1:secret:s",
      currentVersionId: "v1",
      pendingVersionId: "v2",
    };
    expect(PhaseSecret.parse(secret)).toEqual(secret);
    for (const field of ["arn", "currentVersionId", "pendingVersionId"] as const) {
      expect(PhaseSecret.safeParse({ ...secret, [field]: "" }).success, field).toBe(false);
    }
  });

  it("carries each server's command and nonce, and progress counts of zero or more", () => {
    const target = { instanceId: "i-01234567", commandId: "c-1", nonce: "ab" };
    expect(NpsTarget.parse(target)).toEqual(target);
    expect(NpsTarget.safeParse({ instanceId: "i-01234567", commandId: "c-1" }).success).toBe(false);
    const progress = { status: "start", started: 0, attempt: 0, pending: [], targets: [target] };
    expect(PhaseProgress.parse(progress)).toEqual(progress);
    expect(PhaseProgress.parse({ ...progress, started: 3, attempt: 2 }).started).toBe(3);
    expect(PhaseProgress.safeParse({ ...progress, started: -1 }).success).toBe(false);
    expect(PhaseProgress.safeParse({ ...progress, attempt: -1 }).success).toBe(false);
    expect(PhaseProgress.safeParse({ ...progress, status: "waiting" }).success).toBe(false);
  });

  it("says which secret has no pending version when a phase wants it", () => {
    expect(() => secretVersionFor({ arn: "arn:s", currentVersionId: "v1" }, "pending")).toThrow(
      new InvalidInput("a phase wants the pending secret version, but arn:s has none in this run"),
    );
  });
});
