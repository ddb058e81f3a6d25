/**
 * The Run Command model's state and its driver: records each command SSM accepted, and settles —
 * applies every start, end, timeout and cancellation whose time has come, in clock order across all
 * commands (schedule.ts) — before it answers any SSM call and whenever the rig clock advances. Hosts
 * registered for a document (hosts.ts) run its invocations as they start. Everything happens one at
 * a time: calls and clock advances queue for the model.
 */
import { rigClock } from "../clock.js";
import { type HostInvocation, hostFor, type KillReason } from "./hosts.js";
import { runCommandKnobs } from "./knobs.js";
import { resolveRateControl } from "./rate-controls.js";
import { applyTransition, cancel, dispatch, nextTransition, type Transition } from "./schedule.js";
import type { CommandState, InvocationState } from "./state.js";
import { type CommandSummary, commandSummary, type InvocationView, invocationView } from "./views.js";

/** One thing that happened, in the order it happened (`sequence` counts across all commands). */
export interface RunCommandEvent {
  readonly sequence: number;
  /** Rig clock seconds. */
  readonly time: number;
  readonly kind: "sent" | "started" | "ended" | "cancelRequested";
  readonly commandId: string;
  readonly documentName: string;
  /** Absent for `sent`. */
  readonly instanceId?: string;
  /** For `ended`: the final status and details. */
  readonly status?: string;
  readonly statusDetails?: string;
}

/** What SendCommand asked for, once SSM (moto) accepted it. */
export interface SentCommand {
  commandId: string;
  documentName: string;
  instanceIds: readonly string[];
  parameters: Readonly<Record<string, readonly string[]>>;
  comment: string;
  maxConcurrency: string;
  maxErrors: string;
  deliveryTimeoutSeconds: number;
  executionTimeoutSeconds: number;
  requestedAt: Date;
}

const commands = new Map<string, CommandState>();
const active = new Set<CommandState>();
const events: RunCommandEvent[] = [];
let cursor = 0;
let commandSequence = 0;
let queue: Promise<unknown> = Promise.resolve();

/** Runs `work` once everything queued before it has finished. */
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

function record(
  kind: RunCommandEvent["kind"],
  command: CommandState,
  time: number,
  invocation?: InvocationState,
) {
  events.push({
    sequence: events.length + 1,
    time,
    kind,
    commandId: command.commandId,
    documentName: command.documentName,
    ...(invocation ? { instanceId: invocation.instanceId } : {}),
    ...(kind === "ended" && invocation
      ? { status: invocation.status, statusDetails: invocation.statusDetails }
      : {}),
  });
}

const hostInvocation = (command: CommandState, invocation: InvocationState): HostInvocation => ({
  commandId: command.commandId,
  instanceId: invocation.instanceId,
  documentName: command.documentName,
  comment: command.comment,
  parameters: command.parameters,
  sentAt: command.sentAt,
  startedAt: invocation.startedAt ?? command.sentAt,
});

async function runOnHost(command: CommandState, invocation: InvocationState) {
  const host = hostFor(command.documentName);
  if (host === undefined) return;
  try {
    invocation.host = await host.onStart(hostInvocation(command, invocation));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    invocation.host = { status: "Failed", exitCode: 1, stderr: `the rig's host double failed: ${message}` };
    throw error;
  }
}

async function tellHost(transition: Transition, ended: readonly InvocationState[]) {
  const { command, invocation, time, kind } = transition;
  const host = hostFor(command.documentName);
  for (const each of ended) {
    if (each.startedAt === undefined || host === undefined) continue;
    const view = hostInvocation(command, each);
    const reason: KillReason | undefined =
      kind === "kill" ? "Cancelled" : kind === "executionTimeout" ? "ExecutionTimedOut" : undefined;
    if (each === invocation && reason) await host.onKilled?.(view, reason);
    await host.onFinished?.(view, {
      status: each.status,
      statusDetails: each.statusDetails,
      responseCode: each.responseCode,
      endedAt: time,
    });
  }
}

/** Applies one transition, records it, and tells the host double. */
async function apply(transition: Transition) {
  const { command, invocation, time } = transition;
  const ended = applyTransition(transition, runCommandKnobs.knobsOf(invocation.instanceId));
  if (transition.kind === "start") {
    record("started", command, time, invocation);
    await runOnHost(command, invocation);
  }
  for (const each of ended) record("ended", command, time, each);
  await tellHost(transition, ended);
}

function retireIfDone(command: CommandState) {
  if (command.invocations.every((invocation) => invocation.endedAt !== undefined)) active.delete(command);
}

/** Applies every transition due by `now`, in clock order; then the model stands at `now`. */
async function settleTo(now: number): Promise<void> {
  for (;;) {
    const next = nextTransition(active, runCommandKnobs.knobsOf, {
      cursor,
      window: runCommandKnobs.deliveryWindow(),
    });
    if (next === undefined || next.time > now) break;
    cursor = next.time;
    await apply(next);
    retireIfDone(next.command);
  }
  cursor = Math.max(cursor, now);
}

