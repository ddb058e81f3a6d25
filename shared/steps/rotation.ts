import {
  holderOf,
  promotePendingVersion,
  putPendingVersion,
  readStagingLabels,
  removePendingLabel,
} from "../aws/secrets.js";
import type { Config } from "../config.js";
import type { SecretState } from "../core/model.js";
import { SECRET_EXCLUDED_CHARACTERS } from "../core/secret-policy.js";
import { planRotationStart, requestTokenFor, secretNotRotatable } from "../core/secret-versions.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";

/**
 * Stages this execution's new secret as AWSPENDING. The version id is derived from the execution
 * id, so a retried or re-driven step resumes the same version instead of generating another. A
 * pending version left by a crashed earlier run loses its label first: there is never more than
 * one pending version, and a half-finished rotation is never promoted by someone else's run.
 *
 * @throws {InvalidInput} when the secret does not exist yet (a reconcile creates it first).
 *
 * @example
 * ```ts
 * const rotation = await startRotation({ config, run, secret: discovery.secret });
 * // { arn, currentVersionId, pendingVersionId, resumed: false, cleanedUp?: "…" }
 * ```
 */
export async function startRotation(options: {
  config: Readonly<Config>;
  run: Run;
  secret: SecretState;
}): Promise<{
  arn: string;
  currentVersionId: string;
  pendingVersionId: string;
  resumed: boolean;
  cleanedUp?: string;
}> {
  const { config, run, secret } = options;
  if (!secret.exists) throw secretNotRotatable(secret.name);
  // Read the labels again: the state handed in predates a retried attempt of this very step.
  const { arn, versions } = await readStagingLabels(secret.arn);
  const currentVersionId = holderOf(versions, "AWSCURRENT");
  if (!currentVersionId) throw secretNotRotatable(secret.name);
  const token = requestTokenFor(run.executionId, "rotate");
  const { leftover, resumed } = planRotationStart({
    currentVersionId,
    pendingVersionId: holderOf(versions, "AWSPENDING"),
    token,
  });
  if (leftover !== undefined) await removePendingLabel({ arn, pendingVersionId: leftover });
  const { versionId } = await putPendingVersion({
    arn,
    length: config.secret.length,
    excludeCharacters: SECRET_EXCLUDED_CHARACTERS,
    clientRequestToken: token,
  });
  const result = {
    arn,
    currentVersionId,
    pendingVersionId: versionId,
    resumed,
    ...(leftover !== undefined ? { cleanedUp: leftover } : {}),
  };
  logger.info("secret rotation started", result);
  return result;
}

/**
 * Promotes the pending version to AWSCURRENT once every side holds it; the version it replaces
 * becomes AWSPREVIOUS. Safe to repeat.
 *
 * @example
 * ```ts
 * const { currentVersionId, previousVersionId } = await finishRotation({ arn, currentVersionId, pendingVersionId });
 * ```
 */
export async function finishRotation(options: {
  arn: string;
  currentVersionId: string;
  pendingVersionId: string;
}): Promise<{ currentVersionId: string; previousVersionId: string }> {
  const promoted = await promotePendingVersion(options);
  logger.info("secret rotation finished", { arn: options.arn, ...promoted });
  return promoted;
}

/**
 * Drops the pending version's AWSPENDING label when a rotation rolls back; AWSCURRENT is untouched.
 * Safe to repeat.
 *
 * @example
 * ```ts
 * await cancelRotation({ arn, pendingVersionId });
 * ```
 */
export async function cancelRotation(options: {
  arn: string;
  pendingVersionId: string;
}): Promise<{ removed: boolean }> {
  const result = await removePendingLabel(options);
  logger.info("secret rotation cancelled", {
    arn: options.arn,
    pendingVersionId: options.pendingVersionId,
    ...result,
  });
  return result;
}
