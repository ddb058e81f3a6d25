import * as z from "zod";
import { DirectoryId } from "./core/model.js";

/**
 * What a person, a schedule or an event may ask for when starting an execution.
 * Unknown fields are rejected so that a typo ("dryrun") cannot silently apply changes.
 *
 * @example
 * ```ts
 * ExecutionInput.parse({ mode: "reconcile", dryRun: true });
 * ```
 */
export const ExecutionInput = z
  .object({
    mode: z.enum(["reconcile", "rotate"], { error: 'must be "reconcile" or "rotate"' }),
    dryRun: z.boolean({ error: "must be true or false" }).default(false),
    directoryIds: z
      .array(DirectoryId)
      .min(1, "must list at least one directory id when present")
      .max(100, "must list at most 100 directory ids")
      .refine((ids) => new Set(ids).size === ids.length, "must not repeat a directory id")
      .optional(),
  })
  .strict();
export type ExecutionInput = z.infer<typeof ExecutionInput>;

/** The validated input plus the execution's identity and clock, carried by every step. */
export const Run = z.object({
  mode: z.enum(["reconcile", "rotate"]),
  dryRun: z.boolean(),
  directoryIds: z.array(DirectoryId).optional(),
  executionId: z.string().min(1),
  startedAt: z.iso.datetime({ offset: true }),
});
export type Run = z.infer<typeof Run>;

/** The state every step after validation receives: `{ run, … }`. */
export const WithRun = z.object({ run: Run });
export type WithRun = z.infer<typeof WithRun>;

/** Where an execution stands with the mutation lock; carried through the plan so the loop knows. */
export const LockState = z.object({
  status: z.enum(["none", "acquired", "queued", "coalesced"]),
  attempt: z.number().int().min(0),
  pollSeconds: z.number().int().optional(),
  reason: z.string().optional(),
  /** When this execution took the lock (see LockDecision.acquiredAt): orders its NPS pushes. */
  acquiredAt: z.iso.datetime().optional(),
});
export type LockState = z.infer<typeof LockState>;
