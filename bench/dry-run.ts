/**
 * The dry run's payload at every size (issue 21): Step Functions refuses a state over 256 KB, and the
 * dry run's output must stay under 64 KB however large the plan. Two sources, named in the report:
 *
 * - `workflow`: the real definition with the real handlers on the emulator, from a freshly seeded
 *   first-time estate (bench/estate.ts); the largest state input or output of the execution.
 * - `synthetic`: a first-time estate built in memory (test/fixtures/plan/synthetic-estate.ts) fed to
 *   the real plan step and the real dry-run report, whose store writes to the emulator's state table;
 *   the largest of the discover step's output and ReportPlan's. Used where seeding moto would take too
 *   long (250 × 4, 1,000 × 8: moto connects directories one by one).
 */
import { getConfig } from "../shared/config.js";
import { reportDryRun } from "../shared/steps/dry-run.js";
import { dryPlanOf } from "../test/fixtures/plan/plan-step.js";
import { syntheticFirstTimeDiscovery } from "../test/fixtures/plan/synthetic-estate.js";
import { removeAllTestDoubles } from "../test/support/doubles/index.js";
import { createStateTable } from "../test/support/seed.js";
import { runWorkflow } from "../test/support/workflow.js";
import { type EstateSize, prepareBenchWorld } from "./estate.js";
import { largestPayload } from "./measure.js";

/** One dry run measured. */
export interface DryRunFigures extends EstateSize {
  source: "workflow" | "synthetic";
  /** The largest state payload, in UTF-8 bytes, and where. */
  largestPayload: { bytes: number; state: string };
  /** The whole plan's JSON, in UTF-8 bytes: what the state carried before issue 21. */
  planBytes: number;
  /** Where the whole plan went, and in how many items. */
  storage: "inline" | "state-table";
  storedParts: number;
  summaryLines: number;
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? null), "utf8");

/** A dry run of a synthetic first-time estate through the real plan step and dry-run report. */
async function measureSynthetic(size: EstateSize): Promise<DryRunFigures> {
  await createStateTable();
  const { run, plan, secretStatus } = dryPlanOf(syntheticFirstTimeDiscovery(size));
  const report = await reportDryRun({ config: getConfig(), run, plan, secretStatus });
  const states = [
    { state: "DiscoverAndPlan output", bytes: bytesOf({ ...report, lock: { status: "none", attempt: 0 } }) },
    {
      state: "ReportPlan output",
      bytes: bytesOf({
        dryRun: true,
        plan: report.plan,
        secret: report.secretStatus,
        fullPlan: report.fullPlan,
      }),
    },
  ];
  const largest = states.reduce((most, each) => (each.bytes > most.bytes ? each : most));
  return {
    ...size,
    source: "synthetic",
    largestPayload: largest,
    planBytes: bytesOf(plan),
    storage: report.fullPlan.storage,
    storedParts: report.fullPlan.storage === "inline" ? 0 : report.fullPlan.parts,
    summaryLines: plan.summary.length,
  };
}

/** A dry run of a seeded first-time estate through the real workflow. */
async function measureWorkflow(size: EstateSize): Promise<DryRunFigures> {
  const { world } = await prepareBenchWorld(size);
  world.calls.reset();
  const result = await runWorkflow({ mode: "reconcile", dryRun: true });
  if (result.status !== "SUCCEEDED")
    throw new Error(`the dry run at ${size.directories}×${size.npsServers} failed: ${result.error}`);
  const output = result.output as {
    plan: { counts: { summaryLines: number } };
    fullPlan: { storage: "inline" | "state-table"; plan?: unknown; bytes?: number; parts?: number };
  };
  const largest = largestPayload(result.events);
  return {
    ...size,
    source: "workflow",
    largestPayload: { bytes: largest.bytes, state: `${largest.state} ${largest.direction}` },
    planBytes:
      output.fullPlan.storage === "inline" ? bytesOf(output.fullPlan.plan) : (output.fullPlan.bytes ?? 0),
    storage: output.fullPlan.storage,
    storedParts: world.calls.callsTo("PutItem").length,
    summaryLines: output.plan.counts.summaryLines,
  };
}

/**
 * Measures the dry run at each size: through the workflow where moto can seed the estate, and from a
 * synthetic estate at every size. `reset` must forget every emulated resource (moto's reset).
 *
 * @example
 * ```ts
 * const figures = await measureDryRuns({ workflow: [{ directories: 10, npsServers: 2 }], synthetic: [...], reset });
 * ```
 */
export async function measureDryRuns(options: {
  workflow: readonly EstateSize[];
  synthetic: readonly EstateSize[];
  reset: () => Promise<void>;
}): Promise<DryRunFigures[]> {
  const figures: DryRunFigures[] = [];
  try {
    for (const size of options.workflow) {
      removeAllTestDoubles();
      await options.reset();
      figures.push(await measureWorkflow(size));
    }
    for (const size of options.synthetic) {
      removeAllTestDoubles();
      await options.reset();
      figures.push(await measureSynthetic(size));
    }
  } finally {
    removeAllTestDoubles();
  }
  return figures;
}
