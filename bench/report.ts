/**
 * Turns the measured figures into docs/benchmarks.md (tables, targets met or missed, how to
 * reproduce, the machine) and docs/benchmarks.json (everything, machine-readable).
 */
import { writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "../test/support/paths.js";
import type { DryRunFigures } from "./dry-run.js";
import { configuredVariant, type FunctionFigures, packagingVariants } from "./functions.js";
import { type HealthCheckFigures, healthCheckSection } from "./health-check.js";
import { evaluateIssue19Targets, npsRestartSection } from "./report-issue19.js";
import { dryRunSection, evaluateIssue21Targets, tagReadSection } from "./report-issue21.js";
import { evaluateIssue23Targets, hubSection } from "./report-issue23.js";
import {
  type Latency,
  type ScenarioFigures,
  type ScenarioGap,
  type ScenarioName,
  scenarioNames,
} from "./scenarios.js";
import type { TagReadFigures } from "./tag-discovery.js";
import { evaluateTargets, type TargetResult } from "./targets.js";
import { evaluateLatencyTargets } from "./targets-latency.js";

/** What one bench run measured. */
export interface BenchResults {
  scenarios: Array<ScenarioFigures | ScenarioGap>;
  functions: FunctionFigures[];
  motoVersion: string;
  /** The latency of the D×M grid; the latency grid has other ones. */
  baseline: Latency;
  /** Issue 21: the dry run's payload by size, and discovery's tag reads on a simulated clock. */
  dryRuns?: DryRunFigures[];
  tagReads?: TagReadFigures[];
  /** Issue 20: the read-only NPS health check's cost next to the no-op reconcile. */
  healthChecks?: HealthCheckFigures[];
  /** Issue 23: the hub row (bench/hub.ts), kept apart from the D×M and latency grids. */
  hub?: Array<ScenarioFigures | ScenarioGap>;
}

const atLatency = (latency: Latency) => (result: ScenarioFigures | ScenarioGap) =>
  result.latency.creatingPolls === latency.creatingPolls &&
  result.latency.pendingPolls === latency.pendingPolls;

/** The results of the D×M grid only (the baseline latency). */
function baselineOnly(results: BenchResults): BenchResults {
  return { ...results, scenarios: results.scenarios.filter(atLatency(results.baseline)) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
const table = (head: string[], rows: Array<Array<string | number>>) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");

function scenarioTable(results: BenchResults, scenario: ScenarioName): string {
  const rows = results.scenarios
    .filter((result) => result.scenario === scenario)
    .map((result) => {
      const size = [result.directories, result.npsServers];
      if (!("apiCalls" in result)) return [...size, result.status, result.reason, "", "", "", "", "", ""];
      const mismatch = result.mismatchWindow
        ? `${result.mismatchWindow.reported.phases} phases / ${result.mismatchWindow.reported.seconds} s; ` +
          `replay ${result.mismatchWindow.replayed.mismatchedSteps} of ${result.mismatchWindow.replayed.changes} steps`
        : "—";
      const status = result.error ? `FAILED: ${result.error}` : result.status;
      return [
        ...size,
        status,
        `${result.apiCalls.total} (${result.apiCalls.read} read / ${result.apiCalls.mutating} mutating)`,
        result.stateTransitions,
        result.historyEvents.total,
        result.duration.seconds,
        `${kb(result.largestPayload.bytes)} (${result.largestPayload.state} ${result.largestPayload.direction})`,
        mismatch,
        result.wallMs,
      ];
    });
  const head = [
    "D",
    "M",
    "status",
    "API calls",
    "transitions",
    "history events",
    "simulated s",
    "largest payload",
    "mismatch window",
    "wall ms",
  ];
  return table(head, rows);
}

const kinds = ["execution", "Task", "Choice", "Wait", "Pass", "Succeed", "Fail", "Map", "MapIteration"];

function latencyTable(results: BenchResults, scenario: ScenarioName): string {
  const rows = results.scenarios
    .filter((result) => result.scenario === scenario)
    .filter((result) => latencySizesOf(results).has(sizeKey(result)))
    .map((result) => {
      const cell = [
        result.directories,
        result.npsServers,
        result.latency.creatingPolls,
        result.latency.pendingPolls,
      ];
      if (!("apiCalls" in result)) return [...cell, result.status, result.reason, "", "", "", "", ""];
      const byKind = kinds
        .filter((kind) => result.historyEvents.byKind[kind])
        .map((kind) => `${kind} ${result.historyEvents.byKind[kind]}`)
        .join(", ");
      const { duration } = result;
      return [
        ...cell,
        result.error ? `FAILED: ${result.error}` : result.status,
        `**${result.historyEvents.total}** (${byKind})`,
        result.stateTransitions,
        `${result.apiCalls.total} (${result.apiCalls.mutating} mutating)`,
        `${duration.seconds} s (waits ${duration.waits} s) of ${duration.timeoutSeconds} s`,
        kb(result.largestPayload.bytes),
        result.wallMs,
      ];
    });
  return table(
    [
      "D",
      "M",
      "k",
      "j",
      "status",
      "history events",
      "transitions",
      "API calls",
      "simulated duration",
      "largest payload",
      "wall ms",
    ],
    rows,
  );
}

const sizeKey = (result: { directories: number; npsServers: number }) =>
  `${result.directories}x${result.npsServers}`;

/** The sizes measured at more than the baseline latency: the latency grid's. */
function latencySizesOf(results: BenchResults): Set<string> {
  return new Set(results.scenarios.filter((result) => !atLatency(results.baseline)(result)).map(sizeKey));
}

function operationTable(results: BenchResults, scenario: ScenarioName): string {
  const measured = results.scenarios.filter(
    (result): result is ScenarioFigures => result.scenario === scenario && "apiCalls" in result,
  );
  const operations = [
    ...new Set(measured.flatMap((result) => result.apiCalls.byOperation.map((entry) => entry.operation))),
  ].sort();
  const rows = operations.map((operation) => {
    const counts = measured.map(
      (result) => result.apiCalls.byOperation.find((entry) => entry.operation === operation)?.count ?? 0,
    );
    const entry = measured
      .flatMap((result) => result.apiCalls.byOperation)
      .find((e) => e.operation === operation);
    return [`${operation}${entry?.mutating ? " ✎" : ""}`, ...counts];
  });
  return table(["operation (✎ mutating)", ...measured.map((r) => `${r.directories}×${r.npsServers}`)], rows);
}

function functionTable(results: BenchResults): string {
  const variants = packagingVariants.map((variant) => variant.name);
  const rows = results.functions.map((figures) => {
    const configured = figures.variants[configuredVariant];
    return [
      figures.folder,
      ...variants.map((name) => {
        const bundle = figures.variants[name];
        return bundle ? `${kb(bundle.bundleBytes)} / ${bundle.initMs.median} ms` : "—";
      }),
      configured?.largestInputs.map((input) => `${input.name} ${kb(input.bytes)}`).join(", ") ?? "",
    ];
  });
  return table(
    ["function", ...variants.map((name) => `${name}: bundle / init median`), "largest parts (as configured)"],
    rows,
  );
}

function targetTable(targets: TargetResult[]): string {
  return table(
    ["target", "measured", "result", "why / follow-up"],
    targets.map((target) => [target.target, target.measured, target.met ? "met" : "**missed**", target.note]),
  );
}

function machine(): string {
  const [cpu] = cpus();
  return (
    `${cpus().length} × ${cpu?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, ` +
    `Node ${process.version} (${process.platform}/${process.arch})`
  );
}

/**
 * Writes both files and returns a console summary (the targets table).
 *
 * @example
 * ```ts
 * const { summary } = await writeReports(results);
 * ```
 */
export async function writeReports(results: BenchResults): Promise<{ paths: string[]; summary: string }> {
  const grid = baselineOnly(results);
  const targets = evaluateTargets(grid);
  const latencyTargets = evaluateLatencyTargets(results);
  const issue21Targets = evaluateIssue21Targets(results.dryRuns ?? [], results.tagReads ?? []);
  const issue19Targets = evaluateIssue19Targets(results.scenarios);
  const issue23Targets = evaluateIssue23Targets(results.hub ?? []);
  const measuredAt = new Date().toISOString();
  const { creatingPolls: k, pendingPolls: j } = results.baseline;
  const sections = scenarioNames.flatMap((scenario) => [
    `### ${scenario}`,
    scenarioTable(grid, scenario),
    `API calls by operation (columns D×M):`,
    operationTable(grid, scenario),
  ]);
  const latencySections = scenarioNames.flatMap((scenario) => [
    `### ${scenario}`,
    latencyTable(results, scenario),
  ]);
  const markdown = [
    "# Benchmarks",
    "",
    "Generated by `npm run bench` (bench/run.ts) from a real run on the emulator rig: moto for AWS, the",
    "committed state-machine definition run by aws-local-stepfunctions with the real handlers, and the",
    "test doubles named in docs/testing.md for the calls moto lacks. Do not edit by hand; re-run the bench.",
    "",
    `Measured ${measuredAt} on ${machine()}, moto ${results.motoVersion}.`,
    "",
    "## Targets (issue 23: a hub of 3 accounts × 2 regions × 20 directories × 2 NPS servers)",
    "",
    targetTable(issue23Targets),
    "",
    "## Targets (issue 19: one NPS server restarting at a time, promotion after every server runs the secret)",
    "",
    targetTable(issue19Targets),
    "",
    "## Targets (issue 21: bounded dry run, tag discovery at 1,000 directories)",
    "",
    targetTable(issue21Targets),
    "",
    "## Targets (issue 10: one phase loop, batched waits, AWS latency)",
    "",
    targetTable(latencyTargets),
    "",
    "## Targets (issue 5)",
    "",
    `Judged on the D×M grid, measured at k = ${k}, j = ${j}.`,
    "",
    targetTable(targets),
    "",
    "## How to reproduce",
    "",
    "After the README set-up (`npm ci`, the project virtualenv with moto): `npm run bench`.",
    "`npm run bench -- --sizes 1x2,10x4` measures only some D×M cells; `--skip-functions` skips bundles;",
    "`--latency-sizes 10x2,100x4` and `--latencies 1x1,1x4,8x1,8x4,20x1,20x4` (k×j) choose the latency grid.",
    "`--hub-latencies 1x1,20x4` chooses the latencies of issue 23's hub row (`--skip-hub` leaves it out); it",
    'runs alone with `--sizes "" --latency-sizes "" --dry-run-sizes "" --dry-run-workflow-sizes "" --health-sizes "" --skip-functions`.',
    "In the latency grid one estate serves every latency of a scenario (a first-time set-up gets a fresh one",
    "each time; the connector-IP change moves the IP away and back, one change per measured run).",
    "Each scenario starts from a freshly reset moto: the seeded estate (D AD Connectors registered with",
    "WorkSpaces, 25 per subnet pair; M tagged Windows NPS servers), then — except first-time set-up —",
    "one reconcile to reach a configured estate, then the ONE measured execution. API calls are counted",
    "by the rig's recorder (on the AWS proxy every call goes through); state transitions are StateEntered events,",
    "Map iterations included; the payload is the largest state input or output in UTF-8 bytes. The",
    "connector-IP change moves one connector IP to an address nobody holds, through the connect-ip-drift double. The mismatch",
    "window is the rotation's own `mismatchWindow` output and, independently, a replay of the recorded",
    "SendCommand / EnableRadius / UpdateRadius calls counting the steps after which some directory",
    "sends to a server holding another secret. Wait states are not slept; wall time is informational.",
    "The rotation's own figure counts plan phases and polling seconds; the replay counts API steps, so",
    "in place with D directories it shows D of D + 1 steps mismatched (each UpdateRadius leaves the",
    "directories not yet updated pointing at servers that already hold the new secret).",
    "moto's AD Connector quota (10, AWS's default) is raised to 200 for the run (bench/moto-quota).",
    "moto draws connector IPs at random without checking them; the seed reconnects any connector whose IP",
    "is taken or reserved (as AWS never hands one out twice) and seeds moto's random generator, so every",
    "run measures the very same estate: 2·D distinct connector IPs, the same ids, the same figures.",
    "",
    "## Latency grid",
    "",
    "On AWS a directory reports `RadiusStatus` Creating for minutes after each EnableRadius/UpdateRadius, and",
    "an SSM invocation stays InProgress while the NPS host runs the script; moto answers both at once. The",
    "rig's latency knobs (test/support/doubles/radius-status.ts, command-invocation.ts) make every directory",
    "report Creating for k looks after each change and every invocation InProgress for j looks; each look is",
    "one poll of the state machine (pollSeconds, 15 s by default, apart). History events are counted as Step",
    "Functions records them (bench/history.ts: per state type, with the sources); the hard limit is 25,000",
    "per execution. The simulated duration adds every Wait state's seconds, every Retry interval at its upper",
    "bound and 2 s per Lambda attempt; the definition's TimeoutSeconds is the execution's limit, and the",
    "configuration refuses waits whose worst case could pass it (shared/core/time-budget.ts). At 100",
    "directories a directories phase starts its updates in chunks of 25 (one step each) and checks them in",
    "batches of 25 ids per DescribeDirectories. Before issue 10 each directory polled in its own Map",
    "iteration (~9 events per directory per poll): a blue/green rotation of 100 × 4 made about",
    "2,900 + 2,700·k history events and crossed the 25,000 limit at k ≈ 9.",
    "",
    ...latencySections.flatMap((section) => [section, ""]),
    ...hubSection(results.hub ?? []),
    ...npsRestartSection(grid.scenarios),
    ...healthCheckSection(results.healthChecks ?? []),
    ...dryRunSection(results.dryRuns ?? []),
    ...tagReadSection(results.tagReads ?? []),
    `## Scenarios (D×M grid at k = ${k}, j = ${j})`,
    "",
    ...sections.flatMap((section) => [section, ""]),
    "## Functions",
    "",
    'Each handler built with serverless.yml\'s `custom.esbuild` ("as configured"; the targets judge this',
    "column) and three alternatives, bundle size from the esbuild metafile. Init is the median of cold",
    "loads in fresh `node` processes, `import()` for .mjs and `require` for .cjs as the Lambda runtime",
    "does, timed inside the child around the load, with a complete configuration in the environment;",
    "the variants' runs alternate, so a busy machine slows them alike. With the SDK from the runtime,",
    "`@aws-sdk/*` resolves from a node_modules that holds only the SDK, so its load time is included.",
    "",
    functionTable(results),
    "",
    "What shaped these figures (issue 5):",
    "",
    "- Every SDK client has its own module (`shared/aws/clients/<service>.ts`), imported by its adapter",
    "  only; `shared/aws/clients.ts` collects the same instances for the test doubles, the API-call",
    "  recorder and scripts. Before, every function bundled all seven clients (~2.6 MB each).",
    '- Schemas import zod as `import * as z from "zod"`: esbuild cannot tree-shake the `z` namespace',
    "  object that `import { z }` hands over, which dragged every zod locale in (~360 KB more per bundle).",
    "- Packaging is CommonJS with `@aws-sdk/*` left to the nodejs22.x runtime. Bundling the SDK misses",
    "  300 KB for every function that calls AWS (EC2's client alone is ~1 MB, @smithy/core ~200 KB). With",
    "  the SDK external, an ESM handler is the slowest to load: Node scans each CommonJS client for its",
    "  exports when ESM imports it. CommonJS requires it directly, is the fastest of the three packagings",
    "  and the smallest. Trade-off: Lambda runs the runtime's SDK version, not the one the tests pin.",
    "",
  ].join("\n");
  const markdownPath = join(repositoryRoot, "docs", "benchmarks.md");
  const jsonPath = join(repositoryRoot, "docs", "benchmarks.json");
  await writeFile(markdownPath, markdown);
  const json = {
    measuredAt,
    machine: machine(),
    targets,
    latencyTargets,
    issue19Targets,
    issue21Targets,
    issue23Targets,
    ...results,
  };
  await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  return {
    paths: ["docs/benchmarks.md", "docs/benchmarks.json"],
    summary: [issue23Targets, issue19Targets, issue21Targets, latencyTargets, targets]
      .map(targetTable)
      .join("\n\n"),
  };
}
