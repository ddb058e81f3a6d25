import { MetricUnit } from "@aws-lambda-powertools/metrics";
import * as z from "zod";
import { writeLastRotation } from "../../shared/aws/state-table.js";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { metrics } from "../../shared/observability.js";
import { Work } from "../../shared/steps/plan-step.js";
import { concludeRollback } from "../../shared/steps/rollback.js";

const Input = z.object({
  scope: Work.shape.rotation.unwrap(),
  rotation: z.object({ arn: z.string(), currentVersionId: z.string(), pendingVersionId: z.string() }),
  error: z.object({ Error: z.string(), Cause: z.unknown() }),
  restoredVersionId: z.string(),
  executionId: z.string(),
});

/** After the rollback: removes AWSPENDING and states the original error plus the rollback's outcome. */
export const handler = stepHandler(
  Input,
  async ({ executionId, ...input }: z.infer<typeof Input>) => {
    metrics.addMetric("RotationRolledBack", MetricUnit.Count, 1);
    const failure = await concludeRollback(input);
    await writeLastRotation({
      tableName: getConfig().stateTable,
      record: {
        executionId,
        status: "ROLLED_BACK",
        at: new Date().toISOString(),
        currentVersionId: input.restoredVersionId,
        error: failure.Error,
      },
    });
    return failure;
  },
  { metrics: true },
);
