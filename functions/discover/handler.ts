import * as z from "zod";
import { getConfig } from "../../shared/config.js";
import type { Discovery } from "../../shared/core/model.js";
import { stepHandler } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { LockState, Run } from "../../shared/run.js";
import { discoverEstate } from "../../shared/steps/discover-estate.js";

const Input = z.object({ run: Run, lock: LockState });

/**
 * Reads directories, NPS servers, rules, the secret's metadata and our records. Read-only. Returns
 * the whole next state (`run`, `lock`, `discovery`), so a first pass's plan is dropped, not carried.
 */
export const handler = stepHandler(
  Input,
  async ({
    run,
    lock,
  }: z.infer<typeof Input>): Promise<{ run: Run; lock: LockState; discovery: Discovery }> => {
    const discovery = await discoverEstate({ config: getConfig(), requestedDirectoryIds: run.directoryIds });
    logger.info("estate discovered", {
      directories: discovery.directories.length,
      npsServers: discovery.npsServers.length,
      secretExists: discovery.secret.exists,
    });
    return { run, lock, discovery };
  },
);
