import * as z from "zod";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { Run } from "../../shared/run.js";
import { applySecurityGroupRules } from "../../shared/steps/apply-security-group-rules.js";
import { Work } from "../../shared/steps/plan-step.js";

const Input = z.object({ run: Run, group: Work.shape.securityGroups.element });

/** Adds and removes one directory security group's RADIUS rules (idempotent). */
export const handler = stepHandler(Input, async ({ group }: z.infer<typeof Input>) => {
  const result = await applySecurityGroupRules(group);
  logger.info("security group rules applied", { directoryId: group.directoryId, ...result });
  return result;
});
