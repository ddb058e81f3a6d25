/**
 * SSM `ListCommandInvocations` (moto has none), answered from the Run Command model once moto has
 * checked the caller's signature and permission (botocore ssm/2014-11-06
 * `ListCommandInvocationsRequest`): one invocation per node the command targets, in target order,
 * an optional `InstanceId` filter, pages of `MaxResults` (1–50, shape `CommandMaxResults`: outside it
 * `ValidationException`; 50 when absent) chained by `NextToken`. A `CommandId` is 36 characters
 * (shape `CommandId`); an unknown command answers `InvalidCommandId`. Each listed invocation is a look
 * at it. `Details` (per-plugin output) and `Filters` are not modelled: asking for them fails the call
 * (`RigInterceptorFailed`), never silently.
 */
import { type AwsCall, type AwsReply, answer, awsError } from "../aws-call.js";
import { type Next, refusedByMoto } from "../interceptors.js";
import { checkLength, checkRange, validationError } from "../validation.js";
import { runCommandModel } from "./model.js";

/** `ListCommandInvocationsRequest.MaxResults` when absent: the model's maximum, `CommandMaxResults`. */
const defaultPageSize = 50;

/**
 * The ListCommandInvocations handler of the model's rules.
 *
 * @example
 * ```ts
 * const reply = await listCommandInvocations(call, next);
 * ```
 */
export async function listCommandInvocations(call: AwsCall, next: Next): Promise<AwsReply> {
  const refused = await refusedByMoto(next);
  if (refused) return refused;
  const invalid = validationError(call, [
    ...checkRange("maxResults", call.input.MaxResults, { min: 1, max: 50 }),
    ...checkLength("commandId", call.input.CommandId, { min: 36, max: 36 }),
  ]);
  if (invalid) return invalid;
  if (call.input.Details === true || call.input.Filters !== undefined || call.input.CommandId === undefined) {
    throw new Error(
      "the ListCommandInvocations model answers for a CommandId only, without Details or Filters",
    );
  }
  const commandId = String(call.input.CommandId);
  const command = runCommandModel.command(commandId);
  if (command === undefined) {
    return awsError(call, { code: "InvalidCommandId", message: `command ${commandId} does not exist` });
  }
  const wanted = command.invocations
    .map((invocation) => invocation.instanceId)
    .filter((id) => call.input.InstanceId === undefined || id === call.input.InstanceId);
  const pageSize = Number(call.input.MaxResults ?? defaultPageSize);
  const first = Number(call.input.NextToken ?? 0);
  const views = (await runCommandModel.look(commandId, wanted.slice(first, first + pageSize))) ?? [];
  const page = views.map((view) => ({
    CommandId: view.commandId,
    InstanceId: view.instanceId,
    DocumentName: view.documentName,
    Comment: view.comment,
    RequestedDateTime: view.requestedDateTime,
    Status: view.status,
    StatusDetails: view.statusDetails,
  }));
  const more = first + pageSize < wanted.length;
  return answer({ CommandInvocations: page, ...(more ? { NextToken: String(first + pageSize) } : {}) });
}
