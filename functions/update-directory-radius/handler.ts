import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { correlateExecution, parseInput } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { Run } from "../../shared/run.js";
import { updateDirectoryRadius } from "../../shared/steps/directory-radius.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({
  run: Run,
  directory: Work.shape.directories.element,
  secret: z.object({ arn: z.string(), versionId: z.string() }),
});

/** EnableRadius or UpdateRadius on one directory; the secret is read here and goes only to the API. */
export const handler = middy(async ({ run, directory, secret }: z.infer<typeof Input>) =>
  updateDirectoryRadius({ directory, secret, tableName: getConfig().stateTable, startedAt: run.startedAt }),
)
  .use(injectLambdaContext(logger))
  .use(correlateExecution())
  .use(parseInput(Input));
