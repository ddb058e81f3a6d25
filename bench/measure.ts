/**
 * Pure measurements over one execution: its event log (state transitions, payload sizes) and the
 * API calls the recorder saw (counts by operation, the replayed mismatch window).
 */
import { type ApiCall, isMutatingOperation } from "../test/support/doubles/index.js";
import type { EventLog } from "../test/support/workflow.js";

/** How often one operation was called, and whether it changes something. */
export interface OperationCount {
  service: string;
  operation: string;
  count: number;
  mutating: boolean;
}

/** API calls of one execution, split read vs mutating, with every operation's count. */
export interface ApiCallFigures {
  total: number;
  read: number;
  mutating: number;
  byOperation: OperationCount[];
}

/**
 * Counts calls by operation (sorted by service, then operation) and splits them read vs mutating.
 *
 * @example
 * ```ts
 * countApiCalls(world.calls.calls).mutating; // 0 for a no-op reconcile
 * ```
 */
export function countApiCalls(calls: readonly ApiCall[]): ApiCallFigures {
  const byKey = new Map<string, OperationCount>();
  for (const call of calls) {
    const key = `${call.service}:${call.operation}`;
    const entry = byKey.get(key) ?? {
      service: call.service,
      operation: call.operation,
      count: 0,
      mutating: isMutatingOperation(call.operation),
    };
    entry.count += 1;
    byKey.set(key, entry);
  }
  const byOperation = [...byKey.entries()]
    .sort(([left], [right]) => (left < right ? -1 : 1))
    .map(([, entry]) => entry);
  const mutating = byOperation.filter((entry) => entry.mutating).reduce((sum, entry) => sum + entry.count, 0);
  return { total: calls.length, read: calls.length - mutating, mutating, byOperation };
}

/** API calls that acted in one account and region (a hub's targets, issue 23). */
export interface TargetCallFigures {
  account: string;
  region: string;
  total: number;
  mutating: number;
}

/**
 * Counts calls by the account and region they acted in (as moto takes them; the recorder's `account`
 * and `region`), sorted by account, then region.
 *
 * @example
 * ```ts
 * countCallsByTarget(world.calls.calls); // [{ account: "111111111111", region: "us-east-1", total: 12, mutating: 0 }, …]
 * ```
 */
export function countCallsByTarget(calls: readonly ApiCall[]): TargetCallFigures[] {
  const byKey = new Map<string, TargetCallFigures>();
  for (const call of calls) {
    const key = `${call.account}:${call.region}`;
    const entry = byKey.get(key) ?? { account: call.account, region: call.region, total: 0, mutating: 0 };
    entry.total += 1;
    if (isMutatingOperation(call.operation)) entry.mutating += 1;
    byKey.set(key, entry);
  }
  return [...byKey.entries()].sort(([left], [right]) => (left < right ? -1 : 1)).map(([, entry]) => entry);
}

/**
 * State transitions as Step Functions bills them: one per state entered, Map iterations' inner
 * states included (the local interpreter logs those with their iteration index).
 *
 * @example
 * ```ts
 * countStateTransitions(result.events); // 6 for a no-op reconcile
 * ```
 */
export function countStateTransitions(events: readonly EventLog[]): number {
  return events.filter((event) => event.type === "StateEntered").length;
}

/** The largest state payload and where it was. */
export interface LargestPayload {
  bytes: number;
  state: string;
  direction: "input" | "output";
}

/**
 * The largest JSON payload (UTF-8 bytes) over every state's input as entered and output as exited:
 * what Step Functions checks against its 256 KB limit.
 *
 * @example
 * ```ts
 * largestPayload(result.events).bytes < 64 * 1024;
 * ```
 */
export function largestPayload(events: readonly EventLog[]): LargestPayload {
  let largest: LargestPayload = { bytes: 0, state: "", direction: "input" };
  for (const event of events) {
    if (event.type !== "StateEntered" && event.type !== "StateExited") continue;
    const direction = event.type === "StateEntered" ? "input" : "output";
    const payload = direction === "input" ? event.state.input : event.state.output;
    const bytes = Buffer.byteLength(JSON.stringify(payload ?? null), "utf8");
    if (bytes > largest.bytes) largest = { bytes, state: event.state.name, direction };
  }
  return largest;
}

