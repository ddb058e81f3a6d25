import type { DirectoryRadiusState } from "./directory-check.js";
import { causeMessage } from "./error-cause.js";
import type { SecretState } from "./model.js";

/**
 * What a rolled-back rotation reports (shared/steps/rollback.ts): which version every side returns
 * to, and the Cause an execution fails with after the rollback, or after the rollback failed too.
 * Pure: the step reads where each side stands.
 */

/** A workflow error as a Catch hands it over. */
export interface CaughtError {
  Error: string;
  Cause?: unknown;
}

/**
 * The version a rollback brings every side to: whatever holds AWSCURRENT now. If the rotation failed
 * after AWSCURRENT moved, "rolling back" means finishing the move on every side; only when the secret
 * cannot be read is it the version the rotation started from.
 *
 * @example
 * ```ts
 * rollbackVersionId({ exists: true, name, arn, currentVersionId: "v2" }, "v1"); // "v2"
 * ```
 */
export function rollbackVersionId(secret: SecretState, startedFromVersionId: string): string {
  return secret.exists ? secret.currentVersionId : startedFromVersionId;
}

/**
 * The original error's message with the rollback's outcome appended, for the execution's failure.
 *
 * @example
 * ```ts
 * rolledBackCause({ cause: "NPS server i-… failed", servers: 2, directories: 1, restoredVersionId: "v1", pendingVersionId: "v2" });
 * // "NPS server i-… failed; rotation rolled back: 2 NPS server(s) and 1 directory(ies) hold AWSCURRENT v1 again, …"
 * ```
 */
export function rolledBackCause(options: {
  cause: unknown;
  servers: number;
  directories: number;
  restoredVersionId: string;
  pendingVersionId: string;
}): string {
  return (
    `${causeMessage(options.cause)}; rotation rolled back: ${options.servers} NPS server(s) and ${options.directories} ` +
    `directory(ies) hold AWSCURRENT ${options.restoredVersionId} again, and AWSPENDING ` +
    `${options.pendingVersionId} was removed`
  );
}

/**
 * The RollbackFailed error when the rollback failed too: both errors' messages, then where each side
 * stands now — the secret's labels, each directory's servers, RadiusStatus and last recorded secret
 * version, each NPS server's last recorded secret version — so an operator (or the next reconcile)
 * can repair it.
 *
 * @example
 * ```ts
 * describeRollbackState({ error, rollbackError, secret, directories, servers, records });
 * // { Error: "RollbackFailed", Cause: "rotation failed with …; the rollback failed too with …. Now: …" }
 * ```
 */
export function describeRollbackState(options: {
  error: CaughtError;
  rollbackError: CaughtError;
  secret: SecretState;
  directories: readonly DirectoryRadiusState[];
  serverIds: readonly string[];
  records: {
    directories: ReadonlyMap<string, { secretVersionId: string }>;
    npsServers: ReadonlyMap<string, { secretVersionId: string }>;
  };
}): { Error: "RollbackFailed"; Cause: string } {
  const { secret, records, error, rollbackError } = options;
  const secretLine = secret.exists
    ? `AWSCURRENT is ${secret.currentVersionId}${secret.pendingVersionId ? `, AWSPENDING ${secret.pendingVersionId} is still labelled` : ""}`
    : "the secret is missing";
  const directoryLines = options.directories.map(
    (directory) =>
      `directory ${directory.directoryId} points at ${directory.radiusSettings?.servers.join(", ") ?? "no servers"} ` +
      `(RadiusStatus ${directory.radiusStatus ?? "none"}, last recorded secret version ` +
      `${records.directories.get(directory.directoryId)?.secretVersionId ?? "unknown"})`,
  );
  const serverLines = options.serverIds.map(
    (instanceId) =>
      `NPS server ${instanceId} last recorded secret version ` +
      `${records.npsServers.get(instanceId)?.secretVersionId ?? "unknown"}`,
  );
  return {
    Error: "RollbackFailed",
    Cause:
      `rotation failed with ${error.Error}: ${causeMessage(error.Cause)}; the rollback failed too with ` +
      `${rollbackError.Error}: ${causeMessage(rollbackError.Cause)}. Now: ${[secretLine, ...directoryLines, ...serverLines].join("; ")}. ` +
      "The next reconcile converges every side to AWSCURRENT.",
  };
}
