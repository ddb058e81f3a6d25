/**
 * SSM Run Command as strict as AWS, where moto is not (sources: botocore
 * `botocore/data/ssm/2014-11-06/service-2.json`, and moto 5.2.5's `moto/ssm/models.py`):
 *
 * - `SendCommand` takes at most 50 `InstanceIds` (shape `InstanceIdList`, max 50; each id matches
 *   `InstanceId`'s pattern), a `MaxConcurrency` and `MaxErrors` of 1–7 characters matching their
 *   shapes' patterns (a number, or a percentage of the targets) and a `TimeoutSeconds` of 30–2592000
 *   (shape `TimeoutSeconds`): anything else answers `ValidationException`, SSM's model validation,
 *   every violation in one message.
 * - Every id must be a managed node (the rig's SSM agent registry, `ssm-fleet.ts`): an unknown,
 *   unregistered or terminated instance answers `InvalidInstanceId` (shape `InvalidInstanceId`).
 * - The command targets exactly the ids sent. moto adds every EC2 instance of the region that its
 *   `Targets` filter selects, which with no `Targets` is all of them (`Command.__init__`); here the
 *   reply lists only the ids sent, its counts are 0 as AWS's SendCommand reply has them (moto's own
 *   note), and `GetCommandInvocation` for any other instance answers `InvocationDoesNotExist`.
 * - `GetCommandInvocation`'s `StandardOutputContent` is "the first 24,000 characters written by the
 *   plugin to stdout", `StandardErrorContent` the first 8,000 of stderr (shapes
 *   `StandardOutputContent` max 24000, `StandardErrorContent` max 8000). This applies to whatever
 *   the doubles report (the NPS host's summary, an outcome a test sets).
 * - `ListCommands`' `InvokedAfter` and `InvokedBefore` filters take a timestamp in the form the model's
 *   documentation shows (`CommandFilter.value`: "specify `2024-07-07T00:00:00Z`"): whole seconds, UTC.
 *   Whether SSM accepts milliseconds is not documented either way, so the rig refuses any other form
 *   with `InvalidFilterValue` (the SSM shape "The filter value isn't valid"); moto ignores every filter.
 */
import { type AwsCall, type AwsReply, awsError } from "./aws-call.js";
import type { AwsRule } from "./interceptors.js";
import {
  deliveryTimeoutRange,
  maxConcurrencyPattern,
  maxErrorsPattern,
  rateControlLength,
} from "./run-command/rate-controls.js";
import { unmanagedInstanceIds } from "./ssm-fleet.js";
import { checkLength, checkRange, type Violation, validationError } from "./validation.js";

/** `SendCommandRequest.InstanceIds` (`InstanceIdList`): at most this many ids per call. */
export const maxInstanceIdsPerCommand = 50;
/** `GetCommandInvocationResult.StandardOutputContent`: the first this many characters of stdout. */
export const standardOutputLimit = 24_000;
/** `GetCommandInvocationResult.StandardErrorContent`: the first this many characters of stderr. */
export const standardErrorLimit = 8_000;

/** The `InstanceId` shape's pattern. */
const instanceIdPattern = /(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)/;

/** The first `limit` characters (code points, not UTF-16 units) of `text`. */
function firstCharacters(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return Array.from(text).slice(0, limit).join("");
}

/**
 * A list of instance ids against `InstanceIdList`: at most 50, each matching `InstanceId`.
 *
 * @example
 * ```ts
 * instanceIdViolations(["i-0123456789abcdef0"]); // []
 * ```
 */
export function instanceIdViolations(instanceIds: readonly string[] | undefined): Violation[] {
  if (instanceIds === undefined) return [];
  return [
    ...checkLength("instanceIds", instanceIds, { max: maxInstanceIdsPerCommand }),
    ...(instanceIds.every((id) => instanceIdPattern.test(id))
      ? []
      : [
          {
            path: "instanceIds",
            value: instanceIds,
            constraint: `satisfy constraint: [Member must satisfy regular expression pattern: ${instanceIdPattern.source}]`,
          },
        ]),
  ];
}

/** A rate control (`MaxConcurrency`, `MaxErrors`) against its shape: length 1–7 and its pattern. */
function rateControlViolations(path: string, value: unknown, pattern: RegExp): Violation[] {
  if (value === undefined) return [];
  const length = checkLength(path, value, rateControlLength);
  if (length.length > 0) return length;
  return pattern.test(String(value))
    ? []
    : [{ path, value, constraint: `satisfy regular expression pattern: ${pattern.source}` }];
}

