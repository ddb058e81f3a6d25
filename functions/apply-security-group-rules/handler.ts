import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { PhaseProgress } from "../../shared/core/phases.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Run } from "../../shared/run.js";
import { applySecurityGroupRules } from "../../shared/steps/apply-security-group-rules.js";
import { SecurityGroupWork } from "../../shared/steps/plan-step.js";

const Input = z.object({ run: Run, securityGroups: SecurityGroupWork, progress: PhaseProgress });

/** Adds and removes the RADIUS rules of the next chunk of directory security groups (idempotent). */
export const handler = stepHandler(Input, async (input: z.infer<typeof Input>) =>
  applySecurityGroupRules({ config: getConfig(), ...input }),
);
