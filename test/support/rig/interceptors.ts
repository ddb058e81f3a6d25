/**
 * The chain of interceptors that the AWS proxy runs for every call, from any process. Tests and
 * doubles install interceptors here for a service (and optionally operations); the `aws` setupFile
 * removes them all after each test. The proxy's own AWS rules ({@link AwsRule}) sit in the same
 * chain but stay installed for the proxy's lifetime.
 */
import { forgetIssuedKeys } from "./accounts.js";
import type { AwsCall, AwsReply } from "./aws-call.js";

/** Passes the call on to the rest of the chain (and finally to moto). */
export type Next = () => Promise<AwsReply>;

/** Pass the call on with `next()`, change the reply it returns, or answer without calling `next`. */
export type Interceptor = (call: AwsCall, next: Next) => Promise<AwsReply>;

/**
 * Which calls an interceptor sees: a signing name (`"*"` for every service), optionally operations,
 * and optionally only the calls acting in one account (12 digits, see `accounts.ts`) or one region.
 */
export interface CallSelector {
  service: string;
  operation?: string | readonly string[];
  account?: string;
  region?: string;
}

/**
 * Where an interceptor sits: higher runs first (outermost). Named levels, outermost first: the call
 * recorder (1000), injected faults (900), the proxy's AWS rules (800), then `high` (100), `normal` (0)
 * and `low` (-100) for doubles, and last the rig's models of what moto lacks (-1000: they stand where
 * moto stands, so every double sees their answers as moto's). Equal priorities run in installation
 * order.
 */
export type Priority = "high" | "normal" | "low" | number;

/** The numeric value of each named level (see {@link Priority}). */
export const priorities = {
  recorder: 1000,
  faults: 900,
  rules: 800,
  high: 100,
  normal: 0,
  low: -100,
  model: -1000,
} as const;

/** Something installed that a test (or the harness) can take off again. */
export interface Removable {
  /** Takes it off; safe to call twice. */
  remove(): void;
}

/** One entry of the chain. */
export interface ChainEntry {
  selector: CallSelector;
  label: string;
  interceptor: Interceptor;
  priority: number;
  sequence: number;
}

/** An interceptor that the proxy always runs: one of AWS's own rules that moto does not enforce. */
export type AwsRule = Omit<ChainEntry, "sequence" | "priority"> & { priority?: number };

const installed = new Map<Removable, ChainEntry | undefined>();
let sequence = 0;

const numeric = (priority: Priority) => (typeof priority === "number" ? priority : priorities[priority]);

/** Whether `selector` covers the call. */
export function selects(
  selector: CallSelector,
  call: Pick<AwsCall, "service" | "operation"> & Partial<Pick<AwsCall, "account" | "region">>,
): boolean {
  if (selector.service !== "*" && selector.service !== call.service) return false;
  if (selector.account !== undefined && selector.account !== call.account) return false;
  if (selector.region !== undefined && selector.region !== call.region) return false;
  if (selector.operation === undefined) return true;
  return typeof selector.operation === "string"
    ? selector.operation === call.operation
    : selector.operation.includes(call.operation);
}

/** Registers a removal so that {@link removeAllTestDoubles} can undo it; `remove()` runs it at most once. */
function track(entry: ChainEntry | undefined, removal: () => void): Removable {
  let removed = false;
  const handle: Removable = {
    remove() {
      if (removed) return;
      removed = true;
      installed.delete(handle);
      removal();
    },
  };
  installed.set(handle, entry);
  return handle;
}

/**
 * Adds an interceptor for the calls `selector` names, from every process that talks to the proxy.
 *
 * @example
 * ```ts
 * const handle = installInterceptor({ service: "ds", operation: "EnableRadius" }, "my-double", async (call, next) => {
 *   const reply = await next();
 *   return reply;
 * });
 * handle.remove();
 * ```
 */
export function installInterceptor(
  selector: string | CallSelector,
  label: string,
  interceptor: Interceptor,
  priority: Priority = "normal",
): Removable {
  sequence += 1;
  const entry: ChainEntry = {
    selector: typeof selector === "string" ? { service: selector } : selector,
    label,
    interceptor,
    priority: numeric(priority),
    sequence,
  };
  return track(entry, () => undefined);
}

/**
 * Registers any clean-up (a double's private state) with the same lifetime as interceptors.
 *
 * @example
 * ```ts
 * const state = trackRemovable(() => pingStatuses.clear());
 * ```
 */
export function trackRemovable(removal: () => void): Removable {
  return track(undefined, removal);
}

/**
 * Combines several handles into one (for doubles that install more than one interceptor).
 *
 * @example
 * ```ts
 * const both = combineRemovables([onSend, onInvocation]);
 * ```
 */
export function combineRemovables(parts: readonly Removable[]): Removable {
  return trackRemovable(() => {
    for (const part of parts) part.remove();
  });
}

/**
 * Removes every installed interceptor and double, and forgets the access keys moto issued (the next
 * reset forgets them too); the `aws` setupFile calls it after each test.
 *
 * @example
 * ```ts
 * afterEach(() => removeAllTestDoubles());
 * ```
 */
export function removeAllTestDoubles(): void {
  for (const handle of [...installed.keys()]) handle.remove();
  forgetIssuedKeys();
}

/**
 * The chain for one call, outermost first: the installed interceptors and the given rules that
 * select it, by priority, then installation order.
 *
 * @example
 * ```ts
 * const chain = chainFor(call, proxyRules);
 * ```
 */
export function chainFor(call: AwsCall, rules: readonly ChainEntry[]): ChainEntry[] {
  const entries = [...installed.values(), ...rules].filter(
    (entry): entry is ChainEntry => entry !== undefined && selects(entry.selector, call),
  );
  return entries.sort((left, right) => right.priority - left.priority || left.sequence - right.sequence);
}

/**
 * Turns AWS rules into chain entries (numbered before any test's interceptor, at the rules level).
 *
 * @example
 * ```ts
 * const entries = ruleEntries(defaultAwsRules());
 * ```
 */
export function ruleEntries(rules: readonly AwsRule[]): ChainEntry[] {
  return rules.map((rule, index) => ({
    ...rule,
    priority: rule.priority ?? priorities.rules,
    sequence: -rules.length + index,
  }));
}

/**
 * For a double that answers an operation moto lacks: passes the call on to moto first, which checks
 * the caller's SigV4 signature and, with IAM enforcement on, its permission for the action before
 * finding it has no such operation (moto/core/responses.py `call_action`: 500). Returns moto's
 * refusal (403, any 4xx) for the double to send back, or undefined when the double may answer.
 *
 * @example
 * ```ts
 * const refused = await refusedByMoto(next);
 * if (refused) return refused;
 * ```
 */
export async function refusedByMoto(next: Next): Promise<AwsReply | undefined> {
  const probe = await next();
  return probe.status >= 400 && probe.status < 500 ? probe : undefined;
}
