import * as z from "zod";
import { writeLastRotation } from "../../shared/aws/state-table.js";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { Work } from "../../shared/steps/plan-step.js";
import { describeRollbackFailure } from "../../shared/steps/rollback.js";

const Failure = z.object({ Error: z.string(), Cause: z.unknown() });
const Input = z.object({
  scope: Work.shape.rotation.unwrap(),
  rotation: z
    .object({ arn: z.string(), currentVersionId: z.string(), pendingVersionId: z.string() })
    .optional(),
  error: Failure,
  rollbackError: Failure,
  executionId: z.string(),
});

/** The rollback failed too: reads where each side stands and says so exactly (error RollbackFailed). */
export const handler = stepHandler(Input, async ({ executionId, ...input }: z.infer<typeof Input>) => {
  const config = getConfig();
  const failure = await describeRollbackFailure({ config, ...input });
  await writeLastRotation({
    tableName: config.stateTable,
    record: {
      executionId,
      status: "ROLLBACK_FAILED",
      at: new Date().toISOString(),
      error: input.error.Error,
    },
  });
  return failure;
});
