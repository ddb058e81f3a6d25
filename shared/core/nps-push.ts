import { createHash } from "node:crypto";
import * as z from "zod";

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
