/**
 * The bench report's issue-23 section: the hub row (3 accounts × 2 regions × 20 directories × 2 NPS
 * servers) per scenario and latency, judged against the targets the single-account estates already
 * have: history events within the configuration's budget, the largest state payload under 64 KB, and
 * blue/green's mismatch window 0.
 */
import { HISTORY_EVENT_BUDGET, HISTORY_EVENT_SHARE } from "../shared/core/history-budget.js";
import { HISTORY_EVENT_LIMIT } from "../shared/core/history-events.js";
import type { EstateSize } from "./estate.js";
import type { ScenarioFigures, ScenarioGap } from "./scenarios.js";
import type { TargetResult } from "./targets.js";

/** The section's title, and the estate every target names. */
export const hubTitle = "Hub: 3 accounts × 2 regions × 20 directories × 2 NPS servers (issue 23)";

/** The payload target of issues 5 and 10: well under Step Functions' 256 KB. */
export const payloadTargetBytes = 64 * 1024;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
const table = (head: string[], rows: Array<Array<string | number>>) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
const percentOfLimit = (events: number) => `${((100 * events) / HISTORY_EVENT_LIMIT).toFixed(1)} %`;
const where = (figures: ScenarioFigures) =>
  `${figures.scenario}, k = ${figures.latency.creatingPolls}, j = ${figures.latency.pendingPolls}`;
const measuredOnly = (hub: ReadonlyArray<ScenarioFigures | ScenarioGap>) =>
  hub.filter((result): result is ScenarioFigures => "apiCalls" in result);
const notMeasured = 'not measured (run without --skip-hub and with --hub-latencies, e.g. "1x1,20x4")';

/** The RADIUS clients one push carries for every target's directories: two connector IPs each. */
export function expectedHubClients(size: EstateSize): number {
  return size.directories * (1 + (size.targets?.length ?? 0)) * 2;
}

/** The figure with the largest `value`, or undefined when there is none. */
function largestBy(all: ScenarioFigures[], value: (figures: ScenarioFigures) => number) {
  return all.reduce<ScenarioFigures | undefined>(
    (max, figures) => (!max || value(figures) > value(max) ? figures : max),
    undefined,
  );
}

/** Every scenario ran to success, each push carrying every target's clients. */
function completedTarget(hub: ReadonlyArray<ScenarioFigures | ScenarioGap>): TargetResult {
  const target = "every scenario succeeds in one execution, each NPS push carrying every target's clients";
  if (hub.length === 0) return { target, measured: notMeasured, met: false, note: "" };
  const problems: string[] = [];
  const lines = hub.map((result) => {
    const cell = `${result.scenario} (k = ${result.latency.creatingPolls}, j = ${result.latency.pendingPolls})`;
    if (!("apiCalls" in result)) {
      problems.push(`${cell}: ${result.status}: ${result.reason}`);
      return `${cell} ${result.status}`;
    }
    const expected = expectedHubClients(result);
    const pushes = result.npsPushes ?? { commands: 0, largestClients: 0 };
    if (result.status !== "SUCCEEDED") problems.push(`${cell}: ${result.error ?? result.status}`);
    if (pushes.commands > 0 && pushes.largestClients !== expected)
      problems.push(`${cell}: a push of ${pushes.largestClients} clients, not ${expected}`);
    return `${cell} ${result.status}, ${pushes.commands} push(es) of ${pushes.largestClients} clients`;
  });
  return { target, measured: lines.join("; "), met: problems.length === 0, note: problems.join("; ") };
}

function historyTarget(all: ScenarioFigures[]): TargetResult {
  const target =
    `≤ ${HISTORY_EVENT_BUDGET.toLocaleString("en-US")} history events (the configuration's budget, ` +
    `${Math.round(HISTORY_EVENT_SHARE * 100)} % of Step Functions' ${HISTORY_EVENT_LIMIT.toLocaleString("en-US")}), every scenario and latency`;
  const worst = largestBy(all, (figures) => figures.historyEvents.total);
  if (!worst) return { target, measured: notMeasured, met: false, note: "" };
  const events = worst.historyEvents.total;
  return {
    target,
    measured: `${events} at most (${where(worst)}): ${percentOfLimit(events)} of ${HISTORY_EVENT_LIMIT.toLocaleString("en-US")}`,
    met: events <= HISTORY_EVENT_BUDGET,
    note:
      events <= HISTORY_EVENT_BUDGET
        ? ""
        : "history grows with phases × polls + directory steps; see the hub table for the state types",
  };
}

