import { getConfig } from "../../shared/config.js";
import type { Discovery } from "../../shared/core/model.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { WithRun } from "../../shared/run.js";
import { discoverEstate } from "../../shared/steps/discover-estate.js";

/** Reads directories, NPS servers, rules, the secret's metadata and our records. Read-only. */
export const handler = stepHandler(WithRun, async ({ run }: WithRun): Promise<Discovery> => {
  const discovery = await discoverEstate({ config: getConfig(), requestedDirectoryIds: run.directoryIds });
  logger.info("estate discovered", {
    directories: discovery.directories.length,
    npsServers: discovery.npsServers.length,
    secretExists: discovery.secret.exists,
  });
  return discovery;
});
