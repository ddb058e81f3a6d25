import { MetricUnit } from "@aws-lambda-powertools/metrics";
import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { Discovery } from "../../shared/core/model.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger, metrics } from "../../shared/observability.js";
import { LockState, Run } from "../../shared/run.js";
import { planRun } from "../../shared/steps/plan-step.js";

const Input = z.object({ run: Run, lock: LockState, discovery: Discovery });

/** Pure planning: desired vs discovered → the plan (dry run) or the work to apply; the lock state passes through. */
export const handler = stepHandler(
  Input,
  async ({ run, lock, discovery }: z.infer<typeof Input>) => {
    const result = planRun({ config: getConfig(), run, discovery });
    const summary = "plan" in result ? result.plan.summary : result.work.summary;
    logger.info("plan made", { dryRun: run.dryRun, summary });
    // Drift is counted once per execution: on the first, lock-free pass.
    if (lock.status === "none") {
      const changeCount = "plan" in result ? result.plan.changeCount : result.work.changeCount;
      metrics.addMetric("DriftFound", MetricUnit.Count, changeCount);
    }
    return { ...result, lock };
  },
  { metrics: true },
);
