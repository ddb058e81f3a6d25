import { causeMessage } from "./error-cause.js";

/**
 * What the end of an execution reports (shared/steps/finish-execution.ts): which metrics, and whether
 * a result event goes out and what it says. Pure: the clock comes in as `nowMs`.
 */

/** The result an ending state hands over: what changed, or nothing for a failure. */
export interface ExecutionResult {
  changed?: boolean;
  changeCount?: number;
  summary?: string[];
  /** NPS servers the run's push found edited by hand and repaired (changes the plan did not know of). */
  repairedNpsServers?: number;
}

/**
 * What a reconcile's end reports: it changed something when its plan had changes or its NPS push
 * repaired a server the plan thought in agreement; each repaired server counts as one change and gets
 * one summary line. A result that already says whether it changed is kept as it is.
 *
 * @example
 * ```ts
 * settledResult({ changeCount: 0, summary: [], repairedNpsServers: 1 });
 * // { changed: true, changeCount: 1, summary: ["1 NPS server(s) held hand edits to radius-sync's clients or policies: repaired"], repairedNpsServers: 1 }
 * ```
 */
export function settledResult<Result extends ExecutionResult>(result: Result): Result {
  if (result.changed !== undefined) return result;
  const repaired = result.repairedNpsServers ?? 0;
  const changeCount = (result.changeCount ?? 0) + repaired;
  const summary = [
    ...(result.summary ?? []),
    ...(repaired > 0
      ? [`${repaired} NPS server(s) held hand edits to radius-sync's clients or policies: repaired`]
      : []),
  ];
  return { ...result, changed: changeCount > 0, changeCount, summary };
}

/** How an execution failed, as a Catch hands it over. */
export interface ExecutionFailure {
  Error?: string | undefined;
  Cause?: unknown;
}

/** What a result event says about one execution (identifiers and counts; never the secret). */
export interface ResultEventDetail {
  executionId: string;
  status: "SUCCEEDED" | "FAILED";
  changed: boolean;
  changeCount: number;
  summary: string[];
  error?: string;
  cause?: string;
}

/** One metric to record, in a unit CloudWatch knows (Powertools' MetricUnit has the same names). */
export interface ExecutionMetric {
  name: "ExecutionDurationMs" | "ExecutionFailed" | "ChangesApplied";
  unit: "Milliseconds" | "Count";
  value: number;
}

/** Longest error cause quoted in a result event. */
export const maxCauseLength = 1000;

/**
 * The metrics of an ending execution: its duration when its start is known, then ExecutionFailed for
 * a failure, else ChangesApplied (0 when nothing changed).
 *
 * @example
 * ```ts
 * executionMetrics({ startedAt: "2026-11-24T12:00:00.000Z", nowMs: Date.parse("2026-11-24T12:00:05.000Z"), result: {} });
 * // [{ name: "ExecutionDurationMs", unit: "Milliseconds", value: 5000 }, { name: "ChangesApplied", unit: "Count", value: 0 }]
 * ```
 */
export function executionMetrics(options: {
  startedAt?: string | undefined;
  nowMs: number;
  result: ExecutionResult;
  failure?: ExecutionFailure | undefined;
}): ExecutionMetric[] {
  const { result } = options;
  const metrics: ExecutionMetric[] = [];
  if (options.startedAt) {
    metrics.push({
      name: "ExecutionDurationMs",
      unit: "Milliseconds",
      value: options.nowMs - Date.parse(options.startedAt),
    });
  }
  if (options.failure) metrics.push({ name: "ExecutionFailed", unit: "Count", value: 1 });
  else {
    const applied = result.changed === true ? (result.changeCount ?? 0) : 0;
    metrics.push({ name: "ChangesApplied", unit: "Count", value: applied });
  }
  return metrics;
}

/**
 * The result event of an ending execution, or undefined when it changed nothing and did not fail (a
 * quiet run stays quiet). A failure carries its error name and the message of its Cause only (a Lambda
 * failure's Cause is its JSON error payload, stack trace included), cut to {@link maxCauseLength}.
 *
 * @example
 * ```ts
 * resultEvent({ executionId, result: { changed: true, changeCount: 2, summary: ["…"] } });
 * // { executionId, status: "SUCCEEDED", changed: true, changeCount: 2, summary: ["…"] }
 * ```
 */
export function resultEvent(options: {
  executionId: string;
  result: ExecutionResult;
  failure?: ExecutionFailure | undefined;
}): ResultEventDetail | undefined {
  const { result, failure } = options;
  const changed = result.changed === true;
  if (!failure && !changed) return undefined;
  return {
    executionId: options.executionId,
    status: failure ? "FAILED" : "SUCCEEDED",
    changed,
    changeCount: result.changeCount ?? 0,
    summary: result.summary ?? [],
    ...(failure?.Error ? { error: failure.Error } : {}),
    ...(failure?.Cause ? { cause: causeMessage(failure.Cause).slice(0, maxCauseLength) } : {}),
  };
}
