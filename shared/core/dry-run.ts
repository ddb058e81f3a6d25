import * as z from "zod";
import { Plan, PlanProblem } from "./plan-schema.js";

/**
 * A dry run's output, bounded. Step Functions refuses a state over 256 KB with
 * `States.DataLimitExceeded`, which no Catch handles, and a first-time plan grows with directories ×
 * servers (about 290 KB at 100 × 4): the state carries a preview — counts, the first problems, the
 * first actions with their reasons — and the whole plan either inline (when small) or as a stored
 * copy the CLI reads (shared/aws/plan-store.ts). Every summary line also goes to the logs, in parts.
 */

/** The dry run's whole state output stays under this (the payload the bench measures). */
export const DRY_RUN_STATE_LIMIT_BYTES = 64 * 1024;

/** The preview's share: summary lines and problems, each capped in lines and UTF-8 bytes. */
export const previewLimits = {
  summaryLines: 100,
  summaryBytes: 16 * 1024,
  problems: 50,
  problemBytes: 8 * 1024,
} as const;

/** A plan whose JSON is at most this many bytes travels inline; a larger one is stored. */
export const INLINE_PLAN_BYTES = 32 * 1024;

/** How many of each thing the whole plan has. */
export const PlanCounts = z.object({
  securityGroupRules: z.number().int().min(0),
  npsClients: z.number().int().min(0),
  npsServers: z.number().int().min(0),
  npsServersToPush: z.number().int().min(0),
  directories: z.number().int().min(0),
  directoriesToChange: z.number().int().min(0),
  problems: z.number().int().min(0),
  notes: z.number().int().min(0),
  summaryLines: z.number().int().min(0),
});
export type PlanCounts = z.infer<typeof PlanCounts>;

/**
 * What a dry run's state says about the plan: the counts, the first problems and the first summary
 * lines (every action with its reason, in the order the workflow applies them), and whether those
 * two lists are whole.
 */
export const PlanPreview = z.object({
  changeCount: z.number().int().min(0),
  counts: PlanCounts,
  problems: z.array(PlanProblem),
  summary: z.array(z.string()),
  complete: z.boolean(),
});
export type PlanPreview = z.infer<typeof PlanPreview>;

/** Where a stored plan is: its items in the state table, and how to check it when read back. */
export const StoredPlanLocation = z.object({
  storage: z.literal("state-table"),
  tableName: z.string().min(1),
  /** Each part's key is `${key}#${n}`, n = 1 … parts. */
  key: z.string().min(1),
  parts: z.number().int().min(1),
  /** The plan's JSON in UTF-8 bytes, and its SHA-256 (hex), before compression. */
  bytes: z.number().int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** When the table's TTL deletes it (ISO 8601). */
  expiresAt: z.string(),
});
export type StoredPlanLocation = z.infer<typeof StoredPlanLocation>;

/** Where the whole plan of a dry run is. */
export const FullPlan = z.discriminatedUnion("storage", [
  z.object({ storage: z.literal("inline"), plan: Plan }),
  StoredPlanLocation,
]);
export type FullPlan = z.infer<typeof FullPlan>;

const encoder = new TextEncoder();
const utf8Bytes = (text: string) => encoder.encode(text).length;

/**
 * The first items that fit in `maxItems` and `maxBytes` (each item's size from `sizeOf`), and how
 * many were left out.
 *
 * @example
 * ```ts
 * firstWithin(["a", "bb", "ccc"], { maxItems: 10, maxBytes: 3, sizeOf: (line) => line.length }); // { kept: ["a", "bb"], left: 1 }
 * ```
 */
export function firstWithin<Item>(
  items: readonly Item[],
  limits: { maxItems: number; maxBytes: number; sizeOf: (item: Item) => number },
): { kept: Item[]; left: number } {
  const kept: Item[] = [];
  let bytes = 0;
  for (const item of items) {
    bytes += limits.sizeOf(item);
    if (kept.length >= limits.maxItems || bytes > limits.maxBytes) break;
    kept.push(item);
  }
  return { kept, left: items.length - kept.length };
}

/**
 * The dry run's preview of a plan, within {@link previewLimits}: a cut summary ends with how many
 * lines more there are and where to read them.
 *
 * @example
 * ```ts
 * const preview = previewPlan(plan);
 * preview.counts.securityGroupRules; // 8000 at 1,000 directories × 8 servers
 * ```
 */
export function previewPlan(plan: Plan): PlanPreview {
  const summary = firstWithin(plan.summary, {
    maxItems: previewLimits.summaryLines,
    maxBytes: previewLimits.summaryBytes,
    sizeOf: utf8Bytes,
  });
  const problems = firstWithin(plan.problems, {
    maxItems: previewLimits.problems,
    maxBytes: previewLimits.problemBytes,
    sizeOf: (problem) => utf8Bytes(JSON.stringify(problem)),
  });
  const more =
    summary.left > 0
      ? [`… and ${summary.left} more (the whole plan: radius-sync plan, or the "dry-run plan" log lines)`]
      : [];
  return {
    changeCount: plan.changeCount,
    counts: {
      securityGroupRules: plan.securityGroupRules.length,
      npsClients: plan.npsClients.length,
      npsServers: plan.npsServers.length,
      npsServersToPush: plan.npsServers.filter((server) => server.action === "push").length,
      directories: plan.directories.length,
      directoriesToChange: plan.directories.filter((directory) => directory.action !== "none").length,
      problems: plan.problems.length,
      notes: plan.notes.length,
      summaryLines: plan.summary.length,
    },
    problems: problems.kept,
    summary: [...summary.kept, ...more],
    complete: summary.left === 0 && problems.left === 0,
  };
}

/**
 * Lines in consecutive parts of at most `maxBytes` UTF-8 bytes each (a longer line is a part of its
 * own), for log events under CloudWatch Logs' 256 KB.
 *
 * @example
 * ```ts
 * partsOfLines(["a", "b", "c"], 2); // [["a", "b"], ["c"]]
 * ```
 */
export function partsOfLines(lines: readonly string[], maxBytes: number): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = utf8Bytes(line);
    if (current.length > 0 && bytes + size > maxBytes) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
