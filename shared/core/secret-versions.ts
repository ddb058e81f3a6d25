import { createHash } from "node:crypto";
import { InvalidInput } from "../errors.js";

/**
 * The decisions about the shared secret's versions (shared/steps/ensure-secret.ts and rotation.ts):
 * the request token a version is created with, and what a rotation does with a pending version it
 * finds. Pure: the steps read and label through shared/aws/secrets.ts.
 */

/**
 * A client request token derived from the execution id, so a retried or re-driven step cannot
 * create a second version. Shaped like a UUID (36 characters), as Secrets Manager suggests.
 *
 * @example
 * ```ts
 * requestTokenFor("arn:aws:states:…:execution:…:abc"); // "3f2a…-…" (36 characters)
 * ```
 */
export function requestTokenFor(executionId: string, purpose = "create-secret"): string {
  const hex = createHash("sha256").update(`${purpose}:${executionId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The error for a rotation of a secret that does not exist yet (or has no AWSCURRENT version).
 *
 * @example
 * ```ts
 * throw secretNotRotatable("radius-sync/shared-secret");
 * ```
 */
export function secretNotRotatable(name: string): InvalidInput {
  return new InvalidInput(
    `secret ${name} does not exist yet; a reconcile creates it before it can be rotated`,
  );
}

/**
 * How a rotation starts from the versions it finds. A pending version that is this execution's own
 * (`token`) is resumed; one left by an earlier run that crashed is `leftover`, whose AWSPENDING label
 * must go first, so there is never more than one pending version and nobody else's half-finished
 * rotation is promoted. A pending label still on the current version is left alone: that is the
 * version every side holds.
 *
 * @example
 * ```ts
 * planRotationStart({ currentVersionId: "v1", pendingVersionId: "v0", token: "t" });
 * // { leftover: "v0", resumed: false }
 * ```
 */
export function planRotationStart(options: {
  currentVersionId: string;
  pendingVersionId: string | undefined;
  token: string;
}): { leftover: string | undefined; resumed: boolean } {
  const { currentVersionId, pendingVersionId, token } = options;
  // No pending version (undefined) differs from both and comes out as undefined: nothing to remove.
  const leftover =
    pendingVersionId !== token && pendingVersionId !== currentVersionId ? pendingVersionId : undefined;
  return { leftover, resumed: pendingVersionId === token };
}
