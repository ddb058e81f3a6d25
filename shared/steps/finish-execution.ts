import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { publishResultEvent } from "../aws/events.js";
import { releaseMutationLock } from "../aws/lock.js";
import type { Config } from "../config.js";
import { causeMessage } from "../core/error-cause.js";
import { logger, metrics } from "../observability.js";

/** The result an ending state hands over: what changed, or nothing for a failure. */
export interface ExecutionResult {
  changed?: boolean;
  changeCount?: number;
  summary?: string[];
}

/** Longest error cause quoted in a result event. */
const maxCauseLength = 1000;

/**
 * Ends an execution that may hold the lock: releases it (a no-op when it holds none), records the
 * metrics, and — when something changed or the run failed — puts a result event on the default bus.
 * A run that changed nothing stays quiet. Returns `result` so that this can be the last state.
 *
 * @example
 * ```ts
 * return await finishExecution({ config, executionId, startedAt, nowMs: Date.now(), result });
 * ```
 */
export async function finishExecution<Result extends ExecutionResult>(options: {
  config: Readonly<Config>;
  executionId: string;
  startedAt?: string | undefined;
  nowMs: number;
  result: Result;
  failure?: { Error?: string | undefined; Cause?: unknown } | undefined;
}): Promise<Result> {
  const { config, executionId, result, failure } = options;
  const { released } = await releaseMutationLock({ tableName: config.stateTable, owner: executionId });
  const changed = result.changed === true;
  if (options.startedAt) {
    metrics.addMetric(
      "ExecutionDurationMs",
      MetricUnit.Milliseconds,
      options.nowMs - Date.parse(options.startedAt),
    );
  }
  if (failure) metrics.addMetric("ExecutionFailed", MetricUnit.Count, 1);
  else metrics.addMetric("ChangesApplied", MetricUnit.Count, changed ? (result.changeCount ?? 0) : 0);
  if (failure || changed) {
    await publishResultEvent({
      executionId,
      status: failure ? "FAILED" : "SUCCEEDED",
      changed,
      changeCount: result.changeCount ?? 0,
      summary: result.summary ?? [],
      ...(failure?.Error ? { error: failure.Error } : {}),
      // The message only: a Lambda failure's Cause is its JSON error payload, stack trace included.
      ...(failure?.Cause ? { cause: causeMessage(failure.Cause).slice(0, maxCauseLength) } : {}),
    });
  }
  logger.info("execution finished", { released, changed, failed: failure !== undefined });
  return result;
}
