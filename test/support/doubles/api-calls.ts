import { clients } from "../../../shared/aws/clients.js";
import { combineRemovables, installInterceptor, operationName, type Removable } from "./registry.js";

/** One command sent through a shared client, with its input as the caller sent it. */
export interface ApiCall {
  /** The key in `clients`: "ds", "workspaces", "ec2", "ssm", "secretsManager", "dynamodb". */
  service: string;
  /** The operation without the SDK's `Command` suffix, e.g. "EnableRadius". */
  operation: string;
  input: Record<string, unknown>;
}

const readOnlyPrefixes = ["Describe", "Get", "List", "BatchGet", "Query", "Scan"];

/**
 * Whether an operation changes something (anything not Describe/Get/List/BatchGet/Query/Scan).
 *
 * @example
 * ```ts
 * isMutatingOperation("AuthorizeSecurityGroupIngress"); // true
 * isMutatingOperation("DescribeDirectories"); // false
 * ```
 */
export function isMutatingOperation(operation: string): boolean {
  return !readOnlyPrefixes.some((prefix) => operation.startsWith(prefix));
}

/**
 * Records every command sent through every client in `clients` — not a double: calls go
 * on unchanged. It sits outermost, so it also sees calls that a test double answers, and
 * copies each input when it is sent.
 *
 * @example
 * ```ts
 * const apiCalls = recordApiCalls();
 * await reconcile();
 * expect(apiCalls.mutatingCalls()).toEqual([]); // a no-op run changes nothing
 * ```
 */
export interface ApiCallRecorder extends Removable {
  /** Every call so far, in the order sent. */
  readonly calls: readonly ApiCall[];
  /** The calls that change something. */
  mutatingCalls(): ApiCall[];
  /** The calls of one operation, e.g. `callsTo("EnableRadius")`. */
  callsTo(operation: string): ApiCall[];
  /** Forgets the calls so far (keeps recording). */
  reset(): void;
}

/** Starts an {@link ApiCallRecorder} on every shared client. */
export function recordApiCalls(): ApiCallRecorder {
  const calls: ApiCall[] = [];
  const handles = Object.entries(clients).map(([service, client]) =>
    installInterceptor(
      client,
      `api-calls:${service}`,
      async (args, next, context) => {
        calls.push({ service, operation: operationName(context), input: structuredClone(args.input) });
        return next(args);
      },
      "high",
    ),
  );
  const all = combineRemovables(handles);
  return {
    calls,
    mutatingCalls: () => calls.filter((call) => isMutatingOperation(call.operation)),
    callsTo: (operation) => calls.filter((call) => call.operation === operation),
    reset() {
      calls.length = 0;
    },
    remove: () => all.remove(),
  };
}
