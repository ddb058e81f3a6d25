import { awsErrorName } from "../aws/aws-errors.js";
import {
  type DesiredRadiusSettings,
  type DirectoryView,
  describeRadiusTargets,
  enableOrUpdateRadius,
} from "../aws/directory-service.js";
import { readSharedSecret } from "../aws/secrets.js";
import { writeDirectoryRecord } from "../aws/state-table.js";
import { retryThrottled } from "../aws/throttling.js";
import type { Config } from "../config.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import type { RadiusSettingsView } from "../core/model.js";
import {
  type DirectoryUpdatePhase,
  nextChunk,
  type PhaseProgress,
  type PhaseSecret,
  secretVersionFor,
} from "../core/phases.js";
import { validateSharedSecret } from "../core/secret-policy.js";
import { DirectoryNotFound, RadiusUpdateFailed, RadiusUpdateTimedOut, SecretInvalid } from "../errors.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";

/**
 * Directories one step changes: 5 waves of 5 concurrent EnableRadius/UpdateRadius calls (each with
 * its record write) stay far inside the 30 s Lambda timeout even when Directory Service throttles;
 * a larger phase continues in the next step.
 */
export const directoriesPerStep = 25;

/** EnableRadius/UpdateRadius calls in flight at once: Directory Service throttles bursts. */
export const concurrentDirectoryUpdates = 5;

/** Longest list of directory ids quoted back in an error. */
const maxQuotedDirectories = 20;

