/**
 * SSM `CancelCommand` (moto has none), answered by the Run Command model once moto has checked the
 * caller's signature and permission. botocore ssm/2014-11-06 `CancelCommandRequest`: `CommandId` (36
 * characters), optional `InstanceIds` (at most 50, each an `InstanceId`; "If not provided, the command
 * is canceled on every node on which it was requested"); errors `InvalidCommandId` (unknown command),
 * `InvalidInstanceId` (here: a node the command does not target), `DuplicateInstanceId` (a node named
 * twice). The reply is empty: "There is no guarantee that a request can be canceled." An invocation
 * not started ends Cancelled at once; a running one shows Cancelling until the kill is reported (the
 * node's cancel knobs: after a second by default, or never when the cancel does not take); an
 * invocation that ended is unchanged.
 */
import { type AwsCall, type AwsReply, answer, awsError } from "../aws-call.js";
import { type Next, refusedByMoto } from "../interceptors.js";
import { instanceIdViolations } from "../ssm-rules.js";
import { checkLength, validationError } from "../validation.js";
import { runCommandModel } from "./model.js";

/**
 * The CancelCommand handler of the model's rules.
 *
 * @example
 * ```ts
 * const reply = await cancelCommand(call, next);
 * ```
 */
export async function cancelCommand(call: AwsCall, next: Next): Promise<AwsReply> {
  const refused = await refusedByMoto(next);
  if (refused) return refused;
  const commandId = String(call.input.CommandId ?? "");
  const instanceIds = call.input.InstanceIds as string[] | undefined;
  const invalid = validationError(call, [
    ...checkLength("commandId", commandId, { min: 36, max: 36 }),
    ...instanceIdViolations(instanceIds),
  ]);
  if (invalid) return invalid;
  const command = runCommandModel.command(commandId);
  if (command === undefined) {
    return awsError(call, { code: "InvalidCommandId", message: `command ${commandId} does not exist` });
  }
  const repeated = (instanceIds ?? []).filter((id, index, all) => all.indexOf(id) !== index);
  if (repeated.length > 0) {
    return awsError(call, {
      code: "DuplicateInstanceId",
      message: `instance ids named twice: ${repeated.join(", ")}`,
    });
  }
  const targeted = new Set(command.invocations.map((invocation) => invocation.instanceId));
  const strangers = (instanceIds ?? []).filter((id) => !targeted.has(id));
  if (strangers.length > 0) {
    return awsError(call, {
      code: "InvalidInstanceId",
      message: `command ${commandId} does not target ${strangers.join(", ")}`,
    });
  }
  await runCommandModel.cancel(commandId, instanceIds);
  return answer({});
}
