/**
 * The Run Command model: SSM Run Command's execution over time, always on in the AWS proxy (moto
 * answers every invocation Success at once). Rate controls, delivery and execution timeouts, late
 * agents, cancellation, host doubles that run what a command asks, and the events a replay reads.
 */
export {
  type HostEnding,
  type HostInvocation,
  hostFor,
  type KillReason,
  type RunCommandHost,
  registerRunCommandHost,
} from "./hosts.js";
export {
  type CancelBehaviour,
  defaultCancelSeconds,
  type InvocationOutcome,
  runCommandKnobs,
} from "./knobs.js";
export { type RunCommandEvent, runCommandModel } from "./model.js";
export { runCommandRules } from "./rules.js";
export type {
  CommandState,
  DeliveryWindow,
  HostOutcome,
  InvocationState,
  InvocationStatus,
  InvocationStatusDetails,
} from "./state.js";
export type { CommandSummary, InvocationView } from "./views.js";
