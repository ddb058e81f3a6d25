import { checkRange, validationError } from "../rig/validation.js";
import {
  type AwsCall,
  answer,
  awsError,
  combineRemovables,
  installInterceptor,
  type Next,
  type Removable,
  refusedByMoto,
} from "./registry.js";

/** How an instance's command invocations should look to `ListCommandInvocations` and `GetCommandInvocation`. */
export interface InvocationOutcome {
  /** Report `InProgress` for this many looks at each command first, or for ever. */
  pendingPolls?: number | "forever";
  /** The final status; default `Success` (moto's own). */
  status?: "Success" | "Failed" | "TimedOut" | "Cancelled";
  /** The final `ResponseCode`; default 0 for Success, 1 otherwise. */
  responseCode?: number;
  standardOutputContent?: string;
  standardErrorContent?: string;
}

/**
 * Test double for outcomes of SSM `GetCommandInvocation` and for `ListCommandInvocations`, which moto
 * lacks: moto reports every invocation as `Success` at once with empty output, and has no
 * `ListCommandInvocations` at all.
 *
 * `GetCommandInvocation` still goes to moto first, so unknown command or instance ids fail as moto
 * (and the rig's SSM rules) fail them (`InvocationDoesNotExist`). For an instance the test names —
 * or every instance, with {@link CommandInvocationDouble.setLatency} — the answer is then changed:
 * `InProgress` for the first N looks at each command (counted per command and instance, a look being
 * a `GetCommandInvocation` or a `ListCommandInvocations` page that lists the instance), then the final
 * status with the given response code and output.
 *
 * `ListCommandInvocations` (botocore ssm/2014-11-06 `ListCommandInvocationsRequest`) is answered here
 * for a `CommandId`, after moto has checked the caller's signature and permission: one invocation per
 * instance the command targets (remembered from each `SendCommand` reply, which the rig's SSM rules
 * narrow to the ids sent), with the same statuses, an optional `InstanceId` filter, and pages of
 * `MaxResults` (1–50, shape `CommandMaxResults`: outside it `ValidationException`; 50 when absent)
 * chained by `NextToken`. An unknown command answers `InvalidCommandId`. `Details` (per-plugin output)
 * and `Filters` are not modelled: asking for them fails the call (`RigInterceptorFailed`), never
 * silently.
 *
 * @example
 * ```ts
 * const invocations = installCommandInvocationDouble();
 * invocations.setLatency({ pendingPolls: 4 }); // every invocation InProgress for 4 looks
 * invocations.setOutcome(npsB, { status: "Failed", responseCode: 1, standardErrorContent: "NPS service stopped" });
 * invocations.setOutcome(npsA, { pendingPolls: "forever" });
 * ```
 */
export interface CommandInvocationDouble extends Removable {
  setOutcome(instanceId: string, outcome: InvocationOutcome): void;
  /** Back to the latency every instance has (moto's immediate Success unless {@link setLatency}). */
  clear(instanceId: string): void;
  /** The latency knob: every instance without an outcome of its own is InProgress for this many looks. */
  setLatency(latency: { pendingPolls: number }): void;
  /** How many times the command's invocation on this instance was looked at. */
  pollCount(commandId: string, instanceId: string): number;
}

/** `ListCommandInvocationsRequest.MaxResults` when absent: the model's maximum, `CommandMaxResults`. */
const defaultPageSize = 50;

interface Looked {
  status: string;
  outcome: InvocationOutcome | undefined;
}

/** Installs the {@link CommandInvocationDouble} on the AWS proxy. */
export function installCommandInvocationDouble(): CommandInvocationDouble {
  const outcomes = new Map<string, InvocationOutcome>();
  const looks = new Map<string, number>();
  const targets = new Map<string, string[]>();
  let latency = 0;
  const lookKey = (commandId: string, instanceId: string) => `${commandId}/${instanceId}`;

  /** One more look at an invocation: the status it shows now. */
  const look = (commandId: string, instanceId: string): Looked => {
    const key = lookKey(commandId, instanceId);
    const count = (looks.get(key) ?? 0) + 1;
    looks.set(key, count);
    const outcome = outcomes.get(instanceId);
    const pending = outcome?.pendingPolls ?? (outcome === undefined ? latency : 0);
    if (pending === "forever" || count <= pending) return { status: "InProgress", outcome };
    return { status: outcome?.status ?? "Success", outcome };
  };

  const rememberTargets = installInterceptor(
    { service: "ssm", operation: "SendCommand" },
    "command-invocation:targets",
    async (call, next) => {
      const reply = await next();
      const command = reply.ok ? (reply.output.Command as { CommandId?: string } | undefined) : undefined;
      if (command?.CommandId)
        targets.set(command.CommandId, [...((call.input.InstanceIds as string[]) ?? [])]);
      return reply;
    },
  );

  const getInvocation = installInterceptor(
    { service: "ssm", operation: "GetCommandInvocation" },
    "command-invocation:get",
    async (call, next) => {
      const reply = await next();
      if (!reply.ok) return reply;
      const { status, outcome } = look(String(call.input.CommandId), String(call.input.InstanceId));
      if (status === "InProgress") {
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
      if (outcome === undefined) return reply;
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

  const listInvocations = installInterceptor(
    { service: "ssm", operation: "ListCommandInvocations" },
    "command-invocation:list",
    async (call, next) => listCommandInvocations(call, next),
  );

  async function listCommandInvocations(call: AwsCall, next: Next) {
    const refused = await refusedByMoto(next);
    if (refused) return refused;
    const invalid = validationError(
      call,
      checkRange("maxResults", call.input.MaxResults, { min: 1, max: 50 }),
    );
    if (invalid) return invalid;
    if (
      call.input.Details === true ||
      call.input.Filters !== undefined ||
      call.input.CommandId === undefined
    ) {
      throw new Error(
        "the ListCommandInvocations double answers for a CommandId only, without Details or Filters",
      );
    }
    const commandId = String(call.input.CommandId);
    const instanceIds = targets.get(commandId);
    if (instanceIds === undefined) {
      return awsError(call, { code: "InvalidCommandId", message: `command ${commandId} does not exist` });
    }
    const wanted =
      call.input.InstanceId === undefined
        ? instanceIds
        : instanceIds.filter((id) => id === call.input.InstanceId);
    const pageSize = Number(call.input.MaxResults ?? defaultPageSize);
    const start = Number(call.input.NextToken ?? 0);
    const page = wanted.slice(start, start + pageSize).map((instanceId) => {
      const { status } = look(commandId, instanceId);
      const details = status === "TimedOut" ? "DeliveryTimedOut" : status;
      return { CommandId: commandId, InstanceId: instanceId, Status: status, StatusDetails: details };
    });
    const more = start + pageSize < wanted.length;
    return answer({ CommandInvocations: page, ...(more ? { NextToken: String(start + pageSize) } : {}) });
  }

  const all = combineRemovables([rememberTargets, getInvocation, listInvocations]);
  return {
    setOutcome(instanceId, outcome) {
      outcomes.set(instanceId, { ...outcome });
    },
    clear(instanceId) {
      outcomes.delete(instanceId);
    },
    setLatency({ pendingPolls }) {
      latency = pendingPolls;
    },
    pollCount: (commandId, instanceId) => looks.get(lookKey(commandId, instanceId)) ?? 0,
    remove: () => all.remove(),
  };
}
