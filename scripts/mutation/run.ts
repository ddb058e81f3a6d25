import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { repositoryRoot } from "../../test/support/paths.js";
import { MutationRun } from "./score.js";

/**
 * `npm run mutation`: runs Stryker (arguments after `--` go to it), records how the run went in
 * reports/mutation/run.json, so docs/mutation.md can say whether every mutant was tested (no
 * incremental file before the run, or --force) and how long it took on how many CPUs, then writes
 * docs/mutation.md (report.ts). npm appends `--` arguments to the script's last command, so this
 * one script runs both steps.
 */
const reports = `${repositoryRoot}reports/mutation/`;
const args = process.argv.slice(2);
const full = args.includes("--force") || !existsSync(`${reports}incremental.json`);
const partial = args.some((arg) => arg === "--mutate" || arg === "-m" || arg.startsWith("--mutate="));
const started = Date.now();
// Node's compile cache keeps V8's code for the modules Node loads itself (vitest, zod, fast-check)
// on disk: each mutant's test run starts a worker thread that loads them again. One small test
// file run 12 times, three times over: 318–372 ms of CPU a run with the cache, 397–433 ms without.
const env = { NODE_COMPILE_CACHE: `${repositoryRoot}.cache/node-compile/`, ...process.env };
const stryker = spawnSync("npx", ["stryker", "run", ...args], { cwd: repositoryRoot, stdio: "inherit", env });
const run: MutationRun = MutationRun.parse({
  startedAt: new Date(started).toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  full: full && !partial,
  cpus: availableParallelism(),
  node: process.version,
});
mkdirSync(reports, { recursive: true });
writeFileSync(`${reports}run.json`, `${JSON.stringify(run, null, 2)}\n`);
if (stryker.status !== 0) {
  process.exitCode = stryker.status ?? 1;
} else {
  const report = spawnSync("npx", ["tsx", "scripts/mutation/report.ts"], {
    cwd: repositoryRoot,
    stdio: "inherit",
  });
  process.exitCode = report.status ?? 1;
}
