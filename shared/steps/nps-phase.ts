import { getInvocation, listInvocationStatuses } from "../aws/ssm.js";
import type { Config } from "../config.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import {
  collectedFailure,
  commandIdsOf,
  finishedNpsTargets,
  judgeNpsCheck,
  pendingNpsTargets,
  startedNpsProgress,
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

/** Every pending server's status after one look: one ListCommandInvocations per command (per 50 servers). */
async function statusesOf(targets: readonly NpsTarget[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const commandId of commandIdsOf(targets)) {
    for (const [instanceId, status] of await listInvocationStatuses(commandId))
      statuses.set(instanceId, status);
  }
  return statuses;
}

/**
 * One look at every server still pending in an NPS phase: one ListCommandInvocations per command, then
 * each server that finished is confirmed (its output read, its proof verified, its record written). A
 * server that failed ends the phase with the named error (NpsCommandFailed, NpsSecretMismatch, or the
 * prerequisite the NPS script named: NpsMfaExtensionMissing, NpsMfaExtensionBypassed, NpsRoleMissing,
 * SsmAgentOutdated) and every failed server with its reason in the message; a wait past `maxPolls` checks ends it with NpsCommandTimedOut
 * naming the servers still running.
 *
 * @example
 * ```ts
 * const progress = await checkNpsServers({ config, run, phase, secret, clients, progress, maxPolls: 40 });
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
}): Promise<PhaseProgress> {
  const { progress, secret } = options;
  const secretVersionId = secretVersionFor(secret, options.phase.secret);
  const pending = pendingNpsTargets(progress);
  const statuses = await statusesOf(pending);
  const finished = finishedNpsTargets(pending, statuses);
  const failures: Error[] = [];
  const planned = new Set(options.phase.planned ?? options.phase.instanceIds);
  let repaired = 0;
  await mapWithConcurrency(finished, concurrentConfirmations, async (target) => {
    try {
      const invocation = await getInvocation(target);
      const { changed } = await confirmNpsServer({
        ...options,
        target,
        invocation,
        secretArn: secret.arn,
        secretVersionId,
      });
      if (changed && !planned.has(target.instanceId)) repaired += 1;
    } catch (error) {
      failures.push(collectedFailure(error));
    }
  });
  const verdict = judgeNpsCheck({
    progress,
    pending,
    finished,
    statuses,
    failures,
    maxPolls: options.maxPolls,
  });
  if (verdict.kind === "failed") throw verdict.error;
  const { attempt, confirmed, stillRunning } = verdict;
  logger.info("NPS servers checked", { attempt, confirmed, pending: stillRunning });
  if (verdict.kind === "timedOut") throw verdict.error;
  if (repaired > 0) logger.warn("NPS servers repaired", { repaired });
  return { ...verdict.progress, repaired: (progress.repaired ?? 0) + repaired };
}
