/**
 * Issue 23's target verdicts (bench/report-issue23.ts) on made-up hub figures, and the calls counted
 * by account and region (bench/measure.ts): each target is met by figures that keep it and missed by
 * figures that break it, so docs/benchmarks.md cannot call a hub row over budget "met".
 */
import { describe, expect, it } from "vitest";
import { countCallsByTarget } from "../../bench/measure.js";
import { evaluateIssue23Targets, expectedHubClients, hubSection } from "../../bench/report-issue23.js";
import type { ScenarioFigures, ScenarioGap, ScenarioName } from "../../bench/scenarios.js";
import type { ApiCall } from "../../test/support/doubles/index.js";

const targets = ["123456789012:us-west-2", "111111111111:us-east-1"];

interface Made {
  scenario?: ScenarioName;
  events?: number;
  payload?: number;
  mismatch?: { phases: number; steps: number };
  clients?: number;
  status?: "SUCCEEDED" | "FAILED";
}

/** One hub run's figures: 3 targets × 20 directories × 2 NPS servers, so 120 clients in a push. */
function figures(made: Made = {}): ScenarioFigures {
  const scenario = made.scenario ?? "rotation blue/green";
  return {
    scenario,
    directories: 20,
    npsServers: 2,
    targets,
    latency: { creatingPolls: 1, pendingPolls: 1 },
    status: made.status ?? "SUCCEEDED",
    apiCalls: { total: 10, read: 10, mutating: 0, byOperation: [] },
    stateTransitions: 100,
    historyEvents: { total: made.events ?? 500, byKind: { Task: made.events ?? 500 } },
    duration: { seconds: 300, waits: 200, retries: 0, tasks: 100, timeoutSeconds: 21_600 },
    largestPayload: { bytes: made.payload ?? 30_000, state: "DiscoverDirectories", direction: "output" },
    ...(scenario === "rotation blue/green"
      ? {
          mismatchWindow: {
            reported: { phases: made.mismatch?.phases ?? 0, seconds: 0 },
            replayed: { changes: 183, mismatchedSteps: made.mismatch?.steps ?? 0, mismatchedPairs: 0 },
          },
        }
      : {}),
    npsPushes: { commands: 1, largestClients: made.clients ?? 120 },
    wallMs: 1,
  };
}

const verdict = (hub: Array<ScenarioFigures | ScenarioGap>, target: string) => {
  const found = evaluateIssue23Targets(hub).find((result) => result.target.includes(target));
  if (!found) throw new Error(`no target with ${target}`);
  return found;
};

describe("issue 23's hub targets as the bench judges them", () => {
  it("meets every target when the runs succeed within the history budget, under 64 KB, with no mismatch", () => {
    const hub = [
      figures({ scenario: "first-time set-up" }),
      figures({ scenario: "no-op reconcile" }),
      figures(),
    ];

    const results = evaluateIssue23Targets(hub);

    expect(results.map((result) => [result.target.split(": ")[1]?.slice(0, 20), result.met])).toEqual([
      ["every scenario succe", true],
      ["≤ 20,000 history eve", true],
      ["largest state payloa", true],
      ["mismatch window 0 wi", true],
    ]);
  });

  it("misses the history target above the configuration's 20,000 events, though under Step Functions' 25,000", () => {
    const target = verdict([figures({ events: 20_001 })], "history events");

    expect(target.met).toBe(false);
    expect(target.measured).toContain("20001 at most (rotation blue/green, k = 1, j = 1): 80.0 % of 25,000");
  });

  it("misses the payload target at 64 KB and names the state", () => {
    const under = verdict([figures({ payload: 64 * 1024 - 1 })], "payload");
    const over = verdict([figures({ payload: 64 * 1024 })], "payload");

    expect(under.met).toBe(true);
    expect(over.met).toBe(false);
    expect(over.measured).toContain("DiscoverDirectories output");
  });

  it("misses the mismatch target when either the reported phases or the replay shows a mismatch", () => {
    expect(verdict([figures({ mismatch: { phases: 1, steps: 0 } })], "mismatch").met).toBe(false);
    expect(verdict([figures({ mismatch: { phases: 0, steps: 2 } })], "mismatch").met).toBe(false);
  });

  it("misses the completion target for a failed run, a blocked one, or a push without every target's clients", () => {
    const blocked: ScenarioGap = {
      scenario: "no-op reconcile",
      directories: 20,
      npsServers: 2,
      targets,
      latency: { creatingPolls: 1, pendingPolls: 1 },
      status: "BLOCKED",
      reason: "the first reconcile it starts from fails",
    };

    expect(verdict([figures({ status: "FAILED" })], "every scenario").met).toBe(false);
    expect(verdict([figures(), blocked], "every scenario").met).toBe(false);
    const short = verdict([figures({ clients: 80 })], "every scenario");
    expect(short.met).toBe(false);
    expect(short.note).toContain("a push of 80 clients, not 120");
  });

  it("calls every target not measured when the hub row did not run, and writes no section", () => {
    expect(
      evaluateIssue23Targets([]).every((target) => !target.met && target.measured.startsWith("not measured")),
    ).toBe(true);
    expect(hubSection([])).toEqual([]);
  });

  it("expects two clients per directory in every target, home included", () => {
    expect(expectedHubClients({ directories: 20, npsServers: 2, targets: [...targets, "a", "b", "c"] })).toBe(
      240,
    );
    expect(expectedHubClients({ directories: 20, npsServers: 2 })).toBe(40);
  });
});

describe("countCallsByTarget", () => {
  const call = (account: string, region: string, operation: string): ApiCall => ({
    service: "ds",
    operation,
    input: {},
    accessKeyId: "AKIA",
    account,
    region,
  });

  it("counts calls and mutating calls by account and region, sorted", () => {
    const counted = countCallsByTarget([
      call("222222222222", "us-east-1", "DescribeDirectories"),
      call("111111111111", "us-west-2", "UpdateRadius"),
      call("111111111111", "us-west-2", "DescribeDirectories"),
      call("123456789012", "us-east-1", "AssumeRole"),
    ]);

    expect(counted).toEqual([
      { account: "111111111111", region: "us-west-2", total: 2, mutating: 1 },
      { account: "123456789012", region: "us-east-1", total: 1, mutating: 0 },
      { account: "222222222222", region: "us-east-1", total: 1, mutating: 0 },
    ]);
  });
});
