import type { MiddlewareObj } from "@middy/core";
import { logger } from "../observability.js";

/**
 * middy middleware: tags every log line with the Step Functions execution id found in the parsed
 * input (`run.executionId`), so one execution's lines can be followed across Lambdas.
 *
 * @example
 * ```ts
 * middy(handler).use(correlateExecution()).use(parseInput(Schema));
 * ```
 */
export function correlateExecution(): MiddlewareObj<unknown> {
  return {
    before: (request) => {
      const event = request.event as { run?: { executionId?: unknown }; executionId?: unknown } | undefined;
      const executionId = event?.run?.executionId ?? event?.executionId;
      logger.resetKeys();
      if (typeof executionId === "string") logger.appendKeys({ executionId });
    },
  };
}
