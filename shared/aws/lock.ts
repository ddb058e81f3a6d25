import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { LockOutcome } from "../core/lock-decision.js";
import { asWorkflowError } from "./aws-errors.js";
import * as clients from "./clients/dynamodb.js";

/**
 * The mutation lock and its one-place queue, as two items of the state table:
 * `lock#mutation` (the execution that may change things) and `lock#queue` (the one execution that
 * waits for it). Both carry an owner and an expiry, so a lock left by a crashed execution is taken
 * over once it expires.
 */
const lockKey = "lock#mutation";
const queueKey = "lock#queue";

/** What happened to one attempt to take a lock item. */
export type ClaimOutcome = "claimed" | "held";

async function claim(
  options: { tableName: string; key: string; owner: string; nowSeconds: number; ttlSeconds: number },
  client: typeof clients.dynamodb,
): Promise<ClaimOutcome> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: options.tableName,
        Item: {
          pk: { S: options.key },
          owner: { S: options.owner },
          expiresAt: { N: String(options.nowSeconds + options.ttlSeconds) },
        },
        ConditionExpression: "attribute_not_exists(pk) OR #owner = :owner OR expiresAt < :now",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: {
          ":owner": { S: options.owner },
          ":now": { N: String(options.nowSeconds) },
        },
      }),
    );
    return "claimed";
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return "held";
    throw asWorkflowError(error, "PutItem");
  }
}

async function release(
  options: { tableName: string; key: string; owner: string },
  client: typeof clients.dynamodb,
): Promise<boolean> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: options.tableName,
        Key: { pk: { S: options.key } },
        ConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":owner": { S: options.owner } },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw asWorkflowError(error, "DeleteItem");
  }
}

/** What {@link acquireMutationLock} decided for an execution (shared/core/lock-decision.ts judges it). */
export type { LockOutcome };

/**
 * Takes the mutation lock, or else the single queue place, or else tells the caller that a queued
 * execution will pick up its changes (it coalesces). Re-entrant for the same owner.
 *
 * @example
 * ```ts
 * const outcome = await acquireMutationLock({ tableName, owner: executionId, nowSeconds, ttlSeconds: 7500 });
 * ```
 */
export async function acquireMutationLock(
  options: { tableName: string; owner: string; nowSeconds: number; ttlSeconds: number },
  client = clients.dynamodb,
): Promise<LockOutcome> {
  if ((await claim({ ...options, key: lockKey }, client)) === "claimed") {
    await release({ tableName: options.tableName, key: queueKey, owner: options.owner }, client);
    return "acquired";
  }
  if ((await claim({ ...options, key: queueKey }, client)) === "claimed") return "queued";
  return "coalesced";
}

/**
 * Releases the lock (and a queue place) if this owner holds them; releasing twice is harmless.
 *
 * @example
 * ```ts
 * await releaseMutationLock({ tableName, owner: executionId });
 * ```
 */
export async function releaseMutationLock(
  options: { tableName: string; owner: string },
  client = clients.dynamodb,
): Promise<{ released: boolean }> {
  const released = await release({ ...options, key: lockKey }, client);
  await release({ ...options, key: queueKey }, client);
  return { released };
}
