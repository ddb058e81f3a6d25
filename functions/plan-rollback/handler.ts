import * as z from "zod";
import { stepHandler } from "../../shared/middleware/index.js";
import { Work } from "../../shared/steps/plan-step.js";
import { planRollbackPhases } from "../../shared/steps/rollback.js";

const Input = z.object({
  scope: Work.shape.rotation.unwrap(),
  rotation: z.object({ arn: z.string(), currentVersionId: z.string(), pendingVersionId: z.string() }),
});

/** The phases that bring every NPS server and directory to whatever holds AWSCURRENT now. */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) => planRollbackPhases(input));
