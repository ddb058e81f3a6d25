import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { getConfig } from "../../shared/config.js";
import { parseInput } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { Work } from "../../shared/steps/plan-step.js";
import { describeRollbackFailure } from "../../shared/steps/rollback.js";

const Failure = z.object({ Error: z.string(), Cause: z.unknown() });
const Input = z.object({
  scope: Work.shape.rotation.unwrap(),
  rotation: z
    .object({ arn: z.string(), currentVersionId: z.string(), pendingVersionId: z.string() })
    .optional(),
  error: Failure,
  rollbackError: Failure,
});

/** The rollback failed too: reads where each side stands and says so exactly (error RollbackFailed). */
export const handler = middy(async (input: z.infer<typeof Input>) =>
  describeRollbackFailure({ config: getConfig(), ...input }),
)
  .use(injectLambdaContext(logger))
  .use(parseInput(Input));
