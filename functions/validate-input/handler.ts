import * as z from "zod";
import { InvalidInput } from "../../shared/errors.js";
import { describeIssues, stepHandler } from "../../shared/middleware/index.js";
import { logger } from "../../shared/observability.js";
import { ExecutionInput, type LockState, type Run } from "../../shared/run.js";

const Event = z.object({ input: z.unknown(), executionId: z.string().min(1), startedAt: z.string().min(1) });

/**
 * First state: validates the execution input, naming every bad field, and returns `{ run, lock }`.
 */
export const handler = stepHandler(
  Event,
  async (event: z.infer<typeof Event>): Promise<{ run: Run; lock: LockState }> => {
    const parsed = ExecutionInput.safeParse(event.input ?? {});
    if (!parsed.success) throw new InvalidInput(`invalid execution input: ${describeIssues(parsed.error)}`);
    const run: Run = { ...parsed.data, executionId: event.executionId, startedAt: event.startedAt };
    logger.appendKeys({ executionId: run.executionId });
    logger.info("execution input accepted", { mode: run.mode, dryRun: run.dryRun });
    // The first pass plans without the lock; AcquireLock counts its attempts from here.
    return { run, lock: { status: "none", attempt: 0 } };
  },
);