/**
 * Why the hub's peak payload passes 64 KB, as measured on this estate (first-time set-up, the state after
 * UpdateDirectories; 50.3 KB at 100 × 4 in one account): shown only while it does.
 */
const payloadCause =
  "the directories phase carries `targets`, a map from each member directory's id to its `<account>:<region>` " +
  "(shared/core/phases.ts `DirectoryTargets`, ~40 B per member directory: 4.0 KB for 100), and the state holds " +
  "that phase three times (work.phases, cursor.phases and current.phase, the first two identical), so ~12 KB grow " +
  "with member directories; member groups' `target` and the longer member client names (`-t<code>`) add ~5 KB. " +
  "Follow-up in the product: key the map by target (five member keys, each with its ids, or an index into the targets) " +
  "and carry the phase list once; without the three copies of the map the peak is ~60 KB";

function payloadTarget(all: ScenarioFigures[]): TargetResult {
  const target = "largest state payload < 64 KB, every scenario and latency";
  const worst = largestBy(all, (figures) => figures.largestPayload.bytes);
  if (!worst) return { target, measured: notMeasured, met: false, note: "" };
  const { bytes, state, direction } = worst.largestPayload;
  return {
    target,
    measured: `${kb(bytes)} at most (${where(worst)}, ${state} ${direction})`,
    met: bytes < payloadTargetBytes,
    note: bytes < payloadTargetBytes ? "" : `${state}'s ${direction}: ${payloadCause}`,
  };
}

function mismatchTarget(all: ScenarioFigures[]): TargetResult {
  const target = "mismatch window 0 with blue/green across every target";
  const rotations = all.filter((figures) => figures.scenario === "rotation blue/green");
  const windows = rotations.flatMap((figures) => (figures.mismatchWindow ? [figures.mismatchWindow] : []));
  if (rotations.length === 0) return { target, measured: notMeasured, met: false, note: "" };
  const worst = Math.max(
    0,
    ...windows.map((window) => Math.max(window.reported.phases, window.replayed.mismatchedSteps)),
  );
  const steps = windows.map((window) => window.replayed.changes).join(", ");
  return {
    target,
    measured:
      windows.length === rotations.length
        ? `${worst} (worst of reported phases and replayed steps; ${rotations.length} run(s), ${steps} steps replayed)`
        : `${rotations.length - windows.length} of ${rotations.length} rotation(s) without a window (failed)`,
    met: windows.length === rotations.length && worst === 0,
    note: "",
  };
}

/**
 * Issue 23's targets: the hub row within the existing targets for history events and payload, and
 * blue/green's mismatch window 0 across every target.
 *
 * @example
 * ```ts
 * evaluateIssue23Targets(results.hub ?? []).filter((target) => !target.met);
 * ```
 */
export function evaluateIssue23Targets(hub: ReadonlyArray<ScenarioFigures | ScenarioGap>): TargetResult[] {
  const all = measuredOnly(hub);
  return [completedTarget(hub), historyTarget(all), payloadTarget(all), mismatchTarget(all)].map(
    (result) => ({ ...result, target: `hub 3 × 2 × 20 × 2: ${result.target}` }),
  );
}

const kinds = ["execution", "Task", "Choice", "Wait", "Pass", "Succeed", "Fail", "Map", "MapIteration"];

