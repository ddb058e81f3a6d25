import { AwsThrottled } from "../errors.js";

const throttlingNames = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ClientLimitExceededException",
  "ProvisionedThroughputExceededException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalServerError",
  "InternalFailure",
]);

/**
 * Turns an SDK error that is worth retrying into {@link AwsThrottled}, so the state
 * machine's Retry can match it by name; any other error is returned unchanged.
 *
 * @example
 * ```ts
 * try { await client.send(command); } catch (error) { throw asWorkflowError(error, "DescribeDirectories"); }
 * ```
 */
export function asWorkflowError(error: unknown, operation: string): unknown {
  if (error instanceof Error && throttlingNames.has(error.name)) {
    return new AwsThrottled(
      `${operation} was throttled or failed transiently (${error.name}); retrying is safe`,
      {
        cause: error,
      },
    );
  }
  return error;
}

/** The error's AWS name (`error.name`), or undefined when it is not an Error. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
