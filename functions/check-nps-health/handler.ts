import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { checkHealth, HealthProgress } from "../../shared/steps/nps-health.js";

const Input = z.object({
  progress: HealthProgress,
  /** The health execution's name: names the reconcile it may start, so a retry starts no second one. */
  executionName: z.string().min(1).max(80),
});

/** One look at the health command; once every server answered: judge, publish metrics, record, react. */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  checkHealth({ config: getConfig(), progress: input.progress, executionName: input.executionName }),
);
