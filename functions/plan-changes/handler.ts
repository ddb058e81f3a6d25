import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { getConfig } from "../../shared/config.js";
import { Discovery } from "../../shared/core/model.js";
import { correlateExecution, parseInput } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { LockState, Run } from "../../shared/run.js";
import { planRun } from "../../shared/steps/plan-step.js";

const Input = z.object({ run: Run, lock: LockState, discovery: Discovery });

/** Pure planning: desired vs discovered → the plan (dry run) or the work to apply; the lock state passes through. */
export const handler = middy(async ({ run, lock, discovery }: z.infer<typeof Input>) => {
  const result = planRun({ config: getConfig(), run, discovery });
  const summary = "plan" in result ? result.plan.summary : result.work.summary;
  logger.info("plan made", { dryRun: run.dryRun, summary });
  return { ...result, lock };
})
  .use(injectLambdaContext(logger))
  .use(correlateExecution())
  .use(parseInput(Input));
