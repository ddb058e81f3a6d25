import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { NpsPush } from "../../shared/core/nps-push.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { sendNpsCommand } from "../../shared/steps/nps-command.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({
  run: Run,
  /** Which push of the execution this is; with the execution id it makes a retried send idempotent. */
  push: NpsPush,
  secret: z.object({ arn: z.string(), versionId: z.string() }),
  instanceIds: Work.shape.npsServerIds.min(1),
  clients: Work.shape.npsClients,
});

/** One SendCommand of the NPS document to every server that needs it; the secret stays on the hosts. */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  sendNpsCommand({ config: getConfig(), ...input }),
);
