import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { Run } from "../../shared/run.js";
import { ensureSecret } from "../../shared/steps/ensure-secret.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({ run: Run, secret: Work.shape.secret });

/** Returns the secret ARN + version every side must hold, creating the secret if there is none. */
export const handler = stepHandler(Input, async ({ run, secret }: z.infer<typeof Input>) => {
  const result = await ensureSecret({ config: getConfig(), run, secret });
  logger.info("secret ready", {
    secretArn: result.arn,
    versionId: result.versionId,
    created: result.created,
  });
  return result;
});