async function sendCommand(call: AwsCall, next: () => Promise<AwsReply>, targets: Map<string, string[]>) {
  const instanceIds = call.input.InstanceIds as string[] | undefined;
  const invalid = validationError(call, [
    ...instanceIdViolations(instanceIds),
    ...rateControlViolations("maxConcurrency", call.input.MaxConcurrency, maxConcurrencyPattern),
    ...rateControlViolations("maxErrors", call.input.MaxErrors, maxErrorsPattern),
    ...checkRange("timeoutSeconds", call.input.TimeoutSeconds, deliveryTimeoutRange),
  ]);
  if (invalid) return invalid;
  if (instanceIds === undefined) return await next();
  const unmanaged = await unmanagedInstanceIds(instanceIds);
  if (unmanaged.length > 0) {
    return awsError(call, {
      code: "InvalidInstanceId",
      message: `Instances [${unmanaged.join(", ")}] are not managed nodes (unknown, SSM Agent not registered, or terminated)`,
    });
  }
  const reply = await next();
  const command = reply.ok ? (reply.output.Command as Record<string, unknown> | undefined) : undefined;
  if (command) {
    targets.set(String(command.CommandId), [...instanceIds]);
    Object.assign(command, {
      InstanceIds: [...instanceIds],
      TargetCount: 0,
      CompletedCount: 0,
      ErrorCount: 0,
      DeliveryTimedOutCount: 0,
    });
  }
  return reply;
}

async function getCommandInvocation(
  call: AwsCall,
  next: () => Promise<AwsReply>,
  targets: Map<string, string[]>,
) {
  const targeted = targets.get(String(call.input.CommandId));
  if (targeted && !targeted.includes(String(call.input.InstanceId))) {
    return awsError(call, {
      code: "InvocationDoesNotExist",
      message: `command ${String(call.input.CommandId)} has no invocation on ${String(call.input.InstanceId)}`,
    });
  }
  const reply = await next();
  if (!reply.ok) return reply;
  const output = reply.output;
  if (typeof output.StandardOutputContent === "string")
    output.StandardOutputContent = firstCharacters(output.StandardOutputContent, standardOutputLimit);
  if (typeof output.StandardErrorContent === "string")
    output.StandardErrorContent = firstCharacters(output.StandardErrorContent, standardErrorLimit);
  return reply;
}

/** The documented form of an `InvokedAfter`/`InvokedBefore` value. */
const commandFilterTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

async function listCommands(call: AwsCall, next: () => Promise<AwsReply>, targets: Map<string, string[]>) {
  const filters = (call.input.Filters ?? []) as Array<{ key?: string; value?: string }>;
  const undocumented = filters.find(
    (filter) =>
      (filter.key === "InvokedAfter" || filter.key === "InvokedBefore") &&
      !commandFilterTimestamp.test(String(filter.value)),
  );
  if (undocumented) {
    return awsError(call, {
      code: "InvalidFilterValue",
      message: `${undocumented.key} ${String(undocumented.value)}: specify a timestamp such as 2024-07-07T00:00:00Z`,
    });
  }
  const reply = await next();
  if (!reply.ok) return reply;
  for (const command of (reply.output.Commands ?? []) as Array<Record<string, unknown>>) {
    const targeted = targets.get(String(command.CommandId));
    if (targeted) command.InstanceIds = [...targeted];
  }
  return reply;
}

/**
 * The SSM rules; `targets` remembers each command's instance ids (command ids are unique UUIDs, so
 * one map serves every test of the proxy's lifetime).
 *
 * @example
 * ```ts
 * const rules = ssmRules();
 * ```
 */
export function ssmRules(): AwsRule[] {
  const targets = new Map<string, string[]>();
  return [
    {
      selector: { service: "ssm", operation: "SendCommand" },
      label: "aws-rules:ssm-send-command",
      interceptor: (call, next) => sendCommand(call, next, targets),
    },
    {
      selector: { service: "ssm", operation: "GetCommandInvocation" },
      label: "aws-rules:ssm-get-command-invocation",
      interceptor: (call, next) => getCommandInvocation(call, next, targets),
    },
    {
      selector: { service: "ssm", operation: "ListCommands" },
      label: "aws-rules:ssm-list-commands",
      interceptor: (call, next) => listCommands(call, next, targets),
    },
  ];
}