/** Where every side stood before a rotation: NPS servers and directories on the current version. */
export interface SecretSidesBefore {
  /** instance id → private IP of every NPS server. */
  ipOfInstance: ReadonlyMap<string, string>;
  /** instance id → IPv6 address of the NPS servers that have one (a Dual-stack or IPv6 directory sends there). */
  ipv6OfInstance?: ReadonlyMap<string, string>;
  /** directory id → the RADIUS servers it sends to. */
  serversOfDirectory: ReadonlyMap<string, readonly string[]>;
  versionId: string;
  /** Resolves a shared-secret value sent in a RADIUS call to its version id (held in memory only). */
  versionOfValue: (value: string) => string;
}

/** The replayed mismatch window: changes after which some directory sends to a server on another secret. */
export interface ReplayedWindow {
  /** SendCommand / EnableRadius / UpdateRadius calls replayed. */
  changes: number;
  /** Of those, how many left at least one directory→server pair disagreeing. */
  mismatchedSteps: number;
  /** Disagreeing directory→server pairs summed over all steps. */
  mismatchedPairs: number;
}

/**
 * Replays the recorder's NPS pushes (`SendCommand`, by `SecretVersion`) and directory changes
 * (`EnableRadius`/`UpdateRadius`, by `RadiusServers` and `RadiusServersIpv6` — one server answers on
 * both its addresses — and the secret's version) in the order sent,
 * checking after each one that every directory sends only to servers holding its secret — the
 * blue/green invariant, measured independently of the rotation's own `mismatchWindow` output.
 *
 * @example
 * ```ts
 * replayMismatchWindow(world.calls.calls, before).mismatchedSteps; // 0 with blue/green
 * ```
 */
export function replayMismatchWindow(calls: readonly ApiCall[], before: SecretSidesBefore): ReplayedWindow {
  const addressesOf = (instanceId: string) =>
    [before.ipOfInstance.get(instanceId), before.ipv6OfInstance?.get(instanceId)].filter(
      (address): address is string => address !== undefined,
    );
  // An address no server has holds no version, so a directory sent there counts as mismatched.
  const serverHolds = new Map(
    [...before.ipOfInstance.keys()].flatMap(addressesOf).map((address) => [address, before.versionId]),
  );
  const directories = new Map(
    [...before.serversOfDirectory].map(([id, servers]) => [id, { servers, versionId: before.versionId }]),
  );
  const window: ReplayedWindow = { changes: 0, mismatchedSteps: 0, mismatchedPairs: 0 };
  for (const call of calls) {
    if (call.operation === "SendCommand") {
      const version = (call.input.Parameters as { SecretVersion?: string[] }).SecretVersion?.[0] ?? "";
      for (const instanceId of (call.input.InstanceIds as string[] | undefined) ?? []) {
        for (const address of addressesOf(instanceId)) serverHolds.set(address, version);
      }
    } else if (call.operation === "UpdateRadius" || call.operation === "EnableRadius") {
      const settings = call.input.RadiusSettings as {
        RadiusServers?: string[];
        RadiusServersIpv6?: string[];
        SharedSecret: string;
      };
      directories.set(String(call.input.DirectoryId), {
        servers: [...(settings.RadiusServers ?? []), ...(settings.RadiusServersIpv6 ?? [])],
        versionId: before.versionOfValue(settings.SharedSecret),
      });
    } else continue;
    window.changes += 1;
    let pairs = 0;
    for (const directory of directories.values()) {
      pairs += directory.servers.filter((ip) => serverHolds.get(ip) !== directory.versionId).length;
    }
    if (pairs > 0) window.mismatchedSteps += 1;
    window.mismatchedPairs += pairs;
  }
  return window;
}
