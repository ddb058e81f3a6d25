import { getInvocation, listInvocationStatuses } from "../aws/ssm.js";
import type { Config } from "../config.js";
import { mapWithConcurrency } from "../core/concurrency.js";
import type { NpsPush } from "../core/nps-push.js";
import {
  type NpsPushPhase,
  type NpsTarget,
  type PhaseProgress,
  type PhaseSecret,
  secretVersionFor,
} from "../core/phases.js";
import { createWorkflowError, NpsCommandTimedOut } from "../errors.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";
import { confirmNpsServer, pendingInvocationStatuses, sendNpsCommand } from "./nps-command.js";

/** Finished servers confirmed at once (each reads its output and writes its record). */
const concurrentConfirmations = 5;

/**
 * Starts an NPS phase: sends the document with the phase's secret version to every server of the
 * phase (one SendCommand per 50, idempotent per execution and phase) and returns the progress that
 * waits for all of them.
 *
 * @example
 * ```ts
 * const progress = await startNpsPhase({ config, run, push: { step: "rotate", index: 1 }, phase, secret, clients });
 * ```
 */
export async function startNpsPhase(options: {
  config: Readonly<Config>;
  run: Run;
  push: NpsPush;
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
  return {
    status: "pending",
    started: phase.instanceIds.length,
    attempt: 0,
    pending: targets.map((target) => target.instanceId),
    targets,
  };
}

/** Every pending server's status after one look: one ListCommandInvocations per command (per 50 servers). */
async function statusesOf(targets: readonly NpsTarget[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const commandId of new Set(targets.map((target) => target.commandId))) {
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
  const attempt = progress.attempt + 1;
  const secretVersionId = secretVersionFor(secret, options.phase.secret);
  const waitingFor = new Set(progress.pending);
  const pending = (progress.targets ?? []).filter((target) => waitingFor.has(target.instanceId));
  const statuses = await statusesOf(pending);
  // Not listed yet means SSM has not created the invocation: still pending.
  const finished = pending.filter((target) => {
    const status = statuses.get(target.instanceId);
    return status !== undefined && !pendingInvocationStatuses.has(status);
  });
  const failures: Error[] = [];
  await mapWithConcurrency(finished, concurrentConfirmations, async (target) => {
    try {
      const invocation = await getInvocation(target);
      await confirmNpsServer({ ...options, target, invocation, secretArn: secret.arn, secretVersionId });
    } catch (error) {
      if (error instanceof Error && error.name === "AwsThrottled") throw error;
      failures.push(error instanceof Error ? error : new Error(String(error)));
    }
  });
  const [first] = failures;
  if (first) {
    throw createWorkflowError(first.name, failures.map((failure) => failure.message).join("; "));
  }
  const done = new Set(finished.map((target) => target.instanceId));
  const still = pending.filter((target) => !done.has(target.instanceId));
  logger.info("NPS servers checked", { attempt, confirmed: finished.length, pending: still.length });
  if (still.length === 0) return { ...progress, status: "done", attempt, pending: [] };
  if (attempt >= options.maxPolls) {
    const described = still.map(
      (target) =>
        `${target.instanceId} (command ${target.commandId}, ${statuses.get(target.instanceId) ?? "not yet delivered"})`,
    );
    throw new NpsCommandTimedOut(
      `${still.length} NPS server(s) did not finish after ${attempt} checks: ${described.join(", ")}; ` +
        "is the SSM agent running and the instance reachable?",
    );
  }
  return { ...progress, status: "pending", attempt, pending: still.map((target) => target.instanceId) };
}
