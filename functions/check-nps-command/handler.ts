import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { NpsPushPhase, PhaseProgress, PhaseSecret } from "../../shared/core/phases.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { checkNpsServers } from "../../shared/steps/nps-phase.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({
  run: Run,
  phase: NpsPushPhase,
  secret: PhaseSecret,
  clients: Work.shape.npsClients,
  progress: PhaseProgress,
  /** Checks per NPS server (they run one at a time). */
  maxPolls: z.number().int().min(1),
  /** Checks to wait, after giving up, for what was cancelled to end. */
  cancelPolls: z.number().int().min(1),
});

/** One look at every pending NPS server of the phase, verifying each finished server's secret proof. */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  checkNpsServers({ config: getConfig(), ...input }),
);
