import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { planRotation } from "../../shared/core/rotation.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { Run } from "../../shared/run.js";
import { Work } from "../../shared/steps/plan-step.js";
import { startRotation } from "../../shared/steps/rotation.js";
import { toWorkflowPhases } from "../../shared/steps/rotation-phases.js";

const Input = z.object({
  run: Run,
  secret: z.object({ arn: z.string(), versionId: z.string() }),
  scope: Work.shape.rotation.unwrap(),
});

/**
 * Puts the new secret version as AWSPENDING and plans the phases that move every side onto it (they
 * name the secret by role: "current", "pending"; the versions come back beside them).
 */
export const handler = stepHandler(Input, async ({ run, secret, scope }: z.infer<typeof Input>) => {
  const config = getConfig();
  const started = await startRotation({
    config,
    run,
    secret: { exists: true, name: config.secret.name, arn: secret.arn, currentVersionId: secret.versionId },
  });
  const plan = planRotation({
    strategy: scope.strategy,
    servers: scope.servers,
    directoryIds: scope.directoryIds,
  });
  const phases = toWorkflowPhases(plan.phases, {
    directoryIds: scope.directoryIds,
    settings: scope.settings,
    networkTypes: scope.networkTypes,
    targets: scope.targets,
  });
  logger.info("rotation planned", { strategy: plan.strategy, phases: phases.length, reason: plan.reason });
  return { ...started, strategy: plan.strategy, reason: plan.reason, phases };
});
