import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readStoredPlan } from "../aws/plan-store.js";
import { FullPlan } from "../core/dry-run.js";
import type { Plan } from "../core/plan-schema.js";

/**
 * The whole plan of a dry run's output: inline in the output, or read from the state table where the
 * dry run stored it (a large estate's plan does not fit in a Step Functions state). An output without
 * `fullPlan` comes from a workflow older than that, whose `plan` was the plan itself.
 *
 * @example
 * ```ts
 * const found = await readFullPlan(outcome.output, clients.dynamodb);
 * if ("plan" in found) console.log(renderPlanDiff(found.plan).join("\n"));
 * ```
 */
export async function readFullPlan(
  output: { plan?: unknown; fullPlan?: unknown },
  dynamodb: DynamoDBClient,
): Promise<{ plan: Plan } | { problem: string }> {
  const location = FullPlan.safeParse(output.fullPlan ?? { storage: "inline", plan: output.plan });
  if (!location.success)
    return { problem: `The dry run returned a plan this CLI cannot read: ${location.error.message}` };
  if (location.data.storage === "inline") return { plan: location.data.plan };
  return { plan: await readStoredPlan(location.data, dynamodb) };
}
