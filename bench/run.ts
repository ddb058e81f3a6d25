/**
 * `npm run bench`: measures radius-sync on the emulator rig (issue 5) and writes
 * docs/benchmarks.md and docs/benchmarks.json.
 *
 * For D ∈ {1, 10, 100} directories × M ∈ {1, 2, 4} NPS servers it runs each scenario on a freshly
 * reset moto (its own, started here), then builds every function and times cold imports.
 *
 *   npm run bench                       everything (about 5 minutes on 2 cores)
 *   npm run bench -- --sizes 1x2,10x4   only these D×M cells
 *   npm run bench -- --skip-functions   scenarios only
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
    "skip-functions": { type: "boolean", default: false },
    runs: { type: "string", default: "7" },
  },
});
const sizes = (options.sizes ?? "").split(",").map((cell) => {
  const [directories, npsServers] = cell.split("x").map(Number);
  if (!directories || !npsServers) throw new Error(`--sizes wants DxM cells such as 10x4, not ${cell}`);
  return { directories, npsServers };
});

const { motoVersion } = ensureVirtualenv();
const { startMoto } = await import("../test/support/moto.js");
// moto enforces AWS's default quota of 10 AD Connectors per region; see moto-quota/sitecustomize.py.
const moto = await startMoto({ environment: raisedConnectorQuota });
// Every SDK call goes through the rig's AWS proxy, where the doubles, AWS's rules and the recorder live.
const { startRig } = await import("../test/support/rig/start-rig.js");
const rig = await startRig(moto.endpoint);
// Powertools Metrics warns on every function that publishes nothing; keep the progress lines readable.
const warn = console.warn.bind(console);
console.warn = (...parts: unknown[]) => {
  if (!String(parts[0]).startsWith("No application metrics to publish")) warn(...parts);
};

// Imported only now: the SDK clients read the emulator's endpoint when they are created.
const { measureScenario, scenarioNames } = await import("./scenarios.js");
const { measureFunctions, packagingVariants } = await import("./functions.js");
const { writeReports } = await import("./report.js");

const began = performance.now();
const elapsed = () => `${Math.round((performance.now() - began) / 1000)}s`.padStart(5);
const scenarios = [];
try {
  for (const size of sizes) {
    for (const scenario of scenarioNames) {
      const result = await measureScenario(scenario, size, { reset: () => moto.reset() });
      scenarios.push(result);
      const cell = `D=${size.directories} M=${size.npsServers}`.padEnd(12);
      const figures =
        "apiCalls" in result
          ? `${result.status} calls ${result.apiCalls.total} (${result.apiCalls.mutating} mutating), ` +
            `${result.stateTransitions} transitions, payload ${result.largestPayload.bytes} B`
          : `${result.status}: ${result.reason}`;
      console.log(`${elapsed()}  ${cell} ${scenario.padEnd(20)} ${figures}`);
    }
  }
} finally {
  await rig.stop();
  await moto.stop();
}

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

const written = await writeReports({ scenarios, functions, motoVersion });
console.log(`\n${written.summary}\n\n${elapsed()}  wrote ${written.paths.join(" and ")}`);
