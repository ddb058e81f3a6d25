import type { AppliedNpsRecord } from "./model.js";
import { sameParametersApartFromNonce } from "./nps-push.js";
import type { NpsTarget } from "./phases.js";

/**
 * How far before the execution's start the listing of earlier commands begins: the services' clocks
 * are not promised to agree to the second, and the Comment's token is what identifies the push.
 */
export const earlierCommandLookBackMs = 5 * 60_000;

/** A command SSM lists for this push's Comment (the shape `findCommandsByComment` returns). */
export interface ListedNpsCommand {
  commandId: string;
  instanceIds: readonly string[];
  parameters: Readonly<Record<string, readonly string[]>>;
}

/** A command SendCommand just created. */
export interface SentNpsCommand {
  commandId: string;
  instanceIds: readonly string[];
}

/**
 * The region the NPS host reads the secret from: the secret ARN's fourth field ("" when the ARN has
 * fewer fields; the renderer then refuses it).
 *
 * @example
 * ```ts
 * secretRegionOf("arn:aws:secretsmanager:eu-west-1:123456789012:secret:radius-AbCdEf"); // "eu-west-1"
 * ```
 */
export function secretRegionOf(secretArn: string): string {
  return secretArn.split(":")[3] ?? "";
}

/**
 * Where the listing of this push's earlier commands starts: {@link earlierCommandLookBackMs} before
 * the execution started.
 *
 * @example
 * ```ts
 * earlierCommandsSince("2026-01-10T12:05:00.000Z"); // "2026-01-10T12:00:00.000Z"
 * ```
 */
export function earlierCommandsSince(startedAt: string): string {
  return new Date(Date.parse(startedAt) - earlierCommandLookBackMs).toISOString();
}

/**
 * The servers this very push already reached (a retried Task whose earlier attempt lost SendCommand's
 * response), by instance: commands with the same parameters apart from the nonce, to servers this
 * push wants. Each target keeps its own command's nonce, which its proof answers; a later command
 * for the same server wins.
 *
 * @example
 * ```ts
 * earlierNpsTargets({ commands, parameters, instanceIds: ["i-0a", "i-0b"] }); // Map { "i-0a" => { instanceId, commandId, nonce } }
 * ```
 */
export function earlierNpsTargets(options: {
  commands: readonly ListedNpsCommand[];
  parameters: Readonly<Record<string, readonly string[]>>;
  instanceIds: readonly string[];
}): Map<string, NpsTarget> {
  const wanted = new Set(options.instanceIds);
  const targets = new Map<string, NpsTarget>();
  for (const command of options.commands) {
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
 * The servers that still need a command: those no earlier command of this push reached.
 *
 * @example
 * ```ts
 * serversToSend(["i-0a", "i-0b"], earlier); // ["i-0b"] when i-0a was reached before
 * ```
 */
export function serversToSend(
  instanceIds: readonly string[],
  earlier: ReadonlyMap<string, NpsTarget>,
): string[] {
  return instanceIds.filter((instanceId) => !earlier.has(instanceId));
}

/**
 * Every target of the push, by instance id: the earlier ones with their own nonce, the ones just
 * sent with this attempt's nonce; and the earlier commands reused (each once), for the log.
 *
 * @example
 * ```ts
 * const { targets, alreadySent } = mergeNpsTargets({ earlier, sent: [{ commandId: "c-1", instanceIds: ["i-0b"] }], nonce });
 * ```
 */
export function mergeNpsTargets(options: {
  earlier: ReadonlyMap<string, NpsTarget>;
  sent: readonly SentNpsCommand[];
  nonce: string;
}): { targets: NpsTarget[]; alreadySent: string[] } {
  const { earlier, nonce } = options;
  const sent = options.sent.flatMap((command) =>
    command.instanceIds.map((instanceId) => ({ instanceId, commandId: command.commandId, nonce })),
  );
  const targets = [...earlier.values(), ...sent].sort((left, right) =>
    left.instanceId.localeCompare(right.instanceId),
  );
  const alreadySent = [...new Set([...earlier.values()].map((target) => target.commandId))];
  return { targets, alreadySent };
}

/**
 * The record a server gets before its command is sent: until it reports success nobody knows what it
 * holds, so a failure from here on makes the next reconcile push again instead of trusting an older
 * record.
 *
 * @example
 * ```ts
 * unconfirmedNpsRecord({ secretVersionId: "v2", appliedAt: run.startedAt }); // { fingerprint: "unconfirmed", … }
 * ```
 */
export function unconfirmedNpsRecord(options: {
  secretVersionId: string;
  appliedAt: string;
}): AppliedNpsRecord {
  return {
    fingerprint: "unconfirmed",
    secretVersionId: `unconfirmed:${options.secretVersionId}`,
    clients: [],
    appliedAt: options.appliedAt,
  };
}
