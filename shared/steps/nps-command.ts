import { findCommandsByComment, type InvocationView, sendDocumentCommand } from "../aws/ssm.js";
import { writeNpsRecord } from "../aws/state-table.js";
import type { Config } from "../config.js";
import {
  assertServing,
  confirmedNpsRecord,
  hostChanged,
  namingServer,
  readNpsInvocation,
} from "../core/nps-invocation.js";
import { type NpsPush, npsCommandComment, npsPushSequence } from "../core/nps-push.js";
import {
  earlierCommandsSince,
  earlierNpsTargets,
  mergeNpsTargets,
  secretRegionOf,
  serversToSend,
  unconfirmedNpsRecord,
} from "../core/nps-send.js";
import type { NpsTarget } from "../core/phases.js";
import { createSecretProofNonce, renderNpsCommandParameters } from "../nps/index.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";
import { verifyNpsSummary } from "./nps-proof.js";

/**
 * Sends the NPS document to every server that needs it in one SendCommand (per 50 servers).
 * Its parameters carry the secret's ARN and version id, never the secret. Idempotent: the Comment
 * names this push (execution id + step + phase), and servers this push already reached — a
 * retried Task after a lost response — get their earlier command back instead of a second one.
 *
 * @example
 * ```ts
 * const { targets } = await sendNpsCommand({ config, run, push: { step: "reconcile", index: 0 }, secret, instanceIds, clients });
 * ```
 */
export async function sendNpsCommand(options: {
  config: Readonly<Config>;
  run: Run;
  push: NpsPush;
  /** When the execution took the mutation lock: orders this push among all pushes. */
  lockAcquiredAt: string;
  secret: { arn: string; versionId: string };
  instanceIds: string[];
  clients: Array<{ name: string; ip: string }>;
}): Promise<{ targets: NpsTarget[] }> {
  const { config, run, secret } = options;
  // A fresh nonce per command: the hosts prove which secret they hold without revealing it.
  const nonce = createSecretProofNonce();
  const parameters = renderNpsCommandParameters({
    nonce,
    secretArn: secret.arn,
    secretVersion: secret.versionId,
    region: secretRegionOf(secret.arn),
    clients: options.clients,
    namePrefix: config.namePrefix,
    accessMode: config.nps.accessMode,
    protocol: config.radius.protocol,
    adGroup: config.nps.adGroup,
    requireMessageAuthenticator: config.nps.requireMessageAuthenticator,
    sequence: npsPushSequence({ lockAcquiredAt: options.lockAcquiredAt, push: options.push }),
    acknowledgedIpWhitelist: config.nps.acknowledgedIpWhitelist,
  });
  // Until each server reports success, nobody knows what it holds.
  for (const instanceId of options.instanceIds) {
    await writeNpsRecord({
      tableName: config.stateTable,
      instanceId,
      record: unconfirmedNpsRecord({ secretVersionId: secret.versionId, appliedAt: run.startedAt }),
    });
  }
  const comment = npsCommandComment({ executionId: run.executionId, mode: run.mode, push: options.push });
  const documentName = config.nps.documentName;
  // A retried Task whose earlier attempt lost SendCommand's response finds what it sent by Comment.
  const listed = await findCommandsByComment({
    documentName,
    comment,
    invokedAfter: earlierCommandsSince(run.startedAt),
  });
  const earlier = earlierNpsTargets({ commands: listed, parameters, instanceIds: options.instanceIds });
  const remaining = serversToSend(options.instanceIds, earlier);
  const commands =
    remaining.length === 0
      ? []
      : await sendDocumentCommand({
          documentName,
          instanceIds: remaining,
          parameters,
          comment,
          // A delivery timeout (SSM: a command not started by then will not run): the servers run one
          // at a time, so the last may start only after every other one had its turn.
          timeoutSeconds: config.waits.maxNpsWaitSeconds * Math.min(remaining.length, 50),
        });
  const { targets, alreadySent } = mergeNpsTargets({ earlier, sent: commands, nonce });
  logger.info("NPS command sent", {
    commands: commands.map((command) => command.commandId),
    alreadySent,
    servers: targets.length,
  });
  return { targets };
}

/**
 * Confirms one server whose invocation finished: Success with a summary whose secret proof verifies
 * records what the server now holds; any other final status is the error the script named
 * (NpsMfaExtensionMissing, …; NpsCommandFailed when it named none) naming the server and quoting the
 * script's reason; a proof that differs is NpsSecretMismatch; a server whose IAS has not loaded what it
 * configured is NpsRestartPending, one that does not listen on radiusPort NpsPortMismatch. Returns
 * whether the server changed anything.
 *
 * @example
 * ```ts
 * const { changed } = await confirmNpsServer({ config, run, target, invocation, secretArn, secretVersionId, clients });
 * ```
 */
export async function confirmNpsServer(options: {
  config: Readonly<Config>;
  run: Run;
  target: NpsTarget;
  invocation: InvocationView;
  secretArn: string;
  secretVersionId: string;
  clients: Array<{ name: string; ip: string }>;
}): Promise<{ changed: boolean }> {
  const { config, run, target } = options;
  const summary = readNpsInvocation(target, options.invocation);
  assertServing(summary, { instanceId: target.instanceId, radiusPort: config.radius.port });
  try {
    await verifyNpsSummary({
      arn: options.secretArn,
      versionId: options.secretVersionId,
      nonce: target.nonce,
      summary,
      expectedClients: options.clients,
    });
  } catch (error) {
    throw namingServer(target.instanceId, error);
  }
  await writeNpsRecord({
    tableName: config.stateTable,
    instanceId: target.instanceId,
    record: confirmedNpsRecord({
      config,
      clients: options.clients,
      secretVersionId: options.secretVersionId,
      appliedAt: run.startedAt,
    }),
  });
  logger.info("NPS server configured", {
    instanceId: target.instanceId,
    commandId: target.commandId,
    summary,
  });
  return { changed: hostChanged(summary) };
}
