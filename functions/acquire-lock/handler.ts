import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { takeLock } from "../../shared/steps/lock.js";

const Input = z.object({ run: Run, attempt: z.number().int().min(0) });

/** Takes the mutation lock, or a queue place, or coalesces into the queued execution. */
export const handler = stepHandler(Input, async ({ run, attempt }: z.infer<typeof Input>) =>
  takeLock({ config: getConfig(), run, attempt, nowMs: Date.now() }),
);
