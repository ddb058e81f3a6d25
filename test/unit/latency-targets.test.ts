/**
 * Issue 10's target verdicts (bench/targets-latency.ts) on made-up bench figures: each target is
 * met by figures that keep it and missed by figures that break it, so docs/benchmarks.md cannot
 * call a D × polls growth, an unbatched describe or an oversized rotation "met".
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../../bench/report.js";
import type { Latency, ScenarioFigures, ScenarioName } from "../../bench/scenarios.js";
import { evaluateLatencyTargets } from "../../bench/targets-latency.js";
import { radiusSyncEnvironment } from "../support/environment.js";

interface Made {
  scenario?: ScenarioName;
  directories: number;
  npsServers: number;
  latency: Latency;
  events: number;
  transitions: number;
  describes?: number;
  seconds?: number;
  payload?: number;
  mutating?: number;
}

function figures(made: Made): ScenarioFigures {
  const { directories, npsServers, latency } = made;
  const byOperation = [
    { service: "ds", operation: "DescribeDirectories", count: made.describes ?? 1, mutating: false },
  ];
  return {
    scenario: made.scenario ?? "rotation blue/green",
    directories,
    npsServers,
    latency,
    status: "SUCCEEDED",
    apiCalls: { total: 10, read: 10, mutating: made.mutating ?? 0, byOperation },
    stateTransitions: made.transitions,
    historyEvents: { total: made.events, byKind: { Task: made.events } },
    duration: { seconds: made.seconds ?? 1000, waits: 0, retries: 0, tasks: 0, timeoutSeconds: 21_600 },
    largestPayload: { bytes: made.payload ?? 10_000, state: "Discover", direction: "output" },
    wallMs: 1,
  };
}

const low = { creatingPolls: 1, pendingPolls: 1 };
const high = { creatingPolls: 20, pendingPolls: 1 };

/** Blue/green at 10 × 2 and 100 × 4, k = 1 and 20: `perPoll(d)` events (and 3 transitions per event) per k-poll. */
function grid(perPoll: (directories: number) => number, describesPerPoll = (_d: number) => 3): BenchResults {
  const scenarios = [
    { directories: 10, npsServers: 2 },
    { directories: 100, npsServers: 4 },
  ].flatMap((size) =>
    [low, high].map((latency) => {
      const polls = latency.creatingPolls - 1;
      return figures({
        ...size,
        latency,
        events: 200 + size.directories + polls * perPoll(size.directories),
        transitions: 70 + polls * 9,
        describes: 5 + polls * describesPerPoll(size.directories),
      });
    }),
  );
  return { scenarios, functions: [], motoVersion: "5.2.5", baseline: low };
}

const verdict = (results: BenchResults, target: string) => {
  const found = evaluateLatencyTargets(results).find((result) => result.target.startsWith(target));
  if (!found) throw new Error(`no target starting ${target}`);
  return found;
};

describe("issue 10's targets as the bench judges them", () => {
  beforeAll(() => {
    Object.assign(process.env, radiusSyncEnvironment);
  });

  it("meets the growth target when every size gains the same events per poll", () => {
    const target = verdict(
      grid(() => 27),
      "history events and transitions grow",
    );

    expect(target.met).toBe(true);
    expect(target.measured).toContain("27 events per k-poll");
  });

  it("misses the growth target when events per poll grow with the directories (a D × polls term)", () => {
    const target = verdict(
      grid((directories) => 9 * directories),
      "history events and transitions grow",
    );

    expect(target.met).toBe(false);
    expect(target.measured).toContain("90 at 10×2, 900 at 100×4");
  });

  it("judges j-polls per NPS server (they run in turn), and still misses a j-poll slope that grows with D", () => {
    /** 10 × 2 and 100 × 4 at j = 1 and 4: `perPoll(d, m)` events and transitions per j-poll. */
    const gridJ = (perPoll: (directories: number, servers: number) => number): BenchResults => ({
      scenarios: [
        { directories: 10, npsServers: 2 },
        { directories: 100, npsServers: 4 },
      ].flatMap((size) =>
        [1, 4].map((pendingPolls) =>
          figures({
            ...size,
            latency: { creatingPolls: 1, pendingPolls },
            events: 200 + (pendingPolls - 1) * perPoll(size.directories, size.npsServers),
            transitions: 70 + (pendingPolls - 1) * perPoll(size.directories, size.npsServers),
          }),
        ),
      ),
      functions: [],
      motoVersion: "5.2.5",
      baseline: low,
    });

    const perServer = verdict(
      gridJ((_d, servers) => 9 * servers),
      "history events and transitions grow",
    );
    const perDirectory = verdict(
      gridJ((directories) => 9 * directories),
      "history events and transitions grow",
    );

    expect(perServer.met).toBe(true);
    expect(perServer.measured).toContain("9 events per j-poll and server");
    expect(perDirectory.met).toBe(false);
  });

  it("misses the API-call target when DescribeDirectories is called per directory on every poll", () => {
    const batched = verdict(
      grid(() => 27),
      "API calls grow",
    );
    const perDirectory = verdict(
      grid(
        () => 27,
        (directories) => 3 * directories,
      ),
      "API calls grow",
    );

    expect(batched.met).toBe(true);
    expect(perDirectory.met).toBe(false);
    expect(perDirectory.measured).toContain("DescribeDirectories +30 per k-poll");
  });

  it("misses the blue/green target above 5,000 history events, and when a rollback would not fit the timeout", () => {
    const at = (events: number, seconds: number): BenchResults => ({
      scenarios: [
        figures({
          directories: 100,
          npsServers: 4,
          latency: { creatingPolls: 20, pendingPolls: 4 },
          events,
          transitions: 1,
          seconds,
        }),
      ],
      functions: [],
      motoVersion: "5.2.5",
      baseline: low,
    });

    expect(verdict(at(4_999, 1_300), "blue/green 100 × 4").met).toBe(true);
    expect(verdict(at(5_001, 1_300), "blue/green 100 × 4").met).toBe(false);
    expect(verdict(at(4_999, 20_000), "blue/green 100 × 4").met).toBe(false);
  });

  it("misses the no-op target on a mutating call, and the payload target at 64 KB", () => {
    const one = (made: Partial<Made>): BenchResults => ({
      scenarios: [
        figures({ directories: 100, npsServers: 4, latency: low, events: 18, transitions: 5, ...made }),
      ],
      functions: [],
      motoVersion: "5.2.5",
      baseline: low,
    });

    expect(verdict(one({ scenario: "no-op reconcile" }), "no-op reconcile").met).toBe(true);
    expect(verdict(one({ scenario: "no-op reconcile", mutating: 1 }), "no-op reconcile").met).toBe(false);
    expect(verdict(one({ payload: 64 * 1024 - 1 }), "largest state payload").met).toBe(true);
    expect(verdict(one({ payload: 64 * 1024 }), "largest state payload").met).toBe(false);
  });

  it("finds the committed definition within 45 states with each wait loop written once", () => {
    const target = verdict(
      grid(() => 27),
      "the definition",
    );

    expect(target.met).toBe(true);
    expect(target.measured).toMatch(
      /^\d+ states; Wait states WaitForLock, WaitForNpsServers, WaitForDirectories/,
    );
  });
});
