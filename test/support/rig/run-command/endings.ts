/**
 * How a Run Command invocation ends, for each way it can end (schedule.ts decides when): an execution
 * timeout, a delivery timeout, a kill after CancelCommand, or its script finishing as its host double
 * reported it (or as a test forced it).
 */
import type { Transition } from "./schedule.js";
import type { InvocationKnobs, InvocationState, InvocationStatus, InvocationStatusDetails } from "./state.js";

/** How an invocation ends: its final status, exit code and output. */
export interface Ending {
  status: InvocationStatus;
  statusDetails: InvocationStatusDetails;
  responseCode: number;
  stdout: string;
  stderr: string;
}

/**
 * How a transition other than a start ends its invocation. A finish reports what the host did
 * (Success with exit code 0 when no host runs the document, as moto answers), unless the test forced
 * an outcome: its fields win one by one; a forced `TimedOut` is an execution timeout.
 *
 * @example
 * ```ts
 * endingOf("deliveryTimeout", invocation, knobs); // { status: "TimedOut", statusDetails: "DeliveryTimedOut", … }
 * ```
 */
export function endingOf(
  kind: Exclude<Transition["kind"], "start">,
  invocation: InvocationState,
  knobs: InvocationKnobs,
): Ending {
  const silent = { responseCode: -1, stdout: "", stderr: "" };
  if (kind === "executionTimeout")
    return { status: "TimedOut", statusDetails: "ExecutionTimedOut", ...silent };
  if (kind === "deliveryTimeout") return { status: "TimedOut", statusDetails: "DeliveryTimedOut", ...silent };
  if (kind === "kill") return { status: "Cancelled", statusDetails: "Cancelled", ...silent };
  const host = invocation.host?.status === "Running" ? undefined : invocation.host;
  const forced = knobs.forced ?? {};
  const status = forced.status ?? (host?.status === "Failed" ? "Failed" : "Success");
  const hostCode = host?.status === "Failed" ? (host.exitCode ?? 1) : 0;
  const code = forced.status === undefined ? hostCode : status === "Success" ? 0 : 1;
  return {
    status,
    statusDetails: status === "TimedOut" ? "ExecutionTimedOut" : status,
    responseCode: forced.responseCode ?? code,
    stdout: forced.stdout ?? host?.stdout ?? "",
    stderr: forced.stderr ?? host?.stderr ?? "",
  };
}
