/**
 * `npm run bench`: measures radius-sync on the emulator rig (issues 5 and 10) and writes
 * docs/benchmarks.md and docs/benchmarks.json.
 *
 * For D ∈ {1, 10, 100} directories × M ∈ {1, 2, 4} NPS servers it runs each scenario on a freshly
 * reset moto (its own, started here) under the mildest AWS latency (RadiusStatus Creating for k = 1
 * look, SSM invocations InProgress for j = 1); then, at the latency sizes, every scenario again at
 * each k ∈ {1, 8, 20} × j ∈ {1, 4}; then builds every function and times cold imports.
 *
 *   npm run bench                                   everything (26 minutes on 2 cores shared with other work)
 *   npm run bench -- --sizes 1x2,10x4               only these D×M cells
 *   npm run bench -- --latency-sizes 10x2            the latency grid at these cells only ("" for none)
 *   npm run bench -- --latencies 1x1,20x4           only these k×j latencies
 *   npm run bench -- --skip-functions               scenarios only
 *   npm run bench -- --dry-run-sizes 10x2,1000x8    the dry run's payload at these cells (synthetic estate)
 *   npm run bench -- --dry-run-workflow-sizes 10x2  … and through the workflow on the emulator at these
 *   npm run bench -- --sizes "" --latency-sizes ""  skip the scenarios (e.g. with the dry runs alone)
 *   npm run bench -- --health-sizes 1x2,10x4         the NPS health check's cost at these cells ("" for none)
 *   npm run bench -- --hub-latencies 1x1             issue 23's hub row (3 accounts × 2 regions × 20 directories
 *                                                    × 2 NPS servers) at these k×j latencies ("" for none)
 *   npm run bench -- --skip-hub                      without the hub row
 */
import "../test/support/polyfills.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { ensureVirtualenv } from "../test/support/venv.js";
import { raisedConnectorQuota } from "./moto-quota.js";

const { values: options } = parseArgs({
  options: {
    sizes: { type: "string", default: "1x1,1x2,1x4,10x1,10x2,10x4,100x1,100x2,100x4" },
    "latency-sizes": { type: "string", default: "10x2,100x4" },
    latencies: { type: "string", default: "1x1,1x4,8x1,8x4,20x1,20x4" },
    "skip-functions": { type: "boolean", default: false },
    "dry-run-sizes": { type: "string", default: "10x2,100x4,250x4,1000x8" },
    "dry-run-workflow-sizes": { type: "string", default: "10x2,100x4" },
    "health-sizes": { type: "string", default: "1x2,10x4" },
    "hub-latencies": { type: "string", default: "1x1,20x4" },
    "skip-hub": { type: "boolean", default: false },
    runs: { type: "string", default: "7" },
  },
});
const pairs = (option: string, text: string | undefined) =>
  (text ?? "")
    .split(",")
    .filter(Boolean)
    .map((cell) => {
      const [first, second] = cell.split("x").map(Number);
      if (first === undefined || second === undefined || Number.isNaN(first) || Number.isNaN(second))
        throw new Error(`--${option} wants AxB cells such as 10x4, not ${cell}`);
      return [first, second] as const;
    });
const sizes = pairs("sizes", options.sizes).map(([directories, npsServers]) => ({ directories, npsServers }));
const latencySizes = pairs("latency-sizes", options["latency-sizes"]).map(([directories, npsServers]) => ({
  directories,
  npsServers,
}));
const sizesOf = (option: string) =>
  pairs(option, options[option as keyof typeof options] as string).map(([directories, npsServers]) => ({
    directories,
    npsServers,
  }));
const latencies = pairs("latencies", options.latencies).map(([creatingPolls, pendingPolls]) => ({
  creatingPolls,
  pendingPolls,
}));
const hubLatencies = options["skip-hub"]
  ? []
  : pairs("hub-latencies", options["hub-latencies"]).map(([creatingPolls, pendingPolls]) => ({
      creatingPolls,
      pendingPolls,
    }));
/** The latency of the D×M grid: the mildest AWS-like one. */
const baseline = { creatingPolls: 1, pendingPolls: 1 };

const { motoVersion } = ensureVirtualenv();
const { startMoto } = await import("../test/support/moto.js");
// moto enforces AWS's default quota of 10 AD Connectors per region; see moto-quota/sitecustomize.py.
const moto = await startMoto({ environment: raisedConnectorQuota });
// Every SDK call goes through the rig's AWS proxy, where the doubles, AWS's rules and the recorder live.
const { startRig } = await import("../test/support/rig/start-rig.js");
const rig = await startRig(moto.endpoint);
// Each scenario's estate starts at second 0 of AWS time, with no Run Command in flight (as each test does).
const { rigClock } = await import("../test/support/rig/clock.js");
const resetEmulator = async () => {
  await moto.reset();
  rigClock.reset();
};
// Powertools Metrics warns on every function that publishes nothing; keep the progress lines readable.
const warn = console.warn.bind(console);
console.warn = (...parts: unknown[]) => {
  if (!String(parts[0]).startsWith("No application metrics to publish")) warn(...parts);
};