function figuresRow(result: ScenarioFigures | ScenarioGap): Array<string | number> {
  const cell = [result.scenario, result.latency.creatingPolls, result.latency.pendingPolls];
  if (!("apiCalls" in result))
    return [...cell, `${result.status}: ${result.reason}`, "", "", "", "", "", "", "", ""];
  const byKind = kinds
    .filter((kind) => result.historyEvents.byKind[kind])
    .map((kind) => `${kind} ${result.historyEvents.byKind[kind]}`)
    .join(", ");
  const mismatch = result.mismatchWindow
    ? `${result.mismatchWindow.reported.phases} phases / ${result.mismatchWindow.reported.seconds} s; ` +
      `replay ${result.mismatchWindow.replayed.mismatchedSteps} of ${result.mismatchWindow.replayed.changes} steps`
    : "—";
  const pushes = result.npsPushes;
  return [
    ...cell,
    result.error ? `FAILED: ${result.error}` : result.status,
    result.stateTransitions,
    `**${result.historyEvents.total}** (${byKind})`,
    `${result.apiCalls.total} (${result.apiCalls.read} read / ${result.apiCalls.mutating} mutating)`,
    `${result.duration.seconds} s (waits ${result.duration.waits} s) of ${result.duration.timeoutSeconds} s`,
    `${kb(result.largestPayload.bytes)} (${result.largestPayload.state} ${result.largestPayload.direction})`,
    mismatch,
    pushes ? `${pushes.commands} × ${pushes.largestClients} clients` : "—",
    result.wallMs,
  ];
}

function callsByTargetTable(all: ScenarioFigures[]): string {
  const scopes = [
    ...new Set(
      all.flatMap((result) => (result.apiCallsByTarget ?? []).map((e) => `${e.account} ${e.region}`)),
    ),
  ].sort();
  const rows = scopes.map((scope) => [
    scope,
    ...all.map((result) => {
      const entry = result.apiCallsByTarget?.find((e) => `${e.account} ${e.region}` === scope);
      return entry ? `${entry.total} (${entry.mutating} mutating)` : "0";
    }),
  ]);
  const head = all.map((r) => `${r.scenario} k=${r.latency.creatingPolls} j=${r.latency.pendingPolls}`);
  return table(["account region", ...head], rows);
}

/**
 * The hub section of docs/benchmarks.md: the figures per scenario and latency, and the API calls by
 * the account and region they acted in.
 *
 * @example
 * ```ts
 * hubSection(results.hub ?? []);
 * ```
 */
export function hubSection(hub: ReadonlyArray<ScenarioFigures | ScenarioGap>): string[] {
  if (hub.length === 0) return [];
  return [
    `## ${hubTitle}`,
    "",
    "A hub deployment in moto's default account and region (123456789012, us-east-1: 20 AD Connectors",
    "and 2 tagged NPS servers, the D×M grid's estate) with `RADIUS_SYNC_TARGETS` listing five more targets",
    "— 123456789012 us-west-2, and 111111111111 and 222222222222 in us-east-1 and us-west-2 — each with",
    "20 AD Connectors registered with WorkSpaces in a VPC of its own (test/support/seed-member.ts), reached",
    "through STS AssumeRole of the member role (one per member account; a warm container keeps the",
    "credentials, so runs after the first assume none). 120 directories, 240 RADIUS clients in each NPS",
    "push. The hub manages the NPS servers' security group (`RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP`, as",
    "the hub tests do), and the seed admits each member VPC's range there, as an operator of a hub this",
    "size must: the hub adds one /32 rule per connector IP, and the members' 200 would pass AWS's default",
    "of 60 inbound rules per security group (moto enforces it; the first-time set-up then fails with",
    "RulesPerSecurityGroupLimitExceeded). Each scenario starts as the grid's do (a freshly reset moto,",
    "the same random seed, one reconcile first except for first-time set-up); figures are measured the",
    "same way, the mismatch replay covering every target's directories. API calls by account and region",
    "are where moto acted (the recorder's account and region): the state table, secret, SSM and STS are",
    "the hub's, in 123456789012 us-east-1.",
    "",
    table(
      [
        "scenario",
        "k",
        "j",
        "status",
        "transitions",
        "history events",
        "API calls",
        "simulated duration",
        "largest payload",
        "mismatch window",
        "NPS pushes",
        "wall ms",
      ],
      hub.map(figuresRow),
    ),
    "",
    "API calls by the account and region they acted in:",
    "",
    callsByTargetTable(measuredOnly(hub)),
    "",
  ];
}
