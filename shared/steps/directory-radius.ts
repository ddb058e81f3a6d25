import { awsErrorName } from "../aws/aws-errors.js";
import {
  type DesiredRadiusSettings,
  describeRadiusTargets,
  enableOrUpdateRadius,
} from "../aws/directory-service.js";
import { readSharedSecret } from "../aws/secrets.js";
import { writeDirectoryRecord } from "../aws/state-table.js";
import type { Config } from "../config.js";
import type { RadiusSettingsView } from "../core/model.js";
import { validateSharedSecret } from "../core/secret-policy.js";
import { DirectoryNotFound, RadiusUpdateFailed, RadiusUpdateTimedOut, SecretInvalid } from "../errors.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";

/** One directory's planned change, as the Map state hands it over. */
export interface DirectoryChange {
  directoryId: string;
  action: "enable" | "update";
  settings: DesiredRadiusSettings;
  settingsFingerprint: string;
}

/**
 * Reads the secret version inside this Lambda and hands it to Directory Service with the planned
 * settings. Enabling a directory that a crashed earlier attempt already enabled falls back to update.
 *
 * @example
 * ```ts
 * await updateDirectoryRadius({ directory, secret: { arn, versionId }, tableName, startedAt: run.startedAt });
 * ```
 */
export async function updateDirectoryRadius(options: {
  directory: DirectoryChange;
  secret: { arn: string; versionId: string };
  tableName: string;
  startedAt: string;
}): Promise<{ directoryId: string; action: "enable" | "update" }> {
  const { directory, secret, tableName, startedAt } = options;
  // Until RadiusStatus says Completed, nobody knows which secret the directory holds: a failure from
  // here on must make the next reconcile update it again, not trust an older record.
  await writeDirectoryRecord({
    tableName,
    directoryId: directory.directoryId,
    record: {
      secretVersionId: `unconfirmed:${secret.versionId}`,
      settingsFingerprint: "unconfirmed",
      appliedAt: startedAt,
    },
  });
  const sharedSecret = await readSharedSecret({ secretArn: secret.arn, versionId: secret.versionId });
  const problems = validateSharedSecret(sharedSecret);
  if (problems.length > 0) {
    throw new SecretInvalid(
      `secret ${secret.arn} version ${secret.versionId} is not usable: ${problems.join("; ")}`,
    );
  }
  const request = { directoryId: directory.directoryId, settings: directory.settings, sharedSecret };
  let action = directory.action;
  try {
    await enableOrUpdateRadius({ ...request, action });
  } catch (error) {
    // EnableRadius on a directory that already has RADIUS answers EntityAlreadyExistsException
    // (botocore ds/2015-04-16 service-2.json, EnableRadius errors): an earlier attempt got that far.
    // Any other error, InvalidParameterException included, is a real refusal and must surface.
    const alreadyEnabled = action === "enable" && awsErrorName(error) === "EntityAlreadyExistsException";
    if (!alreadyEnabled) throw error;
    action = "update";
    await enableOrUpdateRadius({ ...request, action });
  }
  logger.info("directory RADIUS settings sent", {
    directoryId: directory.directoryId,
    action,
    servers: directory.settings.servers,
    secretVersionId: secret.versionId,
  });
  return { directoryId: directory.directoryId, action };
}

function settingsMatch(actual: RadiusSettingsView | undefined, wanted: DesiredRadiusSettings): boolean {
  if (!actual) return false;
  return (
    actual.servers.join(",") === [...wanted.servers].sort().join(",") &&
    actual.port === wanted.port &&
    actual.protocol === wanted.protocol &&
    actual.timeoutSeconds === wanted.timeoutSeconds &&
    actual.retries === wanted.retries
  );
}

/**
 * Checks one directory's RadiusStatus. `Completed` with the new settings records what the directory
 * holds; `Failed` and an exhausted wait are named errors that say what to check.
 *
 * @example
 * ```ts
 * const check = await checkRadiusStatus({ config, run, directory, secretVersionId, attempt: 0, maxPolls: 120 });
 * ```
 */
export async function checkRadiusStatus(options: {
  config: Readonly<Config>;
  run: Run;
  directory: DirectoryChange;
  secretVersionId: string;
  attempt: number;
  maxPolls: number;
}): Promise<{ status: "pending" | "completed"; attempt: number }> {
  const { config, run, directory } = options;
  const attempt = options.attempt + 1;
  const [view] = await describeRadiusTargets([directory.directoryId]);
  if (!view)
    throw new DirectoryNotFound(`directory ${directory.directoryId} disappeared while RADIUS was being set`);
  const servers = directory.settings.servers.join(", ");
  if (view.radiusStatus === "Failed") {
    throw new RadiusUpdateFailed(
      `directory ${directory.directoryId} reports RadiusStatus Failed: it could not reach RADIUS servers ${servers} ` +
        `on UDP ${directory.settings.port} with the shared secret; check the NPS servers' RADIUS clients, ` +
        "the security groups and network ACLs between them",
    );
  }
  // Completed with the old settings is the state before Directory Service picked the change up.
  if (view.radiusStatus === "Completed" && settingsMatch(view.radiusSettings, directory.settings)) {
    await writeDirectoryRecord({
      tableName: config.stateTable,
      directoryId: directory.directoryId,
      record: {
        secretVersionId: options.secretVersionId,
        settingsFingerprint: directory.settingsFingerprint,
        appliedAt: run.startedAt,
      },
    });
    logger.info("directory RADIUS completed", { directoryId: directory.directoryId, attempts: attempt });
    return { status: "completed", attempt };
  }
  if (attempt >= options.maxPolls) {
    throw new RadiusUpdateTimedOut(
      `directory ${directory.directoryId} still reports RadiusStatus ${view.radiusStatus ?? "(none)"} after ` +
        `${attempt} checks; the directory may not reach RADIUS servers ${servers}`,
    );
  }
  return { status: "pending", attempt };
}
