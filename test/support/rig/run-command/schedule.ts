/**
 * The Run Command model's scheduling, pure: which change of which invocation comes next in clock
 * order, and what each change does to the records. No I/O, no clock: time comes in as numbers, the
 * knobs through a function. The driver (model.ts) asks for the next transition due by now, applies it
 * (calling the host double when an invocation starts), and asks again.
 *
 * What AWS documents, and how it is read here (botocore ssm/2014-11-06 service-2.json; Systems
 * Manager User Guide monitor-commands.md and send-commands-multiple.md):
 *
 * - MaxConcurrency: "The maximum number of managed nodes that are allowed to run the command at the
 *   same time". SSM delivers in target order: an invocation holds a slot from the moment SSM begins
 *   delivering it until it ends, so a late agent keeps the next node waiting.
 * - An invocation starts once it holds a slot and its agent has picked it up, unless its start window
 *   has passed (SendCommand `TimeoutSeconds`: "If this time is reached and the command hasn't already
 *   started running, it won't run"); one that never started shows Pending until the command expires
 *   (`ExpiresAfter` = delivery + execution timeout, "it changes status to DeliveryTimedOut for all
 *   invocations that have the status InProgress, Pending, or Delayed"), then TimedOut/DeliveryTimedOut.
 * - Once started it runs until it finishes, or until the document's execution timeout passes
 *   (TimedOut/ExecutionTimedOut: "When the timeout is reached, Systems Manager stops the command
 *   execution"), or until a cancel kills it.
 * - MaxErrors: Failed and ExecutionTimedOut count ("Invocation failures count against the MaxErrors
 *   limit"; delivery timeouts do not); "When the command fails one more time beyond the value of
 *   MaxErrors, the systems stops sending the command to additional targets": every invocation not yet
 *   started ends Cancelled/Terminated. Those already running are allowed to complete.
 * - Equal times: starts before ends (runs take no time unless a knob says so: a node that fails at
 *   once must not stop one SSM delivered to at the same moment; a slot freed at t is still given and
 *   used at t); among ends an execution timeout before a kill before a finish (the stricter outcome);
 *   then command order, then target order.
 */
import { type Ending, endingOf } from "./endings.js";
import {
  type CommandState,
  type DeliveryWindow,
  expiresAt,
  type InvocationKnobs,
  type InvocationState,
} from "./state.js";

/** A change that happens to one invocation at one time. */
export interface Transition {
  kind: "executionTimeout" | "kill" | "finish" | "deliveryTimeout" | "start";
  time: number;
  command: CommandState;
  invocation: InvocationState;
}

const order: Record<Transition["kind"], number> = {
  start: 0,
  executionTimeout: 1,
  kill: 2,
  finish: 3,
  deliveryTimeout: 4,
};

/**
 * The moment from which no invocation of `command` may start any more.
 *
 * @example
 * ```ts
 * startDeadline(command, "TimeoutSeconds"); // sentAt + TimeoutSeconds
 * ```
 */
export function startDeadline(command: CommandState, window: DeliveryWindow): number {
  return window === "TimeoutSeconds" ? command.sentAt + command.deliveryTimeoutSeconds : expiresAt(command);
}

/**
 * When a running invocation finishes by itself: once it has been seen running `pendingPolls` times
 * and has run `runSeconds`; never while its host still runs it or with `forever`.
 *
 * @example
 * ```ts
 * finishTime(invocation, { ...knobs, pendingPolls: 0, runSeconds: 60 }); // startedAt + 60
 * ```
 */
export function finishTime(invocation: InvocationState, knobs: InvocationKnobs): number {
  const { pendingPolls } = knobs;
  if (invocation.host?.status === "Running" || pendingPolls === "forever") return Number.POSITIVE_INFINITY;
  if (invocation.runningLooks.length < pendingPolls) return Number.POSITIVE_INFINITY;
  const started = invocation.startedAt ?? 0;
  const seen = pendingPolls === 0 ? started : (invocation.runningLooks[pendingPolls - 1] ?? started);
  return Math.max(seen, started + knobs.runSeconds);
}

function candidates(
  command: CommandState,
  invocation: InvocationState,
  knobs: InvocationKnobs,
  options: { cursor: number; window: DeliveryWindow },
): Array<Omit<Transition, "command" | "invocation">> {
  if (invocation.status === "Pending") {
    if (invocation.dispatchedAt !== undefined) {
      const pickedUp = command.sentAt + knobs.startDelaySeconds;
      const startAt = Math.max(invocation.dispatchedAt, pickedUp, options.cursor);
      if (startAt < startDeadline(command, options.window)) return [{ kind: "start", time: startAt }];
    }
    return [{ kind: "deliveryTimeout", time: expiresAt(command) }];
  }
  if (invocation.status !== "InProgress" && invocation.status !== "Cancelling") return [];
  const started = invocation.startedAt ?? 0;
  const ends: Array<Omit<Transition, "command" | "invocation">> = [
    { kind: "executionTimeout", time: started + command.executionTimeoutSeconds },
    { kind: "finish", time: finishTime(invocation, knobs) },
  ];
  if (invocation.status === "Cancelling" && knobs.cancelTakes) {
    ends.push({ kind: "kill", time: (invocation.cancelRequestedAt ?? started) + knobs.cancelSeconds });
  }
  return ends;
}

