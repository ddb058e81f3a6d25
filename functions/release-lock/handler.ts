import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { finishExecution } from "../../shared/steps/finish-execution.js";

const Input = z.object({
  executionId: z.string().min(1),
  startedAt: z.string().optional(),
  result: z
    .object({
      changed: z.boolean().optional(),
      changeCount: z.number().optional(),
      summary: z.array(z.string()).optional(),
      repairedNpsServers: z.number().int().min(0).optional(),
    })
    .passthrough(),
  failure: z.object({ Error: z.string().optional(), Cause: z.unknown() }).optional(),
});

/**
 * Every exit path that may hold the lock ends here: releases it, records metrics, publishes the
 * result event when something changed or failed, and passes the execution's result through.
 */
export const handler = stepHandler(
  Input,
  async (input: z.infer<typeof Input>) =>
    finishExecution({ config: getConfig(), ...input, nowMs: Date.now() }),
  { metrics: true },
);
