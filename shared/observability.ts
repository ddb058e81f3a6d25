import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

/**
 * The product's structured logger. Log identifiers (directory ids, instance ids, command ids,
 * secret ARN and version id), never the secret or whole payloads.
 *
 * @example
 * ```ts
 * logger.info("directory updated", { directoryId });
 * ```
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "radius-sync" });

/**
 * The product's CloudWatch metrics (embedded metric format): DriftFound, ChangesApplied,
 * ExecutionFailed, ExecutionDurationMs, RotationSucceeded, RotationRolledBack,
 * RotationMismatchSeconds, TargetsUnreachable (a hub's member targets it could not read). Values are counts and durations, never identifiers or secrets. A step
 * built with `stepHandler(…, { metrics: true })` publishes what it recorded when it ends, and
 * nothing when it recorded none (`flushMetrics`).
 *
 * @example
 * ```ts
 * metrics.addMetric("ChangesApplied", MetricUnit.Count, 3);
 * ```
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "RadiusSync",
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "radius-sync",
});