/**
 * The earliest transition of any invocation of any command, no earlier than `cursor` (time already
 * settled: a knob changed since cannot rewrite the past); undefined when nothing will ever happen.
 *
 * @example
 * ```ts
 * const next = nextTransition(commands, knobsOf, { cursor: 0, window: "TimeoutSeconds" });
 * if (next && next.time <= now) apply(next);
 * ```
 */
export function nextTransition(
  commands: Iterable<CommandState>,
  knobsOf: (instanceId: string) => InvocationKnobs,
  options: { cursor: number; window: DeliveryWindow },
): Transition | undefined {
  let best: Transition | undefined;
  for (const command of commands) {
    for (const invocation of command.invocations) {
      for (const candidate of candidates(command, invocation, knobsOf(invocation.instanceId), options)) {
        if (!Number.isFinite(candidate.time)) continue;
        const next = { ...candidate, time: Math.max(candidate.time, options.cursor), command, invocation };
        if (best === undefined || before(next, best)) best = next;
      }
    }
  }
  return best;
}

function before(left: Transition, right: Transition): boolean {
  return (
    (left.time - right.time ||
      order[left.kind] - order[right.kind] ||
      left.command.sequence - right.command.sequence ||
      left.invocation.index - right.invocation.index) < 0
  );
}

/**
 * Gives free `MaxConcurrency` slots to the next invocations in target order; returns them.
 *
 * @example
 * ```ts
 * dispatch(command, 0); // at sending: the first `concurrencyLimit` invocations
 * ```
 */
export function dispatch(command: CommandState, time: number): InvocationState[] {
  const holding = command.invocations.filter(
    (invocation) => invocation.dispatchedAt !== undefined && invocation.endedAt === undefined,
  ).length;
  const waiting = command.invocations.filter(
    (invocation) => invocation.status === "Pending" && invocation.dispatchedAt === undefined,
  );
  const taken = waiting.slice(0, Math.max(0, command.concurrencyLimit - holding));
  for (const invocation of taken) invocation.dispatchedAt = time;
  return taken;
}

/**
 * Marks an invocation started (the host is told by the driver).
 *
 * @example
 * ```ts
 * start(invocation, 42); // InProgress since second 42
 * ```
 */
export function start(invocation: InvocationState, time: number): void {
  Object.assign(invocation, { status: "InProgress", statusDetails: "InProgress", startedAt: time });
}

/**
 * Ends an invocation; counts it against `MaxErrors` (Failed, ExecutionTimedOut) and, once the command
 * has more errors than allowed, ends every invocation not yet started Cancelled/Terminated. Returns
 * the invocations it ended (this one first).
 *
 * @example
 * ```ts
 * const ended = end(command, invocation, 30, endingOf("finish", invocation, knobs));
 * ```
 */
export function end(
  command: CommandState,
  invocation: InvocationState,
  time: number,
  ending: Ending,
): InvocationState[] {
  Object.assign(invocation, ending, { endedAt: time });
  const ended = [invocation];
  if (ending.status === "Failed" || ending.statusDetails === "ExecutionTimedOut") command.errors += 1;
  if (command.errors > command.errorLimit) {
    for (const waiting of command.invocations.filter((each) => each.status === "Pending")) {
      Object.assign(waiting, { status: "Cancelled", statusDetails: "Terminated", endedAt: time });
      ended.push(waiting);
    }
  }
  return ended;
}

/**
 * Applies one transition: starts its invocation, or ends it (and, past `MaxErrors`, every one not yet
 * started); then hands freed slots to the next invocations. Returns the invocations it ended. The
 * driver tells the host double about a start before it asks for the next transition.
 *
 * @example
 * ```ts
 * for (let next = nextTransition(commands, knobsOf, options); next && next.time <= now; next = nextTransition(commands, knobsOf, options)) {
 *   applyTransition(next, knobsOf(next.invocation.instanceId));
 * }
 * ```
 */
export function applyTransition(transition: Transition, knobs: InvocationKnobs): InvocationState[] {
  const { command, invocation, time, kind } = transition;
  const ended = kind === "start" ? [] : end(command, invocation, time, endingOf(kind, invocation, knobs));
  if (kind === "start") start(invocation, time);
  dispatch(command, time);
  return ended;
}

/**
 * CancelCommand for some of a command's invocations: one not started ends Cancelled at once, one
 * running shows Cancelling until the kill (or, when the cancel does not take, until it ends by
 * itself), one that ended is unchanged. Returns the invocations it ended and those now Cancelling.
 *
 * @example
 * ```ts
 * const { ended, cancelling } = cancel(command, command.invocations, 42);
 * ```
 */
export function cancel(
  command: CommandState,
  invocations: readonly InvocationState[],
  time: number,
): { ended: InvocationState[]; cancelling: InvocationState[] } {
  command.cancelRequested = true;
  const ended: InvocationState[] = [];
  const cancelling: InvocationState[] = [];
  for (const invocation of invocations) {
    if (invocation.status === "Pending") {
      Object.assign(invocation, { status: "Cancelled", statusDetails: "Cancelled", endedAt: time });
      ended.push(invocation);
    } else if (invocation.status === "InProgress") {
      Object.assign(invocation, {
        status: "Cancelling",
        statusDetails: "Cancelling",
        cancelRequestedAt: time,
      });
      cancelling.push(invocation);
    }
  }
  return { ended, cancelling };
}
