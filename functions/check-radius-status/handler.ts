import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { DirectoryUpdatePhase, PhaseProgress, PhaseSecret } from "../../shared/core/phases.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { checkDirectories } from "../../shared/steps/directory-radius.js";

const Input = z.object({
  run: Run,
  phase: DirectoryUpdatePhase,
  secret: PhaseSecret,
  progress: PhaseProgress,
  maxPolls: z.number().int().min(1),
});

/** One look at the RadiusStatus of every pending directory of the phase (batched DescribeDirectories). */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  checkDirectories({ config: getConfig(), ...input }),
);
