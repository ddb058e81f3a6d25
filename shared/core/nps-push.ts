import { createHash } from "node:crypto";
import * as z from "zod";
import { InvalidInput } from "../errors.js";

/**
 * Which push of an execution a SendCommand belongs to: the reconcile push, or the `index`-th phase
 * of the rotation or of its rollback. The state machine passes it; together with the execution id
 * it names one push, the same on every retry of that Task and different for every other push —
 * even one that sends identical parameters (a rollback restoring what the reconcile push sent).
 */
export const NpsPush = z.object({
  step: z.enum(["reconcile", "rotate", "rollback"]),
  index: z.number().int().min(0),
});
export type NpsPush = z.infer<typeof NpsPush>;

/**
 * The Comment of an NPS command: readable, and ending in a token derived from the execution id and
 * the push, so a retried Task can find the command it sent before (SendCommand has no idempotency
 * token). At most 100 characters, SSM's Comment limit (botocore ssm `Comment` max 100).
 *
 * @example
 * ```ts
 * npsCommandComment({ executionId, mode: "rotate", push: { step: "rollback", index: 2 } });
 * // "radius-sync rotate rollback 2 3f9a…(32 hex)"
 * ```
 */
export function npsCommandComment(options: { executionId: string; mode: string; push: NpsPush }): string {
  const { executionId, mode, push } = options;
  const token = createHash("sha256")
    .update(JSON.stringify([executionId, push.step, push.index]))
    .digest("hex")
    .slice(0, 32);
  return `radius-sync ${mode} ${push.step} ${push.index} ${token}`;
}

/**
 * Whether an earlier command carried the same parameters as the one about to be sent, apart from
 * the Nonce (fresh on every attempt; the earlier command's own nonce goes with it).
 *
 * @example
 * ```ts
 * sameParametersApartFromNonce({ Clients: ["a=10.0.1.5"], Nonce: ["x"] }, { Clients: ["a=10.0.1.5"], Nonce: ["y"] }); // true
 * ```
 */
export function sameParametersApartFromNonce(
  earlier: Readonly<Record<string, readonly string[]>>,
  now: Readonly<Record<string, readonly string[]>>,
): boolean {
  const names = new Set([...Object.keys(earlier), ...Object.keys(now)].filter((name) => name !== "Nonce"));
  return [...names].every((name) => JSON.stringify(earlier[name] ?? []) === JSON.stringify(now[name] ?? []));
}

/** Where each step's pushes fall among an execution's pushes: reconcile, then rotation, then rollback. */
const stepOrdinalBase = { reconcile: 0, rotate: 300, rollback: 600 } as const;

/**
 * The push's place among every push radius-sync makes, as the NPS host compares it (text order is
 * push order): when its execution took the mutation lock, to the millisecond (one execution holds it
 * at a time, so lock times order executions — their start times do not: a later execution may take
 * the lock first), then the push's ordinal in the execution — reconcile phases first, then the
 * rotation's, then its rollback's. A host refuses a command older than one it already applied, so a
 * command that starts late (SSM's TimeoutSeconds bounds only its delivery) cannot undo a newer one.
 *
 * @throws {InvalidInput} for a lock time that is not a date, or an index past the step's 300 ordinals.
 *
 * @example
 * ```ts
 * npsPushSequence({ lockAcquiredAt: "2026-01-10T12:00:00Z", push: { step: "rollback", index: 1 } });
 * // "2026-01-10T12:00:00.000Z/601"
 * ```
 */
export function npsPushSequence(options: { lockAcquiredAt: string; push: NpsPush }): string {
  const started = Date.parse(options.lockAcquiredAt);
  if (Number.isNaN(started))
    throw new InvalidInput(`the lock time ${JSON.stringify(options.lockAcquiredAt)} is not a date`);
  if (options.push.index >= 300)
    throw new InvalidInput(`push index ${options.push.index} is past the 300 a step may make`);
  const ordinal = stepOrdinalBase[options.push.step] + options.push.index;
  return `${new Date(started).toISOString()}/${String(ordinal).padStart(3, "0")}`;
}
