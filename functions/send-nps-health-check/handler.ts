import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { startHealthCheck } from "../../shared/steps/nps-health.js";

const Input = z.object({
  /** The health execution's start: outcomes are counted up to it. */
  startedAt: z.iso.datetime({ offset: true }),
});

/** Sends the read-only NPS health document to every NPS server (one SendCommand per 50). */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  startHealthCheck({ config: getConfig(), startedAt: input.startedAt }),
);
