import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { parseInput } from "../../shared/middleware/index.js";
import { logger, metrics } from "../../shared/observability.js";
import { Work } from "../../shared/steps/plan-step.js";
import { concludeRollback } from "../../shared/steps/rollback.js";

const Input = z.object({
  scope: Work.shape.rotation.unwrap(),
  rotation: z.object({ arn: z.string(), currentVersionId: z.string(), pendingVersionId: z.string() }),
  error: z.object({ Error: z.string(), Cause: z.unknown() }),
  restoredVersionId: z.string(),
});

/** After the rollback: removes AWSPENDING and states the original error plus the rollback's outcome. */
export const handler = middy(async (input: z.infer<typeof Input>) => {
  metrics.addMetric("RotationRolledBack", MetricUnit.Count, 1);
  return concludeRollback(input);
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(parseInput(Input));
