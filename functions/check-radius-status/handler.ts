import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { checkRadiusStatus } from "../../shared/steps/directory-radius.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({
  run: Run,
  directory: Work.shape.directories.element,
  secretVersionId: z.string(),
  attempt: z.number().int().min(0),
  maxPolls: z.number().int().min(1),
});

/** One poll of one directory's RadiusStatus (the state machine waits between polls). */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  checkRadiusStatus({ config: getConfig(), ...input }),
);
