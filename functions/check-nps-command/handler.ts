import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { checkNpsCommand } from "../../shared/steps/nps-command.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({
  run: Run,
  target: z.object({ instanceId: z.string(), commandId: z.string(), nonce: z.string() }),
  secretArn: z.string(),
  secretVersionId: z.string(),
  clients: Work.shape.npsClients,
  attempt: z.number().int().min(0),
  maxPolls: z.number().int().min(1),
});

/** One poll of one server's NPS command, verifying its secret proofs on success (the state machine waits between polls). */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  checkNpsCommand({ config: getConfig(), ...input }),
);
