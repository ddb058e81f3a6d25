import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { mismatchWindow } from "../../shared/core/rotation.js";
import { correlateExecution, parseInput } from "../../shared/middleware/index.js";
import { logger, metrics } from "../../shared/observability.js";
import { Run } from "../../shared/run.js";
import { finishRotation } from "../../shared/steps/rotation.js";

const Input = z.object({
  run: Run,
  rotation: z.object({
    arn: z.string(),
    currentVersionId: z.string(),
    pendingVersionId: z.string(),
    strategy: z.string(),
  }),
  phaseResults: z.array(z.object({ mismatch: z.boolean(), attempts: z.array(z.number().int()) })),
  pollSeconds: z.number().int(),
});

/** Every side verified on the new version: AWSCURRENT moves to it (AWSPREVIOUS keeps the old one). */
export const handler = middy(async ({ rotation, phaseResults, pollSeconds }: z.infer<typeof Input>) => {
  const versions = await finishRotation(rotation);
  const window = mismatchWindow({
    phases: phaseResults,
    phaseAttempts: phaseResults.map((phase) => Math.max(0, ...phase.attempts)),
    pollSeconds,
  });
  metrics.addMetric("RotationSucceeded", MetricUnit.Count, 1);
  metrics.addMetric("RotationMismatchSeconds", MetricUnit.Seconds, window.seconds);
  logger.info("rotation committed", { ...versions, strategy: rotation.strategy, mismatchWindow: window });
  return { ...versions, strategy: rotation.strategy, mismatchWindow: window };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(correlateExecution())
  .use(parseInput(Input));
