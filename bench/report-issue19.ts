/**
 * The bench report's issue-19 targets and section: NPS servers restart one at a time, every directory
 * keeps a server that answers it at every step, and a rotation is promoted only once every server's
 * IAS runs the new secret (bench/nps-replay.ts replays each execution's commands step by step).
 */
import type { ScenarioFigures, ScenarioGap } from "./scenarios.js";
import type { TargetResult } from "./targets.js";

const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
const table = (head: string[], rows: Array<Array<string | number>>) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");

const measured = (results: ReadonlyArray<ScenarioFigures | ScenarioGap>) =>
  results.filter((result): result is ScenarioFigures => "apiCalls" in result);

/** A reconcile that changes 4 servers: the connector-IP change (every server's client list changes) at M = 4. */
const changesFourServers = (result: ScenarioFigures) =>
  result.scenario === "connector-IP change" && result.npsServers === 4;

/**
 * Issue 19's targets over every measured run.
 *
 * @example
 * ```ts
 * evaluateIssue19Targets(results.scenarios);
 * ```
 */
export function evaluateIssue19Targets(
  results: ReadonlyArray<ScenarioFigures | ScenarioGap>,
): TargetResult[] {
  const runs = measured(results);
  const rolling = runs.filter(changesFourServers).flatMap((result) => (result.npsRestarts ? [result] : []));
  // With one NPS server nobody answers while it restarts: judged where a second server can (M ≥ 2).
  const replayed = runs.flatMap((result) =>
    result.npsRestarts && result.npsServers >= 2 ? [result.npsRestarts] : [],
  );
  const alone = runs.flatMap((result) =>
    result.npsRestarts && result.npsServers < 2 ? [result.npsRestarts] : [],
  );
  const aloneUnserved = alone.reduce((sum, figures) => sum + figures.stepsWithoutServingServer, 0);
  const most = Math.max(0, ...rolling.map((result) => result.npsRestarts?.mostRestartingAtOnce ?? 0));
  const restarts = rolling.map((result) => result.npsRestarts?.restarts ?? 0);
  const unserved = replayed.reduce((sum, figures) => sum + figures.stepsWithoutServingServer, 0);
  const steps = replayed.reduce((sum, figures) => sum + figures.steps, 0);
  const promotions = runs.flatMap((result) => (result.promotion ? [{ result, ...result.promotion }] : []));
  const early = promotions.filter((promotion) => promotion.runningNewSecret < promotion.servers);
  const rotations = runs.filter(
    (result) => result.scenario.startsWith("rotation") && result.status === "SUCCEEDED",
  );
  return [
    {
      target: "a reconcile that changes 4 NPS servers never has more than one restarting IAS at once",
      measured:
        rolling.length === 0
          ? "not measured"
          : `${most} at most, over ${rolling.length} connector-IP changes at M = 4 (${restarts.join(", ")} servers restarted)`,
      met: rolling.length > 0 && most <= 1 && restarts.every((count) => count === 4),
      note: rolling.length === 0 ? "add a cell with M = 4 to --sizes" : "",
    },
    {
      target:
        "0 steps at which a directory has no NPS server answering it (every run that starts converged, M ≥ 2)",
      measured:
        replayed.length === 0
          ? "not measured"
          : `${unserved} of ${steps} replayed steps, ${replayed.length} runs` +
            (alone.length > 0
              ? `; with a single NPS server (left out) ${aloneUnserved} steps in ${alone.length} runs: its restart`
              : ""),
      met: replayed.length > 0 && unserved === 0,
      note:
        alone.length > 0
          ? "one NPS server cannot answer while IAS restarts after a change; docs/nps.md says to run two"
          : "",
    },
    {
      target: "a rotation is promoted to AWSCURRENT only once every server's IAS runs the new secret",
      measured:
        promotions.length === 0
          ? "not measured"
          : `${promotions.length - early.length} of ${promotions.length} promotions with every server running it` +
            (early.length > 0
              ? `; early: ${early.map((p) => `${p.result.scenario} ${p.result.directories}×${p.result.npsServers} (${p.runningNewSecret} of ${p.servers})`).join(", ")}`
              : ""),
      met: promotions.length > 0 && early.length === 0 && promotions.length === rotations.length,
      note: "",
    },
  ];
}

/**
 * The section of docs/benchmarks.md: each converged run's replay at the D×M grid's latency.
 *
 * @example
 * ```ts
 * npsRestartSection(grid.scenarios);
 * ```
 */
export function npsRestartSection(results: ReadonlyArray<ScenarioFigures | ScenarioGap>): string[] {
  const rows = measured(results).flatMap((result) => {
    const replay = result.npsRestarts;
    const promotion = result.promotion;
    if (replay === undefined && promotion === undefined) return [];
    return [
      [
        result.scenario,
        `${result.directories}×${result.npsServers}`,
        replay ? `${replay.restarts} of ${replay.runs}` : "—",
        replay ? replay.mostRestartingAtOnce : "—",
        replay ? `${replay.stepsWithoutServingServer} of ${replay.steps}` : "—",
        promotion ? `${promotion.runningNewSecret} of ${promotion.servers}` : "—",
      ],
    ];
  });
  return [
    "## NPS restarts (issue 19)",
    "",
    "Every run that may change something sends one command to every NPS server, which SSM runs on one",
    "server at a time (MaxConcurrency 1, MaxErrors 0). The replay (bench/nps-replay.ts) walks the Run",
    "Command model's starts and ends in order; a server restarts IAS from the start of an invocation that",
    "restarted it to its end, and answers a directory when it is not restarting and its running",
    "configuration (the NPS host double's, what IAS loaded) holds an enabled client for one of the",
    "directory's addresses with the current secret. A first-time set-up starts with nothing served and is",
    "left out. At promotion (UpdateSecretVersionStage to AWSCURRENT) the rotation's row counts the servers",
    "whose running clients of ours all hold the promoted version.",
    "",
    table(
      [
        "scenario",
        "D×M",
        "runs that restarted IAS",
        "most restarting at once",
        "steps with a directory unserved",
        "servers running the new secret at promotion",
      ],
      rows,
    ),
    "",
  ];
}
