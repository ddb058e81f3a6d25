import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { z } from "zod";
import { logger, metrics } from "../observability.js";
import { correlateExecution } from "./correlate-execution.js";
import { flushMetrics } from "./flush-metrics.js";
import { parseInput } from "./parse-input.js";

/**
 * The one shape of every workflow Lambda: Lambda context and the execution id on every log line,
 * the input parsed with its zod schema (a bad input fails with InvalidInput naming every field),
 * and — when the step records metrics — their flush (only when it recorded some: see {@link flushMetrics}).
 *
 * @example
 * ```ts
 * export const handler = stepHandler(Input, async ({ run, discovery }) => planRun({ config: getConfig(), run, discovery }));
 * ```
 */
export function stepHandler<Schema extends z.ZodType, Result>(
  schema: Schema,
  handle: (input: z.infer<Schema>) => Promise<Result>,
  options: { metrics?: boolean } = {},
) {
  const handler = middy<z.infer<Schema>, Result>((input: z.infer<Schema>) => handle(input)).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
  if (options.metrics) handler.use(flushMetrics(metrics));
  return handler.use(correlateExecution()).use(parseInput(schema));
}
