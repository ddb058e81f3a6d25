import { cancelCommand, getInvocation, listInvocationStatuses } from "../aws/ssm.js";
import type { Config } from "../config.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import {
  collectedFailure,
  commandIdsOf,
  explainingOrder,
  finishedNpsTargets,
  invocationKey,
  judgeNpsCheck,
  pendingNpsTargets,
  type ServerFailure,
  startedNpsProgress,
  stoppedAfterAnotherFailed,
} from "../core/nps-check.js";
import type { NpsPush } from "../core/nps-push.js";
import {
  type NpsPushPhase,
  type NpsTarget,
  type PhaseProgress,
  type PhaseSecret,
  secretVersionFor,
} from "../core/phases.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";
import { confirmNpsServer, sendNpsCommand } from "./nps-command.js";

/** Finished servers confirmed at once (each reads its output and writes its record). */
const concurrentConfirmations = 5;

/**
 * Starts an NPS phase: sends the document with the phase's secret version to every server of the
 * phase (one SendCommand per 50, idempotent per execution and phase) and returns the progress that
 * waits for all of them.
 *
 * @example
 * ```ts
 * const progress = await startNpsPhase({ config, run, push: { step: "rotate", index: 1 }, lockAcquiredAt, phase, secret, clients });
 * ```
 */
export async function startNpsPhase(options: {
  config: Readonly<Config>;
  run: Run;
  push: NpsPush;
  lockAcquiredAt: string;
  phase: NpsPushPhase;
  secret: PhaseSecret;
  clients: Array<{ name: string; ip: string }>;
}): Promise<PhaseProgress> {
  const { phase, secret } = options;
  const { targets } = await sendNpsCommand({
    ...options,
    secret: { arn: secret.arn, versionId: secretVersionFor(secret, phase.secret) },
    instanceIds: phase.instanceIds,
  });
  return startedNpsProgress(phase, targets);
}

/**
 * Every pending server's status after one look, by command and instance (`invocationKey`): one
 * ListCommandInvocations per command (per 50 servers).
 */
async function statusesOf(targets: readonly NpsTarget[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const commandId of commandIdsOf(targets)) {
    for (const [instanceId, status] of await listInvocationStatuses(commandId))
      statuses.set(invocationKey({ commandId, instanceId }), status);
  }
  return statuses;
}

/** Cancels each command on the servers still running it (one CancelCommand per command). */
async function cancelTargets(targets: readonly NpsTarget[]): Promise<void> {
  for (const commandId of commandIdsOf(targets)) {
    const instanceIds = targets
      .filter((target) => target.commandId === commandId)
      .map((target) => target.instanceId);
    await cancelCommand({ commandId, instanceIds });
  }
}

/**
 * One look at every server still pending in an NPS phase: one ListCommandInvocations per command, then
 * each server that finished is confirmed (its output read, its proof verified, its record written). A
 * server that failed ends the phase with the named error (NpsCommandFailed, NpsSecretMismatch, or the
 * prerequisite the NPS script named: NpsMfaExtensionMissing, NpsMfaExtensionBypassed, NpsRoleMissing,
 * SsmAgentOutdated) and every failed server with its reason in the message. The servers run one at a
 * time, so the phase waits `maxPolls` checks per server; past that it gives up: it cancels what still
 * runs, waits (at most `cancelPolls` more checks) until each has ended, and only then ends with
 * NpsCommandTimedOut naming them — a command never outlives the wait, and nothing else is pushed to a
 * server while one of ours still may run there.
 *
 * @example
 * ```ts
 * const progress = await checkNpsServers({ config, run, phase, secret, clients, progress, maxPolls: 20, cancelPolls: 20 });
 * ```
 */
export async function checkNpsServers(options: {
  config: Readonly<Config>;
  run: Run;
  phase: NpsPushPhase;
  secret: PhaseSecret;
  clients: Array<{ name: string; ip: string }>;
  progress: PhaseProgress;
  maxPolls: number;
  cancelPolls: number;
}): Promise<PhaseProgress> {
  const { progress, secret } = options;
  const secretVersionId = secretVersionFor(secret, options.phase.secret);
  const pending = pendingNpsTargets(progress);
  const statuses = await statusesOf(pending);
  const finished = finishedNpsTargets(pending, statuses);
  const failures: ServerFailure[] = [];
  const planned = new Set(options.phase.planned ?? options.phase.instanceIds);
  let repaired = 0;
  // After giving up, only the ends of what was cancelled matter: nothing more is confirmed.
  const confirming = progress.givenUp === undefined ? finished : [];
  const ordered = confirming.map((target, order) => ({ target, order }));
  await mapWithConcurrency(ordered, concurrentConfirmations, async ({ target, order }) => {
    let notRun = false;
    try {
      const invocation = await getInvocation(target);
      notRun = stoppedAfterAnotherFailed(invocation);
      const { changed } = await confirmNpsServer({
        ...options,
        target,
        invocation,
        secretArn: secret.arn,
        secretVersionId,
      });
      if (changed && !planned.has(target.instanceId)) repaired += 1;
    } catch (error) {
      failures.push({ order, notRun, error: collectedFailure(error) });
    }
  });
  const verdict = judgeNpsCheck({
    progress,
    pending,
    finished,
    statuses,
    failures: explainingOrder(failures),
    // One turn per server: the command runs on them one at a time.
    maxPolls: options.maxPolls * Math.max(1, options.phase.instanceIds.length),
    cancelPolls: options.cancelPolls,
  });
  if (verdict.kind === "failed") throw verdict.error;
  const { attempt, confirmed, stillRunning } = verdict;
  logger.info("NPS servers checked", { attempt, confirmed, pending: stillRunning });
  if (verdict.kind === "timedOut") throw verdict.error;
  if (verdict.kind === "giveUp") {
    await cancelTargets(verdict.cancel);
    logger.warn("NPS command given up on and cancelled; waiting until it has ended", {
      servers: verdict.cancel.map((target) => target.instanceId),
    });
  }
  if (repaired > 0) logger.warn("NPS servers repaired", { repaired });
  return { ...verdict.progress, repaired: (progress.repaired ?? 0) + repaired };
}
