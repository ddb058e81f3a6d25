/**
 * The Run Command model on the wire: the proxy's rules for SSM's Run Command calls, always on. They
 * sit innermost, where moto stands (priority `model`): every other rule and double sees the model's
 * answers as it would see moto's, and moto still checks each call's signature and IAM permission
 * first (for the calls moto lacks, ListCommandInvocations and CancelCommand, through `refusedByMoto`).
 *
 * - every SSM call: the model settles to the rig clock first;
 * - SendCommand (after moto accepted it): recorded with its targets in order, parameters, rate
 *   controls, delivery timeout and the document's execution timeout; the reply shows it Pending with
 *   its `ExpiresAfter` (a real reply: Status Pending, `ExpiresAfter` = sent + TimeoutSeconds + the
 *   document's executionTimeout);
 * - GetCommandInvocation: moto's answer (its InvalidCommandId, InvocationDoesNotExist) with the
 *   model's status, exit code, output and times;
 * - ListCommandInvocations (moto has none): the model's invocations of one command (see list.ts);
 * - ListCommands: moto's listing with each known command's status and counts;
 * - CancelCommand (moto has none): see cancel.ts.
 */
import type { AwsCall, AwsReply } from "../aws-call.js";
import { type AwsRule, type Next, priorities } from "../interceptors.js";
import { cancelCommand } from "./cancel.js";
import { documentExecutionTimeout } from "./execution-timeout.js";
import { listCommandInvocations } from "./list.js";
import { runCommandModel } from "./model.js";
import { defaultDeliveryTimeoutSeconds, defaultMaxConcurrency, defaultMaxErrors } from "./rate-controls.js";

/** moto's dates come as epoch seconds in awsJson replies. */
const dateFrom = (value: unknown): Date =>
  typeof value === "number" ? new Date(value * 1000) : new Date(String(value ?? Date.now()));

async function sendCommand(call: AwsCall, next: Next): Promise<AwsReply> {
  const reply = await next();
  const command = reply.ok ? (reply.output.Command as Record<string, unknown> | undefined) : undefined;
  if (command === undefined) return reply;
  const input = call.input;
  const parameters = (input.Parameters ?? {}) as Record<string, string[]>;
  const documentName = String(input.DocumentName ?? "");
  const recorded = await runCommandModel.send({
    commandId: String(command.CommandId),
    documentName,
    // The ids sent, in order (with Targets only: moto's expansion of them).
    instanceIds: [...((input.InstanceIds ?? command.InstanceIds ?? []) as string[])],
    parameters,
    comment: String(input.Comment ?? ""),
    maxConcurrency: String(input.MaxConcurrency ?? defaultMaxConcurrency),
    maxErrors: String(input.MaxErrors ?? defaultMaxErrors),
    deliveryTimeoutSeconds: Number(input.TimeoutSeconds ?? defaultDeliveryTimeoutSeconds),
    executionTimeoutSeconds: await documentExecutionTimeout(documentName, parameters),
    requestedAt: dateFrom(command.RequestedDateTime),
  });
  const summary = (await runCommandModel.summaries([recorded.commandId])).get(recorded.commandId);
  Object.assign(command, {
    Status: "Pending",
    StatusDetails: "Pending",
    MaxConcurrency: recorded.maxConcurrency,
    MaxErrors: recorded.maxErrors,
    TimeoutSeconds: recorded.deliveryTimeoutSeconds,
    ...(summary ? { ExpiresAfter: summary.expiresAfter } : {}),
  });
  return reply;
}

async function getCommandInvocation(call: AwsCall, next: Next): Promise<AwsReply> {
  const reply = await next();
  if (!reply.ok) return reply;
  const [view] =
    (await runCommandModel.look(String(call.input.CommandId), String(call.input.InstanceId))) ?? [];
  if (view === undefined) return reply;
  Object.assign(reply.output, {
    Status: view.status,
    StatusDetails: view.statusDetails,
    ResponseCode: view.responseCode,
    StandardOutputContent: view.standardOutputContent,
    StandardErrorContent: view.standardErrorContent,
    ExecutionStartDateTime: view.executionStartDateTime,
    ExecutionEndDateTime: view.executionEndDateTime,
    ExecutionElapsedTime: view.executionElapsedTime,
  });
  return reply;
}

async function listCommands(_call: AwsCall, next: Next): Promise<AwsReply> {
  const reply = await next();
  if (!reply.ok) return reply;
  const listed = (reply.output.Commands ?? []) as Array<Record<string, unknown>>;
  const summaries = await runCommandModel.summaries(listed.map((command) => String(command.CommandId)));
  for (const command of listed) {
    const summary = summaries.get(String(command.CommandId));
    if (summary === undefined) continue;
    Object.assign(command, {
      Status: summary.status,
      StatusDetails: summary.statusDetails,
      TargetCount: summary.targetCount,
      CompletedCount: summary.completedCount,
      ErrorCount: summary.errorCount,
      DeliveryTimedOutCount: summary.deliveryTimedOutCount,
      ExpiresAfter: summary.expiresAfter,
    });
  }
  return reply;
}

const handled: Record<string, (call: AwsCall, next: Next) => Promise<AwsReply>> = {
  SendCommand: sendCommand,
  GetCommandInvocation: getCommandInvocation,
  ListCommandInvocations: listCommandInvocations,
  ListCommands: listCommands,
  CancelCommand: cancelCommand,
};

/**
 * The model's rules: one interceptor for every SSM call (settle, then the operation's handling).
 *
 * @example
 * ```ts
 * const rules = [...ssmRules(), ...runCommandRules()];
 * ```
 */
export function runCommandRules(): AwsRule[] {
  return [
    {
      selector: { service: "ssm" },
      label: "aws-rules:ssm-run-command-model",
      priority: priorities.model,
      interceptor: async (call, next) => {
        const operation = handled[call.operation];
        if (operation) return await operation(call, next);
        await runCommandModel.settle();
        return await next();
      },
    },
  ];
}
