/**
 * Transient AWS errors injected per call, for any service and any process: the proxy answers the
 * matching calls with the error (status and wire shape of the service's protocol) instead of
 * forwarding them, and the call recorder shows each failed attempt.
 */
import { awsError } from "./aws-call.js";
import { type CallSelector, installInterceptor, priorities, type Removable } from "./interceptors.js";

/** One fault: which calls fail, with what, how often. */
export interface FaultSpec extends CallSelector {
  /** The AWS error code, e.g. `ServiceException`, `ThrottlingException`, `InternalServiceError`. */
  code: string;
  /** Default: a sentence naming the fault as injected. */
  message?: string;
  /** Default: 500/503 for AWS's server faults, else 400 (see `awsError`). */
  status?: number;
  /** How many matching calls fail (then calls pass again); default: every one until removed. */
  times?: number;
  /** Only calls whose input this predicate accepts (e.g. one directory id). */
  when?: (input: Record<string, unknown>) => boolean;
}

/** A fault that is installed; counts the calls it failed. */
export interface InjectedFault extends Removable {
  /** How many calls it has failed so far. */
  readonly failed: number;
}

/**
 * Injects transient AWS errors; removed with every other double after each test.
 *
 * @example
 * ```ts
 * faults.fail({ service: "ds", operation: "DescribeDirectories", code: "ServiceException", times: 1 });
 * ```
 */
export const faults = {
  fail(spec: FaultSpec): InjectedFault {
    let failed = 0;
    const { code, message, status, times, when, ...selector } = spec;
    const handle = installInterceptor(
      selector,
      `fault:${spec.service}:${String(spec.operation ?? "*")}:${code}`,
      async (call, next) => {
        if ((times !== undefined && failed >= times) || (when && !when(call.input))) return await next();
        failed += 1;
        return awsError(call, {
          code,
          message:
            message ??
            `${code} injected by the test rig (${call.service}:${call.operation}, attempt ${failed})`,
          ...(status === undefined ? {} : { status }),
        });
      },
      priorities.faults,
    );
    return {
      get failed() {
        return failed;
      },
      remove: () => handle.remove(),
    };
  },
};
