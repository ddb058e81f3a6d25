/**
 * What the Run Command model holds: one record per command SSM accepted, one per invocation (the
 * command's copy for one managed node), and the knobs a test turns per node. Plain data, changed only
 * by schedule.ts (when time passes) and model.ts (when a call arrives).
 */

/** botocore ssm/2014-11-06 `CommandInvocationStatus` (`Delayed` is not modelled). */
export type InvocationStatus =
  | "Pending"
  | "InProgress"
  | "Cancelling"
  | "Success"
  | "Failed"
  | "TimedOut"
  | "Cancelled";

/**
 * The `StatusDetails` an invocation shows (`CommandInvocation.StatusDetails` documentation): besides
 * the statuses, `DeliveryTimedOut` (never started), `ExecutionTimedOut` (ran past the document's
 * timeout) and `Terminated` (cancelled by the system once the command exceeded `MaxErrors`).
 */
export type InvocationStatusDetails =
  | Exclude<InvocationStatus, "TimedOut">
  | "DeliveryTimedOut"
  | "ExecutionTimedOut"
  | "Terminated";

/**
 * What the script did on the host, as a host double reports it when an invocation starts: it exited
 * 0 (`Success`) or with an exit code (`Failed`, 1 unless given), or it is still running and will run
 * until it is killed (cancelled) or its execution timeout passes.
 */
export type HostOutcome =
  | { status: "Success"; stdout?: string; stderr?: string }
  | { status: "Failed"; exitCode?: number; stdout?: string; stderr?: string }
  | { status: "Running" };

/** One invocation: the command's copy for one managed node. */
export interface InvocationState {
  readonly instanceId: string;
  /** Its position in the command's `InstanceIds`: the order SSM delivers in. */
  readonly index: number;
  status: InvocationStatus;
  statusDetails: InvocationStatusDetails;
  /** When it took one of the command's `MaxConcurrency` slots (SSM began delivering it). */
  dispatchedAt?: number;
  startedAt?: number;
  endedAt?: number;
  cancelRequestedAt?: number;
  /** The clock times of the looks it got while running (a GetCommandInvocation, a listing). */
  runningLooks: number[];
  /** Every look it got, running or not. */
  looks: number;
  /** What the host reported when it started; absent when no host double runs its document. */
  host?: HostOutcome;
  responseCode: number;
  stdout: string;
  stderr: string;
}

/** One command, as SendCommand recorded it. */
export interface CommandState {
  readonly commandId: string;
  /** Order of sending (ties between commands are settled in this order). */
  readonly sequence: number;
  readonly documentName: string;
  readonly comment: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  /** As sent (or the default), and resolved against the target count. */
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly concurrencyLimit: number;
  readonly errorLimit: number;
  /** SendCommand's `TimeoutSeconds`: no invocation starts once this has passed since sending. */
  readonly deliveryTimeoutSeconds: number;
  /** The document's own limit on one run (its script steps' `timeoutSeconds`). */
  readonly executionTimeoutSeconds: number;
  /** Rig clock time of sending. */
  readonly sentAt: number;
  /** moto's `RequestedDateTime` (wall clock): the dates in replies are counted from it. */
  readonly requestedAt: Date;
  readonly invocations: InvocationState[];
  /** Invocations that ended Failed or ExecutionTimedOut (they count against `MaxErrors`). */
  errors: number;
  cancelRequested: boolean;
}

/** How a test wants an invocation to end, whatever the host reported (the old double's outcomes). */
export interface ForcedOutcome {
  status?: "Success" | "Failed" | "TimedOut" | "Cancelled";
  responseCode?: number;
  stdout?: string;
  stderr?: string;
}

/** The knobs of one managed node, as the model reads them when it next settles. */
export interface InvocationKnobs {
  /** Seconds after sending before the node's agent picks a command up. */
  startDelaySeconds: number;
  /** Looks it shows `InProgress` once running, before it may finish; `forever`: it never finishes. */
  pendingPolls: number | "forever";
  /** Seconds it runs at least. */
  runSeconds: number;
  /** Whether CancelCommand kills it while running ("There is no guarantee that the command will be terminated"). */
  cancelTakes: boolean;
  /** Seconds a running invocation shows `Cancelling` before the kill is reported. */
  cancelSeconds: number;
  forced?: ForcedOutcome;
}

/**
 * Until when an invocation may start: the delivery timeout (`TimeoutSeconds`: "If this time is
 * reached and the command hasn't already started running, it won't run", botocore), or the command's
 * `ExpiresAfter` (delivery + execution timeout: the User Guide says an agent that has not received it
 * by then never will). Either way a command not started shows `Pending` until `ExpiresAfter`.
 */
export type DeliveryWindow = "TimeoutSeconds" | "ExpiresAfter";

/**
 * Whether an invocation has ended (a terminal status; `Cancelling` is not one).
 *
 * @example
 * ```ts
 * isTerminal({ status: "Cancelling" }); // false
 * ```
 */
export const isTerminal = (invocation: Pick<InvocationState, "status">): boolean =>
  !["Pending", "InProgress", "Cancelling"].includes(invocation.status);

/**
 * When the command expires: sent + delivery timeout + execution timeout (`Command.ExpiresAfter`).
 *
 * @example
 * ```ts
 * expiresAt(command); // 1200 for a command sent at 0 with TimeoutSeconds 600 and the NPS document's 600
 * ```
 */
export const expiresAt = (command: CommandState): number =>
  command.sentAt + command.deliveryTimeoutSeconds + command.executionTimeoutSeconds;