function quoted(ids: readonly string[]): string {
  const more = ids.length - maxQuotedDirectories;
  return `${ids.slice(0, maxQuotedDirectories).join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

async function updateOne(options: {
  directoryId: string;
  action: "enable" | "update";
  phase: DirectoryUpdatePhase;
  sharedSecret: string;
  versionId: string;
  tableName: string;
  startedAt: string;
}): Promise<"enable" | "update"> {
  const { directoryId, phase, sharedSecret } = options;
  // Until RadiusStatus says Completed, nobody knows which secret the directory holds: a failure from
  // here on must make the next reconcile update it again, not trust an older record.
  await writeDirectoryRecord({
    tableName: options.tableName,
    directoryId,
    record: {
      secretVersionId: `unconfirmed:${options.versionId}`,
      settingsFingerprint: "unconfirmed",
      appliedAt: options.startedAt,
    },
  });
  const request = { directoryId, settings: phase.settings, sharedSecret };
  try {
    await enableOrUpdateRadius({ ...request, action: options.action });
    return options.action;
  } catch (error) {
    // EnableRadius on a directory that already has RADIUS answers EntityAlreadyExistsException
    // (botocore ds/2015-04-16 service-2.json, EnableRadius errors): an earlier attempt got that far.
    // Any other error, InvalidParameterException included, is a real refusal and must surface.
    const alreadyEnabled =
      options.action === "enable" && awsErrorName(error) === "EntityAlreadyExistsException";
    if (!alreadyEnabled) throw error;
    await enableOrUpdateRadius({ ...request, action: "update" });
    return "update";
  }
}

/**
 * Starts the next chunk of a directories phase: reads the phase's secret version once (inside this
 * Lambda; it goes only to Directory Service) and enables or updates up to {@link directoriesPerStep}
 * directories, {@link concurrentDirectoryUpdates} at a time, each throttled call retried. Returns the
 * progress: `continue` while directories remain to start, then `pending` on all of them.
 *
 * @example
 * ```ts
 * const progress = await updateDirectories({ config, run, phase, secret, progress: { status: "start", … } });
 * ```
 */
export async function updateDirectories(options: {
  config: Readonly<Config>;
  run: Run;
  phase: DirectoryUpdatePhase;
  secret: PhaseSecret;
  progress: PhaseProgress;
  /** Directories this step may change (default {@link directoriesPerStep}). */
  chunkSize?: number;
}): Promise<PhaseProgress> {
  const { config, run, phase, secret } = options;
  const versionId = secretVersionFor(secret, phase.secret);
  const { chunk, after } = nextChunk({
    items: phase.directoryIds,
    progress: options.progress,
    size: options.chunkSize ?? directoriesPerStep,
    waitFor: phase.directoryIds,
  });
  const sharedSecret = await readSharedSecret({ secretArn: secret.arn, versionId });
  const problems = validateSharedSecret(sharedSecret);
  if (problems.length > 0) {
    throw new SecretInvalid(
      `secret ${secret.arn} version ${versionId} is not usable: ${problems.join("; ")}`,
    );
  }
  const enable = new Set(phase.enable);
  const actions = await mapWithConcurrency(chunk, concurrentDirectoryUpdates, (directoryId) =>
    retryThrottled(() =>
      updateOne({
        directoryId,
        action: enable.has(directoryId) ? "enable" : "update",
        phase,
        sharedSecret,
        versionId,
        tableName: config.stateTable,
        startedAt: run.startedAt,
      }),
    ),
  );
  logger.info("directory RADIUS settings sent", {
    directories: chunk.length,
    enabled: actions.filter((action) => action === "enable").length,
    updated: actions.filter((action) => action === "update").length,
    remaining: phase.directoryIds.length - after.started,
    servers: phase.settings.servers,
    secretVersionId: versionId,
  });
  return { ...after, attempt: 0 };
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

/** How each pending directory stands after one look. */
function sortByStatus(
  views: readonly DirectoryView[],
  phase: DirectoryUpdatePhase,
  pending: readonly string[],
) {
  const byId = new Map(views.map((view) => [view.directoryId, view]));
  const completed: string[] = [];
  const failed: string[] = [];
  const missing: string[] = [];
  const waiting: Array<{ directoryId: string; status: string }> = [];
  for (const directoryId of pending) {
    const view = byId.get(directoryId);
    if (!view) missing.push(directoryId);
    else if (view.radiusStatus === "Failed") failed.push(directoryId);
    // Completed with the old settings is the state before Directory Service picked the change up.
    else if (view.radiusStatus === "Completed" && settingsMatch(view.radiusSettings, phase.settings))
      completed.push(directoryId);
    else waiting.push({ directoryId, status: view.radiusStatus ?? "(none)" });
  }
  return { completed, failed, missing, waiting };
}

/**
 * One look at every directory still pending in the phase, in as few DescribeDirectories calls as
 * the ids allow: `Completed` with the phase's settings records what the directory now holds; `Failed`
 * ends the phase with RadiusUpdateFailed naming every failed directory; a wait past `maxPolls` checks
 * ends it with RadiusUpdateTimedOut naming the directories still waiting.
 *
 * @example
 * ```ts
 * const progress = await checkDirectories({ config, run, phase, secret, progress, maxPolls: 120 });
 * progress.status; // "pending" | "done"
 * ```
 */
export async function checkDirectories(options: {
  config: Readonly<Config>;
  run: Run;
  phase: DirectoryUpdatePhase;
  secret: PhaseSecret;
  progress: PhaseProgress;
  maxPolls: number;
}): Promise<PhaseProgress> {
  const { config, run, phase, progress } = options;
  const attempt = progress.attempt + 1;
  const versionId = secretVersionFor(options.secret, phase.secret);
  const views = await describeRadiusTargets([...progress.pending]);
  const { completed, failed, missing, waiting } = sortByStatus(views, phase, progress.pending);
  // What completed is recorded even when another directory of the phase failed.
  await mapWithConcurrency(completed, concurrentDirectoryUpdates, (directoryId) =>
    retryThrottled(() =>
      writeDirectoryRecord({
        tableName: config.stateTable,
        directoryId,
        record: {
          secretVersionId: versionId,
          settingsFingerprint: phase.settingsFingerprint,
          appliedAt: run.startedAt,
        },
      }),
    ),
  );
  logger.info("directory RADIUS checked", { attempt, completed: completed.length, waiting: waiting.length });
  if (missing.length > 0) {
    throw new DirectoryNotFound(
      `director${missing.length === 1 ? "y" : "ies"} ${quoted(missing)} disappeared while RADIUS was being set`,
    );
  }
  const servers = phase.settings.servers.join(", ");
  if (failed.length > 0) {
    throw new RadiusUpdateFailed(
      `${failed.length} director${failed.length === 1 ? "y reports" : "ies report"} RadiusStatus Failed (${quoted(failed)}): ` +
        `they could not reach RADIUS servers ${servers} on UDP ${phase.settings.port} with the shared secret; ` +
        "check the NPS servers' RADIUS clients, the security groups and network ACLs between them",
    );
  }
  if (waiting.length === 0) return { ...progress, status: "done", attempt, pending: [] };
  if (attempt >= options.maxPolls) {
    const statuses = [...new Set(waiting.map((entry) => entry.status))].join(", ");
    throw new RadiusUpdateTimedOut(
      `${waiting.length} director${waiting.length === 1 ? "y" : "ies"} (${quoted(waiting.map((entry) => entry.directoryId))}) ` +
        `still report RadiusStatus ${statuses} after ${attempt} checks; they may not reach RADIUS servers ${servers}`,
    );
  }
  return { ...progress, status: "pending", attempt, pending: waiting.map((entry) => entry.directoryId) };
}
