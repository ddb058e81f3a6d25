/**
 * Host doubles: what runs a command on a managed node when the Run Command model starts an
 * invocation. moto runs nothing; a host double (the NPS host, say) registers for a document name, or
 * for every document, and is told when an invocation of it starts, ends, or is killed.
 *
 * The hooks run while the model settles, in clock order, one at a time: a hook must not wait for an
 * SSM call through the AWS proxy (the model answers SSM calls only once it has settled); read what
 * the host needs straight from moto with the rig's clients (`rigClient`).
 */
import { type Removable, trackRemovable } from "../interceptors.js";
import type { HostOutcome, InvocationStatus, InvocationStatusDetails } from "./state.js";

/** The invocation a host is asked to run (or told about). Times are rig clock seconds. */
export interface HostInvocation {
  readonly commandId: string;
  readonly instanceId: string;
  readonly documentName: string;
  readonly comment: string;
  /** The command's parameters as sent (`Parameters`: name → values). */
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly sentAt: number;
  readonly startedAt: number;
}

/** How an invocation ended, as the host is told. */
export interface HostEnding {
  readonly status: InvocationStatus;
  readonly statusDetails: InvocationStatusDetails;
  readonly responseCode: number;
  readonly endedAt: number;
}

/** Why a running invocation's process was killed. */
export type KillReason = "Cancelled" | "ExecutionTimedOut";

/**
 * A host double's hooks. `onStart` runs the script and says what it did; its stdout/stderr become
 * the invocation's `StandardOutputContent`/`StandardErrorContent` when it finishes (when its knobs
 * let it: looks, run seconds). `Running` keeps it running until a cancel kills it or its execution
 * timeout passes. `onKilled` comes first when the process is killed; `onFinished` comes for every
 * invocation that started, however it ended.
 */
export interface RunCommandHost {
  onStart(invocation: HostInvocation): HostOutcome | Promise<HostOutcome>;
  onFinished?(invocation: HostInvocation, ending: HostEnding): void | Promise<void>;
  onKilled?(invocation: HostInvocation, reason: KillReason): void | Promise<void>;
}

interface Registration {
  readonly documentName: string | undefined;
  readonly host: RunCommandHost;
}

const registrations: Registration[] = [];

/**
 * Registers a host double for one document (or, without `documentName`, for every document). The
 * latest registration for a document wins, and one for the document wins over one for all. It is
 * removed with every other double after each test.
 *
 * @example
 * ```ts
 * registerRunCommandHost({ documentName: "radius-sync-nps" }, {
 *   onStart: async (invocation) => ({ status: "Success", stdout: await applyOn(invocation.instanceId) }),
 *   onKilled: (invocation, reason) => markKilled(invocation.instanceId, reason),
 * });
 * ```
 */
export function registerRunCommandHost(options: { documentName?: string }, host: RunCommandHost): Removable {
  const registration: Registration = { documentName: options.documentName, host };
  registrations.push(registration);
  return trackRemovable(() => {
    const index = registrations.indexOf(registration);
    if (index >= 0) registrations.splice(index, 1);
  });
}

/**
 * The host double that runs `documentName`, if any.
 *
 * @example
 * ```ts
 * hostFor("radius-sync-nps")?.onStart(invocation);
 * ```
 */
export function hostFor(documentName: string): RunCommandHost | undefined {
  const latest = (test: (registration: Registration) => boolean) => registrations.filter(test).at(-1)?.host;
  return (
    latest((registration) => registration.documentName === documentName) ??
    latest((registration) => registration.documentName === undefined)
  );
}
