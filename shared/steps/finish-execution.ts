import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { publishResultEvent } from "../aws/events.js";
import { releaseMutationLock } from "../aws/lock.js";
import type { Config } from "../config.js";
import {
  type ExecutionFailure,
  type ExecutionResult,
  executionMetrics,
  resultEvent,
  settledResult,
} from "../core/execution-result.js";
import { logger, metrics } from "../observability.js";

export type { ExecutionResult };

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
  failure?: ExecutionFailure | undefined;
}): Promise<Result> {
  const { config, executionId, failure } = options;
  const result = settledResult(options.result);
  const { released } = await releaseMutationLock({ tableName: config.stateTable, owner: executionId });
  for (const metric of executionMetrics({ ...options, result })) {
    metrics.addMetric(metric.name, MetricUnit[metric.unit], metric.value);
  }
  const event = resultEvent({ executionId, result, failure });
  if (event) await publishResultEvent(event);
  logger.info("execution finished", {
    released,
    changed: result.changed === true,
    failed: failure !== undefined,
  });
  return result;
}
