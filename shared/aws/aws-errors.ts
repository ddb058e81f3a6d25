import { AwsThrottled } from "../errors.js";

/**
 * The error names that mean "try again later" for the services radius-sync calls, each with where
 * AWS says so. "botocore" is `boto/botocore`'s `botocore/data/<service>/<version>/service-2.json`
 * (a shape with `"fault": true` is a server-side error of that service, on the operations listed)
 * or `botocore/data/_retry.json` (the retry policies every AWS SDK applies). The step that catches one
 * of these throws {@link AwsThrottled}, which the state machine retries with backoff; any other
 * error — a refused parameter, a missing resource, an exhausted quota — is not retried, because
 * retrying cannot change its answer.
 */
export const transientErrorSources: Readonly<Record<string, string>> = {
  // Every AWS JSON-protocol API reference, "Common Errors" (for example
  // docs.aws.amazon.com/directoryservice/latest/devguide/CommonErrors.html).
  InternalFailure: "Common Errors: HTTP 500, the request failed because of an internal server issue",
  ServiceUnavailable: "Common Errors: HTTP 503, the service is temporarily unable to handle the request",
  ThrottlingException:
    "Common Errors (HTTP 400) and _retry.json __default__ throttling_exception; modeled by DynamoDB on " +
    "BatchGetItem, PutItem and DeleteItem",
  // botocore _retry.json __default__ policies: the throttling codes every SDK retries.
  Throttling: "_retry.json __default__ throttling",
  ThrottledException: "_retry.json __default__ throttled_exception",
  RequestThrottledException: "_retry.json __default__ request_throttled_exception",
  TooManyRequestsException: "_retry.json __default__ too_many_requests (HTTP 429)",
  // Directory Service, ds/2015-04-16.
  ServiceException:
    "Directory Service: fault on DescribeDirectories, EnableRadius, UpdateRadius, DisableRadius, ListTagsForResource",
  // WorkSpaces, workspaces/2015-04-08.
  InternalServerException: 'WorkSpaces: "Unexpected server error occured" (shape InternalServerException)',
  // Systems Manager, ssm/2014-11-06, and DynamoDB, dynamodb/2012-08-10: the same name.
  InternalServerError:
    "SSM: fault on SendCommand, ListCommands, GetCommandInvocation, DescribeInstanceInformation; " +
    "DynamoDB: fault on BatchGetItem, PutItem, DeleteItem",
  // DynamoDB, dynamodb/2012-08-10.
  ProvisionedThroughputExceededException:
    "DynamoDB: on BatchGetItem, PutItem, DeleteItem; _retry.json __default__ throughput_exceeded",
  ReplicatedWriteConflictException:
    'DynamoDB: on PutItem and DeleteItem, modeled "retryable"; _retry.json dynamodb write_conflict',
  // DynamoDB (account throughput quota, on BatchGetItem, PutItem, DeleteItem) and EC2 (request rate,
  // _retry.json ec2 request_limit_exceeded) use the same name.
  RequestLimitExceeded:
    "DynamoDB: on BatchGetItem, PutItem, DeleteItem; EC2: _retry.json ec2 request_limit_exceeded",
  // EC2's model carries no error shapes; its codes are in "Error codes for the Amazon EC2 API"
  // (docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html), server errors.
  EC2ThrottledException: "EC2: _retry.json ec2 ec2_throttled_exception",
  InternalError: "EC2 server error code: an internal error has occurred, retry the request",
  Unavailable: "EC2 server error code: the server is overloaded and can't handle the request",
  // Secrets Manager, secretsmanager/2017-10-17.
  InternalServiceError: "Secrets Manager: fault on every operation radius-sync calls",
  // EventBridge, events/2015-10-07.
  InternalException: "EventBridge: fault on PutEvents",
};

/**
 * Whether an error is one a service documents as transient (see {@link transientErrorSources}).
 *
 * @example
 * ```ts
 * isTransientAwsError(Object.assign(new Error("busy"), { name: "ServiceException" })); // true
 * isTransientAwsError(Object.assign(new Error("bad"), { name: "InvalidParameterException" })); // false
 * ```
 */
export function isTransientAwsError(error: unknown): boolean {
  return error instanceof Error && Object.hasOwn(transientErrorSources, error.name);
}

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
  if (error instanceof Error && isTransientAwsError(error)) {
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
