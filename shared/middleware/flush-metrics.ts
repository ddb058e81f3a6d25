import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { MiddlewareObj } from "@middy/core";

/**
 * middy middleware: once the step ends (returns or throws), publishes the metrics it recorded —
 * and publishes nothing when it recorded none.
 *
 * Powertools' own `logMetrics` publishes unconditionally, and an empty publish prints "No
 * application metrics to publish…" on every invocation of a step that records a metric only
 * sometimes (PlanChanges counts drift on its first, lock-free pass only). That line is not a fault
 * of ours and buried the steps people read in `npm start`, the tests and CloudWatch Logs.
 *
 * @example
 * ```ts
 * middy(handler).use(flushMetrics(metrics));
 * ```
 */
export function flushMetrics(metrics: Metrics): MiddlewareObj<unknown> {
  const flush = () => {
    if (metrics.hasStoredMetrics()) {
      metrics.publishStoredMetrics();
      return;
    }
    // What publishing would have cleared, so nothing leaks into the next invocation's metrics.
    metrics.clearDimensions();
    metrics.clearMetadata();
  };
  return { after: flush, onError: flush };
}
