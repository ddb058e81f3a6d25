/**
 * Transient AWS errors injected per call, for any service and any process: the proxy answers the
 * matching calls with the error (status and wire shape of the service's protocol) instead of
 * forwarding them, and the call recorder shows each failed attempt. A fault can be limited to the
 * calls acting in one account or region (`account`, `region`: see `accounts.ts`), e.g. one member of
 * a hub. `faults.deny` answers as IAM refuses a call.
 */
import { type AwsCall, awsError } from "./aws-call.js";
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

/** Which calls {@link faults.deny} refuses, and how often. */
export interface DenySpec extends CallSelector {
  /**
   * Only calls acting in this account (12 digits). For STS `AssumeRole*`, which the hub calls from its
   * own account, the account of the role asked for (`RoleArn`): the member whose role refuses the hub.
   */
  account?: string;
  /** Default: a sentence as IAM words it, naming the caller's account and the action. */
  message?: string;
  /** How many matching calls are refused; default: every one until removed. */
  times?: number;
  /** Only calls whose input this predicate accepts. */
  when?: (input: Record<string, unknown>) => boolean;
}

/**
 * How AWS refuses a call that IAM does not allow, by service protocol:
 * - STS, IAM (query protocol): `AccessDenied`, HTTP 403 — STS AssumeRole's documented refusal
 *   ("User: … is not authorized to perform: sts:AssumeRole on resource: …"); STS's model
 *   (botocore sts/2011-06-15) lists no such shape, it is a common error;
 * - EC2: `UnauthorizedOperation`, HTTP 403, in EC2's XML error document
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
 * - the JSON services (Directory Service, WorkSpaces and the rest): `AccessDeniedException`, HTTP 400
 *   (each API reference's "Common Errors"; botocore ds/2015-04-16 and workspaces/2015-04-08 model the
 *   shape `AccessDeniedException`, whose message member the SDK model spells `Message` and `message`).
 */
export function refusalOf(call: Pick<AwsCall, "protocol">): { code: string; status: number } {
  if (call.protocol === "ec2Query") return { code: "UnauthorizedOperation", status: 403 };
  if (call.protocol === "awsQuery") return { code: "AccessDenied", status: 403 };
  return { code: "AccessDeniedException", status: 400 };
}

/** IAM's wording: the caller's session in its account, the action, and for AssumeRole the role. */
function refusalMessage(call: AwsCall): string {
  const caller = `arn:aws:sts::${call.account}:assumed-role/rig-denied/${call.accessKeyId || "anonymous"}`;
  const action = `${call.service}:${call.operation}`;
  const roleArn = call.service === "sts" ? call.input.RoleArn : undefined;
  if (typeof roleArn === "string") {
    return `User: ${caller} is not authorized to perform: ${action} on resource: ${roleArn}`;
  }
  return `User: ${caller} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
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
  /** Fails the selected calls with the given AWS error (see {@link FaultSpec}). */
  fail(spec: FaultSpec): InjectedFault {
    let failed = 0;
    const { code, message, status, times, when, ...selector } = spec;
    const handle = installInterceptor(
      selector,
      `fault:${spec.service}:${String(spec.operation ?? "*")}:${code}${spec.account ? `@${spec.account}` : ""}`,
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

  /**
   * Refuses the selected calls as IAM would ({@link refusalOf}): a member role without the action,
   * or a role the hub may not assume. Only in one account or region when the spec says so.
   *
   * @example
   * ```ts
   * faults.deny({ service: "ds", operation: "EnableRadius", account: "111111111111" });
   * faults.deny({ service: "sts", operation: "AssumeRole", when: (input) => String(input.RoleArn).includes(":222222222222:") });
   * ```
   */
  deny(spec: DenySpec): InjectedFault {
    let denied = 0;
    const { message, times, when, ...selector } = spec;
    const roleAccount = spec.service === "sts" ? selector.account : undefined;
    if (roleAccount !== undefined) delete selector.account;
    const asksRoleOf = (input: Record<string, unknown>) =>
      roleAccount === undefined || new RegExp(`^arn:[^:]+:iam::${roleAccount}:`).test(String(input.RoleArn));
    const handle = installInterceptor(
      selector,
      `deny:${spec.service}:${String(spec.operation ?? "*")}${spec.account ? `@${spec.account}` : ""}`,
      async (call, next) => {
        if (
          (times !== undefined && denied >= times) ||
          (when && !when(call.input)) ||
          !asksRoleOf(call.input)
        )
          return await next();
        denied += 1;
        return awsError(call, { ...refusalOf(call), message: message ?? refusalMessage(call) });
      },
      priorities.faults,
    );
    return {
      get failed() {
        return denied;
      },
      remove: () => handle.remove(),
    };
  },
};
