/**
 * What the SSM API shows of the model's records: an invocation as GetCommandInvocation and
 * ListCommandInvocations answer it, a command's status and counts as ListCommands answers them.
 * Pure; dates are counted from moto's `RequestedDateTime` by the rig clock's seconds.
 */
import { type CommandState, expiresAt, type InvocationState, isTerminal } from "./state.js";

/** One invocation as the API reports it. */
export interface InvocationView {
  commandId: string;
  instanceId: string;
  documentName: string;
  comment: string;
  status: InvocationState["status"];
  statusDetails: InvocationState["statusDetails"];
  /** -1 until it ends ("the command hasn't started running on the managed node, or it wasn't received"). */
  responseCode: number;
  /** Empty until it ends ("If the command hasn't finished running … then this string is empty"). */
  standardOutputContent: string;
  standardErrorContent: string;
  requestedDateTime: Date;
  /** ISO 8601, empty until it starts (and end: until it ends), as GetCommandInvocationResult has them. */
  executionStartDateTime: string;
  executionEndDateTime: string;
  executionElapsedTime: string;
}

/** A command's status and counts (botocore `Command`). */
export interface CommandSummary {
  status: "Pending" | "InProgress" | "Success" | "Cancelled" | "Failed" | "TimedOut" | "Cancelling";
  statusDetails: string;
  targetCount: number;
  completedCount: number;
  errorCount: number;
  deliveryTimedOutCount: number;
  expiresAfter: Date;
}

/**
 * The wall-clock date of rig clock time `time` for this command.
 *
 * @example
 * ```ts
 * dateOf(command, command.sentAt + 60); // RequestedDateTime + 1 minute
 * ```
 */
export const dateOf = (command: CommandState, time: number): Date =>
  new Date(command.requestedAt.getTime() + (time - command.sentAt) * 1000);

/**
 * The invocation as GetCommandInvocation answers it.
 *
 * @example
 * ```ts
 * invocationView(command, command.invocations[0]).status; // "Pending"
 * ```
 */
export function invocationView(command: CommandState, invocation: InvocationState): InvocationView {
  const { startedAt, endedAt } = invocation;
  const elapsed = startedAt === undefined ? undefined : (endedAt ?? startedAt) - startedAt;
  return {
    commandId: command.commandId,
    instanceId: invocation.instanceId,
    documentName: command.documentName,
    comment: command.comment,
    status: invocation.status,
    statusDetails: invocation.statusDetails,
    // Set when the invocation ends (schedule.ts `end`); -1 and empty until then.
    responseCode: invocation.responseCode,
    standardOutputContent: invocation.stdout,
    standardErrorContent: invocation.stderr,
    requestedDateTime: command.requestedAt,
    executionStartDateTime: startedAt === undefined ? "" : dateOf(command, startedAt).toISOString(),
    executionEndDateTime:
      startedAt === undefined || endedAt === undefined ? "" : dateOf(command, endedAt).toISOString(),
    executionElapsedTime: elapsed === undefined ? "" : `PT${elapsed}S`,
  };
}

const count = (command: CommandState, test: (invocation: InvocationState) => boolean) =>
  command.invocations.filter(test).length;

/**
 * The command's overall status (monitor-commands.md, "Detailed status for a command"): Pending while
 * no invocation started or ended, InProgress until all ended (Cancelling while one is); then Success
 * when all succeeded, Cancelled after a cancel, Failed (or TimedOut when every error was an
 * execution timeout) when more invocations failed than `MaxErrors` allows, TimedOut/DeliveryTimedOut
 * when more never started; otherwise StatusDetails `Incomplete`, whose Status AWS does not document:
 * `Failed` here, the stricter reading.
 *
 * @example
 * ```ts
 * commandSummary(command); // { status: "InProgress", targetCount: 2, completedCount: 1, … }
 * ```
 */
export function commandSummary(command: CommandState): CommandSummary {
  const counts = {
    targetCount: command.invocations.length,
    completedCount: count(command, isTerminal),
    errorCount: count(
      command,
      (each) => each.status === "Failed" || each.statusDetails === "ExecutionTimedOut",
    ),
    deliveryTimedOutCount: count(command, (each) => each.statusDetails === "DeliveryTimedOut"),
    expiresAfter: dateOf(command, expiresAt(command)),
  };
  const state = (status: CommandSummary["status"], statusDetails: string = status): CommandSummary => ({
    status,
    statusDetails,
    ...counts,
  });
  if (count(command, (each) => each.status === "Cancelling") > 0) return state("Cancelling");
  if (counts.completedCount < counts.targetCount) {
    const moved = count(command, (each) => each.startedAt !== undefined || isTerminal(each));
    return moved === 0 ? state("Pending") : state("InProgress");
  }
  if (count(command, (each) => each.status === "Success") === counts.targetCount) return state("Success");
  if (command.cancelRequested && count(command, (each) => each.statusDetails === "Cancelled") > 0) {
    return state("Cancelled");
  }
  if (counts.errorCount > command.errorLimit) {
    const timedOut = count(command, (each) => each.statusDetails === "ExecutionTimedOut");
    return timedOut === counts.errorCount ? state("TimedOut", "ExecutionTimedOut") : state("Failed");
  }
  if (counts.deliveryTimedOutCount > command.errorLimit) return state("TimedOut", "DeliveryTimedOut");
  return state("Failed", "Incomplete");
}
