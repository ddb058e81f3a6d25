import {
  createWorkflowError,
  NpsCommandFailed,
  NpsPortMismatch,
  NpsRestartPending,
  type RadiusSyncError,
} from "../errors.js";
import { type NpsSummary, parseNpsSummary } from "../nps/summary.js";
import { causeMessage } from "./error-cause.js";
import { npsFingerprint, npsSettingsOf } from "./fingerprint.js";
import type { AppliedNpsRecord } from "./model.js";

/** Longest script error quoted back into an execution's error cause. */
export const maxQuotedErrorLength = 600;

/**
 * Invocation statuses that are not final yet (ssm/2014-11-06 `CommandInvocationStatus`): Cancelling
 * ends Cancelled once SSM has stopped the process.
 */
export const pendingInvocationStatuses: ReadonlySet<string> = new Set([
  "Pending",
  "InProgress",
  "Delayed",
  "Cancelling",
]);

/**
 * The errors sync-nps.ps1 names on stderr ("radius-sync NPS sync failed [<name>]: <why>"): each
 * becomes the execution's error, so a missing MFA extension reads NpsMfaExtensionMissing, not a
 * generic failure. A name outside this list is reported as NpsCommandFailed.
 */
export const scriptErrorNames: ReadonlySet<string> = new Set([
  "NpsRoleMissing",
  "NpsMfaExtensionMissing",
  "NpsMfaExtensionBypassed",
  "NpsHostBusy",
  "NpsCommandSuperseded",
  "NpsSecretLoggingEnabled",
  "NpsSecretMismatch",
  "SsmAgentOutdated",
  "NpsCommandFailed",
]);

/** What GetCommandInvocation told about one server (the shape `getInvocation` returns). */
export interface NpsInvocation {
  status: string;
  statusDetails?: string;
  responseCode?: number;
  standardOutput: string;
  standardError: string;
}

/** Which server and command an invocation belongs to. */
export interface NpsInvocationTarget {
  instanceId: string;
  commandId: string;
}

/**
 * Whether a server's invocation has finished: SSM listed it (not listed yet means SSM has not created
 * it: still pending) with a final status.
 *
 * @example
 * ```ts
 * isInvocationFinished("InProgress"); // false
 * isInvocationFinished("Failed"); // true
 * ```
 */
export function isInvocationFinished(status: string | undefined): boolean {
  return status !== undefined && !pendingInvocationStatuses.has(status);
}

/**
 * The error the script named on stderr (NpsCommandFailed when it named none we know), after
 * `failed`, which names the server; the script's reason replaces the output when it gave one.
 *
 * @example
 * ```ts
 * scriptError("radius-sync NPS sync failed [NpsRoleMissing]: IAS is not installed", "NPS server i-0a failed …");
 * // NpsRoleMissing: "NPS server i-0a failed …: IAS is not installed"
 * ```
 */
export function scriptError(output: string, failed: string): RadiusSyncError {
  const named = /radius-sync NPS sync failed \[([A-Za-z]+)\]: (.*)/.exec(output);
  const name = named?.[1] !== undefined && scriptErrorNames.has(named[1]) ? named[1] : "NpsCommandFailed";
  return createWorkflowError(name, `${failed}: ${named?.[2] ?? output}`);
}

/**
 * The error for an invocation that ended without Success: the status, the exit code when SSM gave
 * one, and at most {@link maxQuotedErrorLength} characters of stderr (else the status details, else
 * "no error output"), named after what the script reported.
 *
 * @example
 * ```ts
 * failedInvocationError(target, { status: "Failed", responseCode: 1, standardError: "…", standardOutput: "" });
 * ```
 */
export function failedInvocationError(
  target: NpsInvocationTarget,
  invocation: NpsInvocation,
): RadiusSyncError {
  const output = (invocation.standardError.trim() || invocation.statusDetails || "no error output").slice(
    0,
    maxQuotedErrorLength,
  );
  const failed =
    `NPS server ${target.instanceId} failed command ${target.commandId} with status ${invocation.status}` +
    `${invocation.responseCode === undefined ? "" : ` (exit code ${invocation.responseCode})`}`;
  return scriptError(output, failed);
}

