import { MetricUnit } from "@aws-lambda-powertools/metrics";
import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger, metrics } from "../../shared/observability.js";
import { LockState, Run } from "../../shared/run.js";
import { discoverEstate } from "../../shared/steps/discover-estate.js";
import { planRun } from "../../shared/steps/plan-step.js";

const Input = z.object({ run: Run, lock: LockState });

/**
 * Reads the estate (read-only: directories, NPS servers, rules, the secret's metadata, our records)
 * and plans against it (pure). Only the plan leaves the function — the whole plan for a dry run, else
 * the small work the apply states need — so discovery's lists never travel through the state machine.
 * Returns the whole next state (`run`, `lock`, and the plan or work), so a first pass's plan is dropped.
 */
export const handler = stepHandler(
  Input,
  async ({ run, lock }: z.infer<typeof Input>) => {
    const config = getConfig();
    const discovery = await discoverEstate({ config, requestedDirectoryIds: run.directoryIds });
    const result = planRun({ config, run, discovery });
    const summary = "plan" in result ? result.plan.summary : result.work.summary;
    logger.info("estate discovered and planned", {
      directories: discovery.directories.length,
      npsServers: discovery.npsServers.length,
      secretExists: discovery.secret.exists,
      dryRun: run.dryRun,
      summary,
    });
    // Drift is counted once per execution: on the first, lock-free pass.
    if (lock.status === "none") {
      const changeCount = "plan" in result ? result.plan.changeCount : result.work.changeCount;
      metrics.addMetric("DriftFound", MetricUnit.Count, changeCount);
    }
    return { ...result, lock };
  },
  { metrics: true },
);