function look(invocation: InvocationState, now: number) {
  invocation.looks += 1;
  if (invocation.status === "InProgress") invocation.runningLooks.push(now);
}

/**
 * The model. Each method waits for its turn, settles to the rig clock's time, then acts.
 *
 * @example
 * ```ts
 * const view = await runCommandModel.look(commandId, instanceId); // undefined for a command it never saw
 * ```
 */
export const runCommandModel = {
  /** Settles to the rig clock's time (or `now`). */
  settle(now = rigClock.now()): Promise<void> {
    return exclusive(() => settleTo(now));
  },

  /** Records an accepted command; its first invocations take their slots (and may start) at once. */
  send(sent: SentCommand): Promise<CommandState> {
    return exclusive(async () => {
      const now = rigClock.now();
      await settleTo(now);
      commandSequence += 1;
      const targets = sent.instanceIds.length;
      const { instanceIds, ...request } = sent;
      const command: CommandState = {
        ...request,
        sequence: commandSequence,
        concurrencyLimit: resolveRateControl(sent.maxConcurrency, targets, { atLeast: 1 }),
        errorLimit: resolveRateControl(sent.maxErrors, targets, { atLeast: 0 }),
        sentAt: now,
        errors: 0,
        cancelRequested: false,
        invocations: instanceIds.map((instanceId, index) => ({
          instanceId,
          index,
          status: "Pending",
          statusDetails: "Pending",
          runningLooks: [],
          looks: 0,
          responseCode: -1,
          stdout: "",
          stderr: "",
        })),
      };
      commands.set(command.commandId, command);
      active.add(command);
      record("sent", command, now);
      dispatch(command, now);
      await settleTo(now);
      retireIfDone(command);
      return command;
    });
  },

  /**
   * One look at each of a command's invocations on these nodes (a GetCommandInvocation, or a
   * listing): what each shows now. A look at a running invocation counts towards its `pendingPolls`.
   * Undefined when the model never saw the command.
   */
  look(commandId: string, instanceIds: string | readonly string[]): Promise<InvocationView[] | undefined> {
    return exclusive(async () => {
      const now = rigClock.now();
      await settleTo(now);
      const command = commands.get(commandId);
      if (command === undefined) return undefined;
      const wanted = typeof instanceIds === "string" ? [instanceIds] : instanceIds;
      const views: InvocationView[] = [];
      for (const instanceId of wanted) {
        const invocation = command.invocations.find((each) => each.instanceId === instanceId);
        if (invocation === undefined) continue;
        look(invocation, now);
        views.push(invocationView(command, invocation));
      }
      await settleTo(now);
      return views;
    });
  },

  /** CancelCommand for the command on these nodes (all when undefined); false for an unknown command. */
  cancel(commandId: string, instanceIds?: readonly string[]): Promise<boolean> {
    return exclusive(async () => {
      const now = rigClock.now();
      await settleTo(now);
      const command = commands.get(commandId);
      if (command === undefined) return false;
      const scope = command.invocations.filter(
        (invocation) => instanceIds === undefined || instanceIds.includes(invocation.instanceId),
      );
      for (const invocation of scope.filter((each) => each.endedAt === undefined)) {
        record("cancelRequested", command, now, invocation);
      }
      const { ended } = cancel(command, scope, now);
      for (const invocation of ended) record("ended", command, now, invocation);
      dispatch(command, now);
      retireIfDone(command);
      await settleTo(now);
      return true;
    });
  },

  /** Status and counts of the commands the model knows, by id. */
  summaries(commandIds: readonly string[]): Promise<Map<string, CommandSummary>> {
    return exclusive(async () => {
      await settleTo(rigClock.now());
      const known = commandIds.flatMap((id) => {
        const command = commands.get(id);
        return command ? [[id, commandSummary(command)] as const] : [];
      });
      return new Map(known);
    });
  },

  /** The command's record (read-only use), or undefined. */
  command(commandId: string): Readonly<CommandState> | undefined {
    return commands.get(commandId);
  },

  /** How many times the invocation was looked at. */
  pollCount(commandId: string, instanceId: string): number {
    const command = commands.get(commandId);
    return command?.invocations.find((each) => each.instanceId === instanceId)?.looks ?? 0;
  },

  /** Everything that happened since the test began, in order. */
  events(): readonly RunCommandEvent[] {
    return events;
  },

  /** Forgets every command, event and knob (a new test). */
  reset(): void {
    commands.clear();
    active.clear();
    events.length = 0;
    cursor = 0;
    queue = Promise.resolve();
    runCommandKnobs.reset();
  },
};

rigClock.onAdvance((now) => runCommandModel.settle(now));
rigClock.onReset(() => runCommandModel.reset());
