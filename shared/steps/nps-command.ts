import { findCommandsByComment, type InvocationView, sendDocumentCommand } from "../aws/ssm.js";
import { writeNpsRecord } from "../aws/state-table.js";
import type { Config } from "../config.js";
import { type NpsPush, npsCommandComment, sameParametersApartFromNonce } from "../core/nps-push.js";
import type { NpsTarget } from "../core/phases.js";
import { npsFingerprint, npsSettingsOf } from "../core/plan.js";
import { createWorkflowError, NpsCommandFailed } from "../errors.js";
import { createSecretProofNonce, parseNpsSummary, renderNpsCommandParameters } from "../nps/index.js";
import { logger } from "../observability.js";
import type { Run } from "../run.js";
import { verifyNpsSummary } from "./nps-proof.js";

/** The region is the secret ARN's fourth field: the NPS host reads the secret from there. */
function regionOf(secretArn: string): string {
  return secretArn.split(":")[3] ?? "";
}

/** Longest script error quoted back into an execution's error cause. */
const maxQuotedErrorLength = 600;

/**
 * Commands this very push already sent (a retried Task whose earlier attempt lost SendCommand's
 * response), by instance. Listing starts a little before the execution did: the services' clocks
 * are not promised to agree to the second, and the Comment's token is what identifies the push.
 */
async function earlierTargets(options: {
  documentName: string;
  comment: string;
  startedAt: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
}): Promise<Map<string, NpsTarget>> {
  const invokedAfter = new Date(Date.parse(options.startedAt) - 5 * 60_000).toISOString();
  const wanted = new Set(options.instanceIds);
  const targets = new Map<string, NpsTarget>();
  for (const command of await findCommandsByComment({ ...options, invokedAfter })) {
    if (!sameParametersApartFromNonce(command.parameters, options.parameters)) continue;
    const nonce = command.parameters.Nonce?.[0] ?? "";
    for (const instanceId of command.instanceIds) {
      if (wanted.has(instanceId))
        targets.set(instanceId, { instanceId, commandId: command.commandId, nonce });
    }
  }
  return targets;
}

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
    region: regionOf(secret.arn),
    clients: options.clients,
    namePrefix: config.namePrefix,
    accessMode: config.nps.accessMode,
    protocol: config.radius.protocol,
    adGroup: config.nps.adGroup,
    requireMessageAuthenticator: config.nps.requireMessageAuthenticator,
  });
  // Until each server reports success, nobody knows what it holds: a failure from here on must make
  // the next reconcile push again, not trust an older record.
  for (const instanceId of options.instanceIds) {
    await writeNpsRecord({
      tableName: config.stateTable,
      instanceId,
      record: {
        fingerprint: "unconfirmed",
        secretVersionId: `unconfirmed:${secret.versionId}`,
        clients: [],
        appliedAt: run.startedAt,
      },
    });
  }
  const comment = npsCommandComment({ executionId: run.executionId, mode: run.mode, push: options.push });
  const documentName = config.nps.documentName;
  const earlier = await earlierTargets({
    documentName,
    comment,
    startedAt: run.startedAt,
    parameters,
    instanceIds: options.instanceIds,
  });
  const remaining = options.instanceIds.filter((instanceId) => !earlier.has(instanceId));
  const commands =
    remaining.length === 0
      ? []
      : await sendDocumentCommand({
          documentName,
          instanceIds: remaining,
          parameters,
          comment,
          timeoutSeconds: config.waits.maxNpsWaitSeconds,
        });
  const sent = commands.flatMap((command) =>
    command.instanceIds.map((instanceId) => ({ instanceId, commandId: command.commandId, nonce })),
  );
  const targets = [...earlier.values(), ...sent].sort((left, right) =>
    left.instanceId.localeCompare(right.instanceId),
  );
  logger.info("NPS command sent", {
    commands: commands.map((command) => command.commandId),
    alreadySent: [...new Set([...earlier.values()].map((target) => target.commandId))],
    servers: targets.length,
  });
  return { targets };
}

/** The script's summary, or a failure naming the server when the script did not report as it must. */
function readSummary(standardOutput: string, target: { instanceId: string; commandId: string }) {
  try {
    return parseNpsSummary(standardOutput);
  } catch (error) {
    throw new NpsCommandFailed(
      `NPS server ${target.instanceId} reported Success for command ${target.commandId} without a valid summary ` +
        `(${error instanceof Error ? error.message : String(error)}); is the SSM document up to date?`,
    );
  }
}

/**
 * The errors sync-nps.ps1 names on stderr ("radius-sync NPS sync failed [<name>]: <why>"): each
 * becomes the execution's error, so a missing MFA extension reads NpsMfaExtensionMissing, not a
 * generic failure. A name outside this list is reported as NpsCommandFailed.
 */
const scriptErrorNames = new Set([
  "NpsRoleMissing",
  "NpsMfaExtensionMissing",
  "NpsMfaExtensionBypassed",
  "SsmAgentOutdated",
  "NpsCommandFailed",
]);

/** The error the script named on stderr (NpsCommandFailed when it named none we know), naming the server. */
function scriptError(output: string, failed: string) {
  const named = /radius-sync NPS sync failed \[([A-Za-z]+)\]: (.*)/.exec(output);
  const name = named?.[1] !== undefined && scriptErrorNames.has(named[1]) ? named[1] : "NpsCommandFailed";
  return createWorkflowError(name, `${failed}: ${named?.[2] ?? output}`);
}

/** Invocation statuses that are not final yet (ssm/2014-11-06 `CommandInvocationStatus`). */
export const pendingInvocationStatuses: ReadonlySet<string> = new Set(["Pending", "InProgress", "Delayed"]);

/**
 * Confirms one server whose invocation finished: Success with a summary whose secret proof verifies
 * records what the server now holds; any other final status is the error the script named
 * (NpsMfaExtensionMissing, …; NpsCommandFailed when it named none) naming the server and quoting the
 * script's reason; a proof that differs is NpsSecretMismatch.
 *
 * @example
 * ```ts
 * await confirmNpsServer({ config, run, target, invocation, secretArn, secretVersionId, clients });
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
}): Promise<void> {
  const { config, run, target, invocation } = options;
  if (invocation.status !== "Success") {
    const output = (invocation.standardError.trim() || invocation.statusDetails || "no error output").slice(
      0,
      maxQuotedErrorLength,
    );
    const failed =
      `NPS server ${target.instanceId} failed command ${target.commandId} with status ${invocation.status}` +
      `${invocation.responseCode === undefined ? "" : ` (exit code ${invocation.responseCode})`}`;
    throw scriptError(output, failed);
  }
  const summary = readSummary(invocation.standardOutput, target);
  try {
    await verifyNpsSummary({
      arn: options.secretArn,
      versionId: options.secretVersionId,
      nonce: target.nonce,
      summary,
      expectedClients: options.clients,
    });
  } catch (error) {
    if (error instanceof Error) error.message = `NPS server ${target.instanceId}: ${error.message}`;
    throw error;
  }
  await writeNpsRecord({
    tableName: config.stateTable,
    instanceId: target.instanceId,
    record: {
      fingerprint: npsFingerprint({
        clients: options.clients,
        secretVersionId: options.secretVersionId,
        settings: npsSettingsOf(config),
        namePrefix: config.namePrefix,
      }),
      secretVersionId: options.secretVersionId,
      clients: options.clients,
      appliedAt: run.startedAt,
    },
  });
  logger.info("NPS server configured", {
    instanceId: target.instanceId,
    commandId: target.commandId,
    summary,
  });
}