/**
 * What a finished server reported: its summary when the invocation succeeded with one.
 *
 * @throws the error the script named (NpsMfaExtensionMissing, …; NpsCommandFailed when none) for
 * any other final status, and NpsCommandFailed for a Success without a valid summary.
 *
 * @example
 * ```ts
 * const summary = readNpsInvocation(target, invocation); // { radiusSyncSummary: 3, held: 2, proof: "…", … }
 * ```
 */
export function readNpsInvocation(target: NpsInvocationTarget, invocation: NpsInvocation): NpsSummary {
  if (invocation.status !== "Success") throw failedInvocationError(target, invocation);
  try {
    return parseNpsSummary(invocation.standardOutput);
  } catch (error) {
    throw new NpsCommandFailed(
      `NPS server ${target.instanceId} reported Success for command ${target.commandId} without a valid summary ` +
        `(${causeMessage(error)}); is the SSM document up to date?`,
    );
  }
}

/**
 * Checks that a server runs what it reported configuring: IAS restarted after the last change (no
 * restart owed, the service running), and listening on the RADIUS port the directories send to. Ports
 * the host could not read (an empty list) are not held against it.
 *
 * @throws {NpsRestartPending} when IAS has not loaded the configuration the proof covers.
 * @throws {NpsPortMismatch} when IAS listens on other UDP ports than `radiusPort`.
 *
 * @example
 * ```ts
 * assertServing(summary, { instanceId: "i-0a", radiusPort: 1812 });
 * ```
 */
export function assertServing(
  summary: NpsSummary,
  options: { instanceId: string; radiusPort: number },
): void {
  if (summary.restartPending) {
    throw new NpsRestartPending(
      `NPS server ${options.instanceId}: IAS has not loaded the configuration it reported (a restart is owed or ` +
        "the service is stopped), so the secret it answers with is not proven; the next run restarts it",
    );
  }
  if (summary.ports.length > 0 && !summary.ports.includes(options.radiusPort)) {
    throw new NpsPortMismatch(
      `NPS server ${options.instanceId} listens on UDP ${summary.ports.join(", ")}, not on radiusPort ` +
        `${options.radiusPort}: add ${options.radiusPort} to NPS's authentication ports (NPS console → ` +
        "Properties → Ports), or set radiusPort to one of those",
    );
  }
}

/**
 * Whether a server changed anything on this run (a client, a policy, a restart).
 *
 * @example
 * ```ts
 * hostChanged({ ...summary, created: 0, updated: 0, removed: 0, policiesChanged: [], restarted: false }); // false
 * ```
 */
export function hostChanged(summary: NpsSummary): boolean {
  return (
    summary.restarted ||
    summary.created + summary.updated + summary.removed > 0 ||
    summary.policiesChanged.length > 0
  );
}

/**
 * Puts the server's id in front of an error's message (an error about its proof names no server);
 * anything thrown that is not an Error passes unchanged.
 *
 * @example
 * ```ts
 * throw namingServer("i-0a", error); // "NPS server i-0a: NPS clients do not hold …"
 * ```
 */
export function namingServer(instanceId: string, error: unknown): unknown {
  if (error instanceof Error) error.message = `NPS server ${instanceId}: ${error.message}`;
  return error;
}

/**
 * The record of a server whose proof verified: what it now holds, fingerprinted as the plan
 * fingerprints what it wants, so the next reconcile leaves it alone.
 *
 * @example
 * ```ts
 * confirmedNpsRecord({ config, clients, secretVersionId: "v2", appliedAt: run.startedAt });
 * ```
 */
export function confirmedNpsRecord(options: {
  config: Parameters<typeof npsSettingsOf>[0] & { namePrefix: string };
  clients: Array<{ name: string; ip: string }>;
  secretVersionId: string;
  appliedAt: string;
}): AppliedNpsRecord {
  const { config, clients, secretVersionId } = options;
  return {
    fingerprint: npsFingerprint({
      clients,
      secretVersionId,
      settings: npsSettingsOf(config),
      namePrefix: config.namePrefix,
    }),
    secretVersionId,
    clients,
    appliedAt: options.appliedAt,
  };
}
