import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import * as z from "zod";
import { parseInput } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { Work } from "../../shared/steps/plan-step.js";
import { planRollbackPhases } from "../../shared/steps/rollback.js";

const Input = z.object({
  scope: Work.shape.rotation.unwrap(),
  rotation: z.object({ arn: z.string(), currentVersionId: z.string(), pendingVersionId: z.string() }),
});

/** The phases that bring every NPS server and directory to whatever holds AWSCURRENT now. */
export const handler = middy(async (input: z.infer<typeof Input>) => planRollbackPhases(input))
  .use(injectLambdaContext(logger))
  .use(parseInput(Input));