// Imported only now: the SDK clients read the emulator's endpoint when they are created.
const { measureScenarioAt, scenarioNames } = await import("./scenarios.js");
const { measureFunctions, packagingVariants } = await import("./functions.js");
const { measureDryRuns } = await import("./dry-run.js");
const { measureTagDiscovery } = await import("./tag-discovery.js");
const { writeReports } = await import("./report.js");
const { measureHealthChecks } = await import("./health-check.js");
const { hubEstate, hubScenarioNames } = await import("./hub.js");

const began = performance.now();
const elapsed = () => `${Math.round((performance.now() - began) / 1000)}s`.padStart(5);
const scenarios = [];
const hub = [];
let dryRuns: Awaited<ReturnType<typeof measureDryRuns>> = [];
let healthChecks: Awaited<ReturnType<typeof measureHealthChecks>> = [];
const sameSize = (left: { directories: number; npsServers: number }, right: typeof left) =>
  left.directories === right.directories && left.npsServers === right.npsServers;
const sameLatency = (left: typeof baseline, right: typeof baseline) =>
  left.creatingPolls === right.creatingPolls && left.pendingPolls === right.pendingPolls;
try {
  const cells = [...sizes, ...latencySizes.filter((size) => !sizes.some((other) => sameSize(size, other)))];
  for (const size of cells) {
    const wanted = sizes.some((other) => sameSize(size, other)) ? [baseline] : [];
    if (latencySizes.some((other) => sameSize(size, other))) {
      for (const latency of latencies) {
        if (!wanted.some((other) => sameLatency(other, latency))) wanted.push(latency);
      }
    }
    for (const scenario of scenarioNames) {
      for (const result of await measureScenarioAt(scenario, size, wanted, { reset: resetEmulator })) {
        scenarios.push(result);
        const cell = `D=${size.directories} M=${size.npsServers} k=${result.latency.creatingPolls} j=${result.latency.pendingPolls}`;
        const figures =
          "apiCalls" in result
            ? `${result.status} calls ${result.apiCalls.total} (${result.apiCalls.mutating} mutating), ` +
              `${result.stateTransitions} transitions, ${result.historyEvents.total} events, ` +
              `${result.duration.seconds} s simulated, payload ${result.largestPayload.bytes} B`
            : `${result.status}: ${result.reason}`;
        console.log(`${elapsed()}  ${cell.padEnd(22)} ${scenario.padEnd(20)} ${figures}`);
      }
    }
  }
  for (const scenario of hubLatencies.length > 0 ? hubScenarioNames : []) {
    for (const result of await measureScenarioAt(scenario, hubEstate, hubLatencies, {
      reset: resetEmulator,
    })) {
      hub.push(result);
      const cell = `hub k=${result.latency.creatingPolls} j=${result.latency.pendingPolls}`;
      const figures =
        "apiCalls" in result
          ? `${result.status} calls ${result.apiCalls.total} (${result.apiCalls.mutating} mutating), ` +
            `${result.stateTransitions} transitions, ${result.historyEvents.total} events, ` +
            `payload ${result.largestPayload.bytes} B, ${result.npsPushes?.largestClients} clients in a push` +
            (result.error ? ` — ${result.error}` : "")
          : `${result.status}: ${result.reason}`;
      console.log(`${elapsed()}  ${cell.padEnd(22)} ${scenario.padEnd(20)} ${figures}`);
    }
  }
  healthChecks = await measureHealthChecks(sizesOf("health-sizes"), { reset: resetEmulator });
  for (const figures of healthChecks) {
    const cost = (run: typeof figures.healthCheck) =>
      `${run.status} ${run.stateTransitions} transitions, ${run.historyEvents} events, ${run.apiCalls.total} calls`;
    console.log(
      `${elapsed()}  D=${figures.directories} M=${figures.npsServers} health check ${cost(figures.healthCheck)}; no-op reconcile ${cost(figures.noOpReconcile)}`,
    );
  }
  dryRuns = await measureDryRuns({
    workflow: sizesOf("dry-run-workflow-sizes"),
    synthetic: sizesOf("dry-run-sizes"),
    reset: () => moto.reset(),
  });
  for (const figures of dryRuns) {
    console.log(
      `${elapsed()}  D=${figures.directories} M=${figures.npsServers} dry run (${figures.source})`.padEnd(
        48,
      ) +
        `largest payload ${figures.largestPayload.bytes} B, whole plan ${figures.planBytes} B ${figures.storage}`,
    );
  }
} finally {
  await rig.stop();
  await moto.stop();
}
const tagReads = await measureTagDiscovery();

let functions: Awaited<ReturnType<typeof measureFunctions>> = [];
if (!options["skip-functions"]) {
  const outDirectory = await mkdtemp(join(tmpdir(), "radius-sync-bench-"));
  try {
    functions = await measureFunctions({
      outDirectory,
      runs: Number(options.runs),
      onProgress: (folder) =>
        console.log(`${elapsed()}  build ${packagingVariants.length} ways + cold loads: ${folder}`),
    });
  } finally {
    await rm(outDirectory, { recursive: true, force: true });
  }
}

const written = await writeReports({
  scenarios,
  functions,
  motoVersion,
  baseline,
  dryRuns,
  tagReads,
  healthChecks,
  hub,
});
console.log(`\n${written.summary}\n\n${elapsed()}  wrote ${written.paths.join(" and ")}`);
