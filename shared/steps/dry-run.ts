import { storePlan } from "../aws/plan-store.js";
import type { Config } from "../config.js";
import {
  type FullPlan,
  INLINE_PLAN_BYTES,
  type PlanPreview,
  partsOfLines,
  previewPlan,
} from "../core/dry-run.js";
import type { Plan } from "../core/plan-schema.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";
import type { SecretStatus } from "./plan-step.js";

/** Summary lines per log event: far under CloudWatch Logs' 256 KB event limit. */
export const logPartBytes = 64 * 1024;

/** A dry run's output: the bounded preview, the secret's status, and where the whole plan is. */
export interface DryRunReport {
  run: Run;
  plan: PlanPreview;
  secretStatus: SecretStatus;
  fullPlan: FullPlan;
}

/**
 * Turns a dry run's whole plan into its bounded output (shared/core/dry-run.ts): the preview; the
 * plan itself when its JSON is small, else a copy stored in the state table (shared/aws/plan-store.ts)
 * that `radius-sync plan` reads; and every summary line logged, in parts ("dry-run plan"). A small
 * plan makes no write at all: a dry run of a small estate changes nothing anywhere.
 *
 * @example
 * ```ts
 * const report = await reportDryRun({ config, run, plan, secretStatus });
 * report.fullPlan.storage; // "inline" or "state-table"
 * ```
 */
export async function reportDryRun(options: {
  config: Readonly<Config>;
  run: Run;
  plan: Plan;
  secretStatus: SecretStatus;
  store?: typeof storePlan;
}): Promise<DryRunReport> {
  const { config, run, plan, secretStatus } = options;
  const store = options.store ?? storePlan;
  const inline = new TextEncoder().encode(JSON.stringify(plan)).length <= INLINE_PLAN_BYTES;
  const fullPlan: FullPlan = inline
    ? { storage: "inline", plan }
    : await store({ tableName: config.stateTable, executionId: run.executionId, plan, now: run.startedAt });
  const parts = partsOfLines(plan.summary, logPartBytes);
  for (const [index, lines] of parts.entries()) {
    logger.info("dry-run plan", { part: index + 1, parts: parts.length, lines });
  }
  return { run, plan: previewPlan(plan), secretStatus, fullPlan };
}
