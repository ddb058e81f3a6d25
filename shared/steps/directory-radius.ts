import { awsErrorName } from "../aws/aws-errors.js";
import { dsIn } from "../aws/clients/ds.js";
import { enableOrUpdateRadius } from "../aws/directory-service.js";
import { readSharedSecret } from "../aws/secrets.js";
import { writeDirectoryRecord } from "../aws/state-table.js";
import { retryThrottled } from "../aws/throttling.js";
import type { Config } from "../config.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import {
  countRadiusCalls,
  judgeDirectoryCheck,
  radiusCallFor,
  retryEnableAsUpdate,
  sortByStatus,
  unusableSecret,
} from "../core/directory-check.js";
import { DIRECTORIES_PER_STEP } from "../core/phase-steps.js";
import {
  type DirectoryUpdatePhase,
  nextChunk,
  type PhaseProgress,
  type PhaseSecret,
  secretVersionFor,
  targetLookup,
} from "../core/phases.js";
import { radiusServersFor } from "../core/radius-servers.js";
import { validateSharedSecret } from "../core/secret-policy.js";
import { directoryLabel, directoryRecordId, targetAccess } from "../core/targets.js";
import { TargetUnreachable } from "../errors.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";
import { describeDirectoriesIn } from "./target-directories.js";

/**
 * Directories one step changes: 5 waves of 5 concurrent EnableRadius/UpdateRadius calls (each with
 * its record write) stay far inside the 30 s Lambda timeout even when Directory Service throttles;
 * a larger phase continues in the next step.
 */
export const directoriesPerStep = DIRECTORIES_PER_STEP;

/** EnableRadius/UpdateRadius calls in flight at once: Directory Service throttles bursts. */
export const concurrentDirectoryUpdates = 5;

async function updateOne(options: {
  config: Readonly<Config>;
  directoryId: string;
  /** The member target the directory is in; undefined for the hub's own. */
  target: string | undefined;
  action: "enable" | "update";
  phase: DirectoryUpdatePhase;
  sharedSecret: string;
  versionId: string;
  tableName: string;
  startedAt: string;
}): Promise<"enable" | "update"> {
  const { directoryId, target, phase, sharedSecret } = options;
  // Until RadiusStatus says Completed, nobody knows which secret the directory holds: a failure from
  // here on must make the next reconcile update it again, not trust an older record.
  await writeDirectoryRecord({
    tableName: options.tableName,
    directoryId: directoryRecordId(directoryId, target),
    record: {
      secretVersionId: `unconfirmed:${options.versionId}`,
      settingsFingerprint: "unconfirmed",
      appliedAt: options.startedAt,
    },
  });
  const lists = radiusServersFor(phase.settings, phase.networkTypes?.[directoryId]);
  const request = { directoryId, settings: { ...phase.settings, ...lists }, sharedSecret };
  // A member target's directory is changed there, with the member role.
  const client = dsIn(targetAccess(options.config, target));
  try {
    await enableOrUpdateRadius({ ...request, action: options.action }, client);
    return options.action;
  } catch (error) {
    // An EnableRadius that an earlier attempt already got through is finished with UpdateRadius.
    if (!retryEnableAsUpdate(options.action, awsErrorName(error))) throw error;
    await enableOrUpdateRadius({ ...request, action: "update" }, client);
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
  const refused = [...(options.progress.refused ?? [])];
  const { chunk, after } = nextChunk({
    items: phase.directoryIds,
    progress: options.progress,
    size: options.chunkSize ?? directoriesPerStep,
    waitFor: phase.directoryIds,
  });
  const sharedSecret = await readSharedSecret({ secretArn: secret.arn, versionId });
  const unusable = unusableSecret({
    arn: secret.arn,
    versionId,
    problems: validateSharedSecret(sharedSecret),
  });
  if (unusable) throw unusable;
  const enable = new Set(phase.enable);
  const targetOf = targetLookup(phase.targets);
  const outcomes = await mapWithConcurrency(chunk, concurrentDirectoryUpdates, async (directoryId) => {
    try {
      return await retryThrottled(() =>
        updateOne({
          config,
          directoryId,
          target: targetOf(directoryId),
          action: radiusCallFor(directoryId, enable),
          phase,
          sharedSecret,
          versionId,
          tableName: config.stateTable,
          startedAt: run.startedAt,
        }),
      );
    } catch (error) {
      const refusal = refusalOf({ run, target: targetOf(directoryId), directoryId, error });
      if (refusal === undefined) throw error;
      refused.push(refusal);
      return undefined;
    }
  });
  const actions = outcomes.filter((action) => action !== undefined);
  logger.info("directory RADIUS settings sent", {
    directories: chunk.length,
    ...countRadiusCalls(actions),
    remaining: phase.directoryIds.length - after.started,
    servers: phase.settings.servers,
    ...(phase.settings.serversIpv6 ? { serversIpv6: phase.settings.serversIpv6 } : {}),
    secretVersionId: versionId,
  });
  if (refused.length === 0) return { ...after, attempt: 0 };
  // A refused directory is not waited for; when nothing else is, the phase ends here, failing.
  const left = new Set(refused.map((entry) => entry.directoryId));
  const pending = after.pending.filter((directoryId) => !left.has(directoryId));
  if (after.status !== "continue" && pending.length === 0) throw refusedDirectoriesError(refused, phase);
  const status = after.status === "continue" ? "continue" : "pending";
  return { ...after, status, pending, attempt: 0, refused };
}

/** AWS's answers that mean the member role does not allow a call (or cannot be assumed at all). */
const refusalNames = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);

