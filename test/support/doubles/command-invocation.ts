import type { CancelBehaviour, DeliveryWindow, InvocationOutcome } from "../rig/run-command/index.js";
import { runCommandKnobs, runCommandModel } from "../rig/run-command/index.js";
import { type Removable, trackRemovable } from "./registry.js";

export type { InvocationOutcome } from "../rig/run-command/index.js";

/**
 * The knobs of SSM Run Command's execution, for one test: how long each managed node's invocations
 * run and how they end, when its agent picks a command up, whether a cancel kills it. Not a double of
 * its own any more: the AWS proxy always runs the Run Command model (test/support/rig/run-command/),
 * which answers SendCommand, GetCommandInvocation, ListCommandInvocations, ListCommands and
 * CancelCommand as SSM would over time; these are its controls, turned back when the double is
 * removed (after each test).
 *
 * By default every invocation starts when sent and succeeds at once with empty output (moto's
 * answer), unless a host double registered for its document says what the script did. A node's
 * outcome (`setOutcome`) replaces the latency every node has (`setLatency`): `InProgress` for N looks
 * once running (a look being a GetCommandInvocation, or a ListCommandInvocations page listing it) or
 * for ever, at least `runSeconds` of rig clock time, then the final status with its response code and
 * output. An invocation that has ended stays ended: change a knob before the command is sent, or
 * while it runs.
 *
 * @example
 * ```ts
 * const invocations = installCommandInvocationDouble();
 * invocations.setLatency({ pendingPolls: 4 }); // every invocation InProgress for 4 looks
 * invocations.setOutcome(npsB, { status: "Failed", responseCode: 1, standardErrorContent: "NPS service stopped" });
 * invocations.setStartDelay(npsA, 700); // its agent picks commands up 700 s after they were sent
 * invocations.setCancel(npsA, { takes: false }); // a cancel does not kill it: it finishes anyway
 * ```
 */
export interface CommandInvocationDouble extends Removable {
  setOutcome(instanceId: string, outcome: InvocationOutcome): void;
  /** Every knob of this node back to the defaults (the latency every node has). */
  clear(instanceId: string): void;
  /** The latency knob: every node without an outcome of its own runs this long. */
  setLatency(latency: { pendingPolls: number; runSeconds?: number }): void;
  /** How many times the command's invocation on this node was looked at (running or not). */
  pollCount(commandId: string, instanceId: string): number;
  /** The node's agent picks each command up this many seconds after it was sent (a late start). */
  setStartDelay(instanceId: string, seconds: number): void;
  /** How CancelCommand treats the node's running invocations. */
  setCancel(instanceId: string, behaviour: CancelBehaviour): void;
  /** Until when a command may still start (`TimeoutSeconds` by default; see `DeliveryWindow`). */
  setDeliveryWindow(window: DeliveryWindow): void;
}

/**
 * Returns the {@link CommandInvocationDouble}: the Run Command model's knobs for this test.
 *
 * @example
 * ```ts
 * const invocations = installCommandInvocationDouble();
 * ```
 */
export function installCommandInvocationDouble(): CommandInvocationDouble {
  const handle = trackRemovable(() => runCommandKnobs.reset());
  return {
    setOutcome: (instanceId, outcome) => runCommandKnobs.setOutcome(instanceId, outcome),
    clear: (instanceId) => runCommandKnobs.clear(instanceId),
    setLatency: (latency) => runCommandKnobs.setLatency(latency),
    pollCount: (commandId, instanceId) => runCommandModel.pollCount(commandId, instanceId),
    setStartDelay: (instanceId, seconds) => runCommandKnobs.setStartDelay(instanceId, seconds),
    setCancel: (instanceId, behaviour) => runCommandKnobs.setCancel(instanceId, behaviour),
    setDeliveryWindow: (window) => runCommandKnobs.setDeliveryWindow(window),
    remove: () => handle.remove(),
  };
}
