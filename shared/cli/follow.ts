import { setTimeout as sleep } from "node:timers/promises";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import type { ProgressView } from "./progress.js";
import { StepTracker } from "./step-tracker.js";

/** How an execution ended, from DescribeExecution once its history says it has. */
export interface ExecutionOutcome {
  executionArn: string;
  status: string;
  /** The execution's output, parsed (SUCCEEDED only). */
  output?: unknown;
  error?: string;
  cause?: string;
  startDate?: Date;
  stopDate?: Date;
}

/**
 * Reads the history events added since the last call. A page without `nextToken` is the end for
 * now; the token that fetched it is kept, so the next poll re-reads only that page and skips
 * the events it has seen by id.
 */
function createHistoryReader(sfn: SFNClient, executionArn: string, pageSize: number) {
  let resumeToken: string | undefined;
  let lastEventId = 0;
  return async function readNewEvents(): Promise<HistoryEvent[]> {
    const fresh: HistoryEvent[] = [];
    let token = resumeToken;
    for (;;) {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: pageSize, nextToken: token }),
      );
      for (const event of page.events ?? []) {
        if ((event.id ?? 0) <= lastEventId) continue;
        lastEventId = event.id ?? lastEventId;
        fresh.push(event);
      }
      if (!page.nextToken) break;
      token = page.nextToken;
    }
    resumeToken = token;
    return fresh;
  };
}

function parseOutput(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Follows an execution to its end: polls GetExecutionHistory (with nextToken), shows each step on
 * `view` as it ends, then describes the execution for its output or its error and cause.
 *
 * @example
 * ```ts
 * const outcome = await followExecution({ sfn, executionArn, view: createProgressView(process.stdout) });
 * if (outcome.status !== "SUCCEEDED") console.error(outcome.error, outcome.cause);
 * ```
 */
export async function followExecution(options: {
  sfn: SFNClient;
  executionArn: string;
  view: ProgressView;
  /** Pause between polls (default 2 s; GetExecutionHistory allows a few calls a second). */
  pollIntervalMs?: number;
  /** Events per GetExecutionHistory page (default 100). */
  historyPageSize?: number;
}): Promise<ExecutionOutcome> {
  const { sfn, executionArn, view } = options;
  const readNewEvents = createHistoryReader(sfn, executionArn, options.historyPageSize ?? 100);
  const tracker = new StepTracker();
  try {
    for (;;) {
      for (const event of await readNewEvents()) {
        for (const step of tracker.apply(event)) view.finished(step);
      }
      if (tracker.end) break;
      view.running(tracker.open);
      await sleep(options.pollIntervalMs ?? 2_000);
    }
  } finally {
    view.close();
  }
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return {
    executionArn,
    status: described.status ?? tracker.end ?? "UNKNOWN",
    output: parseOutput(described.output),
    error: described.error,
    cause: described.cause,
    startDate: described.startDate,
    stopDate: described.stopDate,
  };
}
