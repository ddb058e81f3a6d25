import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { NpsPush } from "../../shared/core/nps-push.js";
import { NpsPushPhase, PhaseSecret } from "../../shared/core/phases.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { startNpsPhase } from "../../shared/steps/nps-phase.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({
  run: Run,
  /** Which push of the execution this is; with the execution id it makes a retried send idempotent. */
  push: NpsPush,
  /** When the execution took the mutation lock: the hosts refuse a push older than one they applied. */
  lockAcquiredAt: z.iso.datetime(),
  phase: NpsPushPhase,
  secret: PhaseSecret,
  clients: Work.shape.npsClients,
});

/** Sends the NPS document to every server of the phase (one SendCommand per 50); the secret stays on the hosts. */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  startNpsPhase({ config: getConfig(), ...input }),
);