/**
 * A reconcile's change to a member target's directory that the member role refused: recorded and left
 * out, so the other targets' directories are still changed. Anything else — a refusal in the hub's own
 * account, or any refusal during a rotation, which must reach every directory or roll back — is not.
 */
function refusalOf(options: {
  run: Run;
  target: string | undefined;
  directoryId: string;
  error: unknown;
}): { directoryId: string; target: string; error: string } | undefined {
  const { target } = options;
  const name = awsErrorName(options.error) ?? (options.error as { name?: string } | undefined)?.name ?? "";
  if (options.run.mode !== "reconcile" || target === undefined || !refusalNames.has(name)) return undefined;
  logger.warn("member target refused a directory change", {
    directoryId: options.directoryId,
    target,
    error: name,
  });
  return { directoryId: options.directoryId, target, error: name };
}

/** The phase's end when member targets refused some of its directories: every other one was changed. */
function refusedDirectoriesError(
  refused: NonNullable<PhaseProgress["refused"]>,
  phase: DirectoryUpdatePhase,
): Error {
  const named = refused.map((entry) => `${directoryLabel(entry.directoryId, entry.target)}: ${entry.error}`);
  const others = phase.directoryIds.length - refused.length;
  return new TargetUnreachable(
    `the member role refused the RADIUS change of ${named.join(", ")}; the other ${others} ` +
      "director(ies) of the phase were changed. Give the member role the action (member-role/member-role.yml); " +
      "the next reconcile changes what was refused",
  );
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
  const views = await describeDirectoriesIn(config, progress.pending, phase.targets);
  const targetOf = targetLookup(phase.targets);
  const statuses = sortByStatus(views, phase.settings, progress.pending, phase.networkTypes);
  const { completed, waiting } = statuses;
  // What completed is recorded even when another directory of the phase failed.
  await mapWithConcurrency(completed, concurrentDirectoryUpdates, (directoryId) =>
    retryThrottled(() =>
      writeDirectoryRecord({
        tableName: config.stateTable,
        directoryId: directoryRecordId(directoryId, targetOf(directoryId)),
        record: {
          secretVersionId: versionId,
          settingsFingerprint: phase.settingsFingerprint,
          appliedAt: run.startedAt,
        },
      }),
    ),
  );
  logger.info("directory RADIUS checked", { attempt, completed: completed.length, waiting: waiting.length });
  const verdict = judgeDirectoryCheck({
    statuses,
    settings: phase.settings,
    attempt,
    maxPolls: options.maxPolls,
  });
  if (verdict.status === "failed") throw verdict.error;
  if (verdict.status === "done" && progress.refused?.length)
    throw refusedDirectoriesError(progress.refused, phase);
  return { ...progress, status: verdict.status, attempt, pending: verdict.pending };
}
