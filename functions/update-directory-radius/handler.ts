import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { DirectoryUpdatePhase, PhaseProgress, PhaseSecret } from "../../shared/core/phases.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { updateDirectories } from "../../shared/steps/directory-radius.js";

const Input = z.object({
  run: Run,
  phase: DirectoryUpdatePhase,
  secret: PhaseSecret,
  progress: PhaseProgress,
});

/** EnableRadius or UpdateRadius on the next chunk of the phase's directories; the secret goes only to the API. */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  updateDirectories({ config: getConfig(), ...input }),
);
