import { MetricUnit } from "@aws-lambda-powertools/metrics";
import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger, metrics } from "../../shared/observability.js";
import { LockState, Run } from "../../shared/run.js";
import { discoverEstate } from "../../shared/steps/discover-estate.js";
import { reportDryRun } from "../../shared/steps/dry-run.js";
import { planRun } from "../../shared/steps/plan-step.js";

const Input = z.object({ run: Run, lock: LockState });

/**
 * Reads the estate (read-only: directories, NPS servers, rules, the secret's metadata, our records)
 * and plans against it (pure). Only the plan leaves the function — for a dry run a bounded preview and
 * the whole plan inline or stored, else the small work the apply states need — so discovery's lists
 * never travel through the state machine.
 * Returns the whole next state (`run`, `lock`, and the plan or work), so a first pass's plan is dropped.
 */
export const handler = stepHandler(
  Input,
  async ({ run, lock }: z.infer<typeof Input>) => {
    const config = getConfig();
    const discovery = await discoverEstate({ config, requestedDirectoryIds: run.directoryIds });
    const result = planRun({ config, run, discovery });
    logger.info("estate discovered and planned", {
      directories: discovery.directories.length,
      npsServers: discovery.npsServers.length,
      secretExists: discovery.secret.exists,
      dryRun: run.dryRun,
      // A dry run logs its whole summary itself, in parts.
      ...("work" in result ? { summary: result.work.summary } : {}),
    });
    // Drift is counted once per execution: on the first, lock-free pass.
    if (lock.status === "none") {
      const changeCount = "plan" in result ? result.plan.changeCount : result.work.changeCount;
      metrics.addMetric("DriftFound", MetricUnit.Count, changeCount);
      // A hub's member targets it could not read (role not assumable, a call denied): a run that
      // changes nothing else stays quiet, so this count is what the TargetsUnreachable alarm watches.
      if (discovery.targets !== undefined) {
        const unreachable = discovery.targets.filter((target) => target.status === "unreachable").length;
        metrics.addMetric("TargetsUnreachable", MetricUnit.Count, unreachable);
      }
    }
    // A dry run's state carries a bounded preview and where the whole plan is (inline or stored).
    if ("plan" in result) return { ...(await reportDryRun({ config, ...result })), lock };
    return { ...result, lock };
  },
  { metrics: true },
);
