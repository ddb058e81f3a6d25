import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { updateDirectoryRadius } from "../../shared/steps/directory-radius.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({
  run: Run,
  directory: Work.shape.directories.element,
  secret: z.object({ arn: z.string(), versionId: z.string() }),
});

/** EnableRadius or UpdateRadius on one directory; the secret is read here and goes only to the API. */
export const handler = stepHandler(Input, async ({ run, directory, secret }: z.infer<typeof Input>) =>
  updateDirectoryRadius({ directory, secret, tableName: getConfig().stateTable, startedAt: run.startedAt }),
);
