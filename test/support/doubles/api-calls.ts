import { installInterceptor, priorities, type Removable } from "./registry.js";

/** One AWS call that reached the AWS proxy, from any process, with its input as the caller's SDK had it. */
export interface ApiCall {
  /** The SigV4 signing name: "ds", "workspaces", "ec2", "ssm", "secretsmanager", "dynamodb", "events", "states" … */
  service: string;
  /** The operation, e.g. "EnableRadius". */
  operation: string;
  input: Record<string, unknown>;
  /** Who signed it (the access key of its credential scope). */
  accessKeyId: string;
  /** The account it acted in, as moto takes it (test/support/rig/accounts.ts). */
  account: string;
  /** The region of its SigV4 credential scope. */
  region: string;
  /** The reply's HTTP status, once it came back. */
  status?: number;
  /** The AWS error code of a failed reply (an injected fault's included). */
  errorCode?: string;
}

const readOnlyPrefixes = ["Describe", "Get", "List", "BatchGet", "Query", "Scan"];

/**
 * STS's AssumeRole hands out temporary credentials and changes nothing in any account (a hub reaching
 * its member targets, shared/aws/clients/member.ts).
 */
const readOnlyOperations = new Set(["AssumeRole"]);

/**
 * Whether an operation changes something (anything not Describe/Get/List/BatchGet/Query/Scan, nor STS
 * AssumeRole).
 *
 * @example
 * ```ts
 * isMutatingOperation("AuthorizeSecurityGroupIngress"); // true
 * isMutatingOperation("DescribeDirectories"); // false
 * ```
 */
export function isMutatingOperation(operation: string): boolean {
  return (
    !readOnlyOperations.has(operation) && !readOnlyPrefixes.some((prefix) => operation.startsWith(prefix))
  );
}

/**
 * Records every call that reaches the AWS proxy — from the test process and from child processes
 * alike — not a double: calls go on unchanged. It sits outermost, so it also sees calls that a
 * double or an injected fault answers, and copies each input when the call arrives. The doubles'
 * own calls go straight to moto and are never recorded.
 *
 * @example
 * ```ts
 * const apiCalls = recordApiCalls();
 * await reconcile();
 * expect(apiCalls.mutatingCalls()).toEqual([]); // a no-op run changes nothing
 * ```
 */
export interface ApiCallRecorder extends Removable {
  /** Every call so far, in the order it arrived. */
  readonly calls: readonly ApiCall[];
  /** The calls that change something (failed attempts included). */
  mutatingCalls(): ApiCall[];
  /** The calls of one operation, e.g. `callsTo("EnableRadius")`; only one account's or region's when given. */
  callsTo(operation: string, scope?: { account?: string; region?: string }): ApiCall[];
  /** Forgets the calls so far (keeps recording). */
  reset(): void;
}

/** Starts an {@link ApiCallRecorder} on the AWS proxy. */
export function recordApiCalls(): ApiCallRecorder {
  const calls: ApiCall[] = [];
  const handle = installInterceptor(
    { service: "*" },
    "api-calls",
    async (call, next) => {
      const recorded: ApiCall = {
        service: call.service,
        operation: call.operation,
        input: structuredClone(call.input),
        accessKeyId: call.accessKeyId,
        account: call.account,
        region: call.region,
      };
      calls.push(recorded);
      const reply = await next();
      recorded.status = reply.status;
      const errorCode = reply.errorCode;
      if (errorCode !== undefined) recorded.errorCode = errorCode;
      return reply;
    },
    priorities.recorder,
  );
  return {
    calls,
    mutatingCalls: () => calls.filter((call) => isMutatingOperation(call.operation)),
    callsTo: (operation, scope = {}) =>
      calls.filter(
        (call) =>
          call.operation === operation &&
          (scope.account === undefined || call.account === scope.account) &&
          (scope.region === undefined || call.region === scope.region),
      ),
    reset() {
      calls.length = 0;
    },
    remove: () => handle.remove(),
  };
}
