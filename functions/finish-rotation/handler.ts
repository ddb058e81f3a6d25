import { MetricUnit } from "@aws-lambda-powertools/metrics";
import * as z from "zod";
import { writeLastRotation } from "../../shared/aws/state-table.js";
import { getConfig } from "../../shared/config.js";
import { mismatchWindow } from "../../shared/core/rotation.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger, metrics } from "../../shared/observability.js";
import { Run } from "../../shared/run.js";
import { finishRotation } from "../../shared/steps/rotation.js";

const Input = z.object({
  run: Run,
  rotation: z.object({
    arn: z.string(),
    currentVersionId: z.string(),
    pendingVersionId: z.string(),
    strategy: z.string(),
  }),
  /** Nested `[previous, checks, mismatch]` triples, as the PhaseDone state builds them. */
  phaseResults: z.array(z.unknown()),
  pollSeconds: z.number().int(),
});

/** Unwinds the PhaseDone state's nested triples into one result per phase, in order. */
function unwindPhaseResults(nested: unknown[]): Array<{ mismatch: boolean; checks: number }> {
  const results: Array<{ mismatch: boolean; checks: number }> = [];
  let node: unknown = nested;
  while (Array.isArray(node) && node.length === 3) {
    const [previous, checks, mismatch] = node as [unknown, unknown, unknown];
    results.unshift({ mismatch: mismatch === true, checks: typeof checks === "number" ? checks : 0 });
    node = previous;
  }
  return results;
}

/** Every side verified on the new version: AWSCURRENT moves to it (AWSPREVIOUS keeps the old one). */
export const handler = stepHandler(
  Input,
  async ({ run, rotation, phaseResults: nested, pollSeconds }: z.infer<typeof Input>) => {
    const versions = await finishRotation(rotation);
    await writeLastRotation({
      tableName: getConfig().stateTable,
      record: {
        executionId: run.executionId,
        status: "SUCCEEDED",
        at: new Date().toISOString(),
        currentVersionId: versions.currentVersionId,
      },
    });
    const phaseResults = unwindPhaseResults(nested);
    const window = mismatchWindow({
      phases: phaseResults,
      phaseAttempts: phaseResults.map((phase) => phase.checks),
      pollSeconds,
    });
    metrics.addMetric("RotationSucceeded", MetricUnit.Count, 1);
    metrics.addMetric("RotationMismatchSeconds", MetricUnit.Seconds, window.seconds);
    logger.info("rotation committed", { ...versions, strategy: rotation.strategy, mismatchWindow: window });
    return { ...versions, strategy: rotation.strategy, mismatchWindow: window };
  },
  { metrics: true },
);
