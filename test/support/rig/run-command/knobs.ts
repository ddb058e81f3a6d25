/**
 * The knobs of the Run Command model, per managed node and for every node: what a test turns to make
 * AWS slow, late or broken. `installCommandInvocationDouble()` (test/support/doubles/) is how tests
 * turn them; removing that double (after each test) turns them back. The model reads them whenever it
 * settles: a change applies from then on, never to what already happened.
 */
import type { DeliveryWindow, ForcedOutcome, InvocationKnobs } from "./state.js";

/** How one node's invocations should run and end (the old GetCommandInvocation double's outcomes). */
export interface InvocationOutcome {
  /** Show `InProgress` for this many looks once running (or for ever), then end. */
  pendingPolls?: number | "forever";
  /** Run at least this many seconds of rig clock time. */
  runSeconds?: number;
  /** The final status, whatever the host reported; `TimedOut` is an execution timeout. */
  status?: ForcedOutcome["status"];
  /** The final `ResponseCode`; default 0 for Success, 1 otherwise (or the host's exit code). */
  responseCode?: number;
  standardOutputContent?: string;
  standardErrorContent?: string;
}

/** How CancelCommand treats a running invocation of one node. */
export interface CancelBehaviour {
  /** false: the kill does not take, the script finishes anyway ("no guarantee that the command will be terminated"). */
  takes: boolean;
  /** Seconds it shows `Cancelling` before the kill is reported (default {@link defaultCancelSeconds}). */
  afterSeconds?: number;
}

/**
 * Seconds a running invocation shows `Cancelling` after CancelCommand: the kill is reported by the
 * agent, not at once, so the caller that cancels sees `Cancelling` first and `Cancelled` once the
 * clock has moved on.
 */
export const defaultCancelSeconds = 1;

interface NodeSettings {
  outcome?: InvocationOutcome;
  startDelaySeconds?: number;
  cancel?: CancelBehaviour;
}

const nodes = new Map<string, NodeSettings>();
let latency = { pendingPolls: 0, runSeconds: 0 };
let window: DeliveryWindow = "TimeoutSeconds";

const settingsOf = (instanceId: string): NodeSettings => {
  const settings = nodes.get(instanceId) ?? {};
  nodes.set(instanceId, settings);
  return settings;
};

function forcedOf(outcome: InvocationOutcome | undefined): ForcedOutcome | undefined {
  if (outcome === undefined) return undefined;
  const forced: ForcedOutcome = {};
  if (outcome.status !== undefined) forced.status = outcome.status;
  if (outcome.responseCode !== undefined) forced.responseCode = outcome.responseCode;
  if (outcome.standardOutputContent !== undefined) forced.stdout = outcome.standardOutputContent;
  if (outcome.standardErrorContent !== undefined) forced.stderr = outcome.standardErrorContent;
  return Object.keys(forced).length > 0 ? forced : undefined;
}

/**
 * The model's knobs.
 *
 * @example
 * ```ts
 * runCommandKnobs.setStartDelay("i-0123456789abcdef0", 700);
 * runCommandKnobs.knobsOf("i-0123456789abcdef0").startDelaySeconds; // 700
 * ```
 */
export const runCommandKnobs = {
  /** One node's run and outcome; a node with an outcome ignores {@link runCommandKnobs.setLatency}. */
  setOutcome(instanceId: string, outcome: InvocationOutcome): void {
    settingsOf(instanceId).outcome = { ...outcome };
  },
  setStartDelay(instanceId: string, seconds: number): void {
    settingsOf(instanceId).startDelaySeconds = seconds;
  },
  setCancel(instanceId: string, behaviour: CancelBehaviour): void {
    settingsOf(instanceId).cancel = { ...behaviour };
  },
  /** Every knob of one node back to the defaults. */
  clear(instanceId: string): void {
    nodes.delete(instanceId);
  },
  /** Every node without an outcome of its own runs this long. */
  setLatency(next: { pendingPolls: number; runSeconds?: number }): void {
    latency = { pendingPolls: next.pendingPolls, runSeconds: next.runSeconds ?? 0 };
  },
  setDeliveryWindow(next: DeliveryWindow): void {
    window = next;
  },
  deliveryWindow(): DeliveryWindow {
    return window;
  },
  /** What the model reads for one node now. */
  knobsOf(instanceId: string): InvocationKnobs {
    const settings = nodes.get(instanceId);
    const outcome = settings?.outcome;
    const knobs: InvocationKnobs = {
      startDelaySeconds: settings?.startDelaySeconds ?? 0,
      pendingPolls: outcome === undefined ? latency.pendingPolls : (outcome.pendingPolls ?? 0),
      runSeconds: outcome === undefined ? latency.runSeconds : (outcome.runSeconds ?? 0),
      cancelTakes: settings?.cancel?.takes ?? true,
      cancelSeconds: settings?.cancel?.afterSeconds ?? defaultCancelSeconds,
    };
    const forced = forcedOf(outcome);
    if (forced) knobs.forced = forced;
    return knobs;
  },
  /** Every knob back to the defaults. */
  reset(): void {
    nodes.clear();
    latency = { pendingPolls: 0, runSeconds: 0 };
    window = "TimeoutSeconds";
  },
};
