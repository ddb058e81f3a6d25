/**
 * SendCommand's rate controls and timeouts as the SSM model defines them (botocore
 * `botocore/data/ssm/2014-11-06/service-2.json`) and the Systems Manager User Guide explains them
 * ("Using concurrency controls", "Using error controls" in send-commands-multiple.md;
 * "Understanding command timeout values" in monitor-commands.md).
 */

/** Shape `MaxConcurrency`: 1–7 characters; a number of nodes or a percentage of the targets. */
export const maxConcurrencyPattern = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
/** Shape `MaxErrors`: 1–7 characters; a number of errors (0 allowed) or a percentage of the targets. */
export const maxErrorsPattern = /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/;
/** Both shapes' length limits. */
export const rateControlLength = { min: 1, max: 7 } as const;
/** Shape `TimeoutSeconds` (SendCommandRequest.TimeoutSeconds, the delivery timeout): 30–2592000. */
export const deliveryTimeoutRange = { min: 30, max: 2_592_000 } as const;

/** `MaxConcurrency` when the request has none: "The default value is 50." */
export const defaultMaxConcurrency = "50";
/** `MaxErrors` when the request has none: "The default value is 0." */
export const defaultMaxErrors = "0";
/** `TimeoutSeconds` when the request has none: "The default for Timeout (seconds) is 3600 seconds." */
export const defaultDeliveryTimeoutSeconds = 3600;
/**
 * The execution timeout of a document step that sets none: "The default for Execution Timeout is also
 * 3600 seconds" (monitor-commands.md, "Understanding command timeout values").
 */
export const defaultExecutionTimeoutSeconds = 3600;

/**
 * A rate control as a count of the command's targets. A percentage is taken of the target count and
 * rounded down (AWS documents no rounding: "If you send a command to 50 instances and set max-errors
 * to 10%, then the system stops sending the command to additional instances when the sixth error is
 * received", i.e. 5 allowed, exact either way). Rounding down is the stricter reading: fewer nodes at
 * once, fewer errors allowed. A concurrency is never below 1 (the queue always delivers to one node).
 *
 * @example
 * ```ts
 * resolveRateControl("10%", 50, { atLeast: 0 }); // 5
 * resolveRateControl("25%", 2, { atLeast: 1 }); // 1
 * ```
 */
export function resolveRateControl(value: string, targets: number, options: { atLeast: number }): number {
  const count = value.endsWith("%")
    ? Math.floor((Number(value.slice(0, -1)) * targets) / 100)
    : Number(value);
  if (!Number.isInteger(count)) throw new RangeError(`not a rate control: ${value}`);
  return Math.max(options.atLeast, count);
}
