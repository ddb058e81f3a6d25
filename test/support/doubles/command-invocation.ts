import { installInterceptor, type Removable } from "./registry.js";

/** How an instance's command invocations should look to `GetCommandInvocation`. */
export interface InvocationOutcome {
  /** Report `InProgress` for this many polls of each command first, or for ever. */
  pendingPolls?: number | "forever";
  /** The final status; default `Success` (moto's own). */
  status?: "Success" | "Failed" | "TimedOut" | "Cancelled";
  /** The final `ResponseCode`; default 0 for Success, 1 otherwise. */
  responseCode?: number;
  standardOutputContent?: string;
  standardErrorContent?: string;
}

/**
 * Test double for outcomes of SSM `GetCommandInvocation`, which moto lacks: moto reports
 * every invocation as `Success` at once with empty output.
 *
 * Every call still goes to moto first, so unknown command or instance ids fail as moto
 * fails them (`InvocationDoesNotExist`). For an instance the test names, the answer is then
 * changed: `InProgress` for the first N polls of each command (counted per command and
 * instance), then the final status with the given response code and output.
 *
 * @example
 * ```ts
 * const invocations = installCommandInvocationDouble();
 * invocations.setOutcome(npsA, { pendingPolls: 2 });
 * invocations.setOutcome(npsB, { status: "Failed", responseCode: 1, standardErrorContent: "NPS service stopped" });
 * invocations.setOutcome(npsB, { pendingPolls: "forever" });
 * ```
 */
export interface CommandInvocationDouble extends Removable {
  setOutcome(instanceId: string, outcome: InvocationOutcome): void;
  /** Back to moto's immediate Success for the instance. */
  clear(instanceId: string): void;
  /** How many times GetCommandInvocation was asked about this command on this instance. */
  pollCount(commandId: string, instanceId: string): number;
}

/** Installs the {@link CommandInvocationDouble} on the AWS proxy. */
export function installCommandInvocationDouble(): CommandInvocationDouble {
  const outcomes = new Map<string, InvocationOutcome>();
  const polls = new Map<string, number>();
  const pollKey = (commandId: string, instanceId: string) => `${commandId}/${instanceId}`;

  const handle = installInterceptor(
    { service: "ssm", operation: "GetCommandInvocation" },
    "get-command-invocation",
    async (call, next) => {
      const reply = await next();
      if (!reply.ok) return reply;
      const instanceId = String(call.input.InstanceId);
      const key = pollKey(String(call.input.CommandId), instanceId);
      const poll = (polls.get(key) ?? 0) + 1;
      polls.set(key, poll);
      const outcome = outcomes.get(instanceId);
      if (outcome === undefined) return reply;

      const pending = outcome.pendingPolls ?? 0;
      if (pending === "forever" || poll <= pending) {
        Object.assign(reply.output, {
          Status: "InProgress",
          StatusDetails: "InProgress",
          ResponseCode: -1,
          StandardOutputContent: "",
          StandardErrorContent: "",
          ExecutionEndDateTime: "",
        });
        return reply;
      }
      const status = outcome.status ?? "Success";
      Object.assign(reply.output, {
        Status: status,
        StatusDetails: status === "TimedOut" ? "DeliveryTimedOut" : status,
        ResponseCode: outcome.responseCode ?? (status === "Success" ? 0 : 1),
        StandardOutputContent: outcome.standardOutputContent ?? "",
        StandardErrorContent: outcome.standardErrorContent ?? "",
      });
      return reply;
    },
  );

  return {
    setOutcome(instanceId, outcome) {
      outcomes.set(instanceId, { ...outcome });
    },
    clear(instanceId) {
      outcomes.delete(instanceId);
    },
    pollCount: (commandId, instanceId) => polls.get(pollKey(commandId, instanceId)) ?? 0,
    remove: () => handle.remove(),
  };
}
