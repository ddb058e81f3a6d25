import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { getConfig } from "../../shared/config.js";
import { parseInput } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { dropLock } from "../../shared/steps/lock.js";

const Input = z.object({ executionId: z.string().min(1), result: z.unknown() });

/** Releases this execution's lock on every exit path and passes the execution's result through. */
export const handler = middy(async ({ executionId, result }: z.infer<typeof Input>) =>
  dropLock({ config: getConfig(), executionId, result }),
)
  .use(injectLambdaContext(logger))
  .use(parseInput(Input));
