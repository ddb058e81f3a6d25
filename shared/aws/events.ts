import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { ResultEventDetail } from "../core/execution-result.js";
import { asWorkflowError } from "./aws-errors.js";
import * as clients from "./clients/event-bridge.js";

export type { ResultEventDetail };

/** Longest summary a result event carries; EventBridge entries are limited to 256 KB. */
const maxSummaryLines = 50;

/**
 * Puts one `radius-sync result` event on the account's default bus.
 *
 * @example
 * ```ts
 * await publishResultEvent({ executionId, status: "SUCCEEDED", changed: true, changeCount: 3, summary });
 * ```
 */
export async function publishResultEvent(
  detail: ResultEventDetail,
  client = clients.eventBridge,
): Promise<void> {
  const trimmed = { ...detail, summary: detail.summary.slice(0, maxSummaryLines) };
  try {
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: "radius-sync", DetailType: "radius-sync result", Detail: JSON.stringify(trimmed) },
        ],
      }),
    );
    if ((response.FailedEntryCount ?? 0) > 0) {
      throw new Error(
        `PutEvents rejected the result event: ${response.Entries?.[0]?.ErrorCode ?? "unknown error"}`,
      );
    }
  } catch (error) {
    throw asWorkflowError(error, "PutEvents");
  }
}
