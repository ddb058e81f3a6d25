import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { BatchGetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { StoredPlanLocation } from "../core/dry-run.js";
import { Plan } from "../core/plan-schema.js";
import { asWorkflowError } from "./aws-errors.js";
import * as clients from "./clients/dynamodb.js";
import { retryThrottled } from "./throttling.js";

/**
 * A dry run's whole plan, stored in the state table when it is too large for the state (shared/core/
 * dry-run.ts): its JSON, gzipped, in parts of {@link planPartBytes}, each an item `plan#<execution>#<n>`
 * that the table's TTL (`expiresAt`) deletes after {@link storedPlanDays} days. A DynamoDB item holds
 * at most 400 KB, attribute names included (Amazon DynamoDB Developer Guide, "Service, account, and
 * table quotas"); the plan of 1,000 directories × 8 servers is megabytes of JSON.
 */

/** Bytes of compressed plan per item: far below 400 KB, and below moto's stricter count of binary as base64. */
export const planPartBytes = 256 * 1024;

/** Days a stored plan is kept. */
export const storedPlanDays = 7;

/** BatchGetItem reads at most 100 keys per call (Amazon DynamoDB API Reference). */
const keysPerCall = 100;

const partKey = (key: string, part: number) => `${key}#${part}`;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Stores a dry run's plan in parts and says where it is. Each part's PutItem is retried when AWS
 * throttles it; writing the same parts again (a retried step) overwrites them with the same bytes.
 *
 * @example
 * ```ts
 * const location = await storePlan({ tableName, executionId: run.executionId, plan, now: run.startedAt });
 * location.parts; // 1 for a plan of a few MB
 * ```
 */
export async function storePlan(
  options: { tableName: string; executionId: string; plan: Plan; now: string },
  client = clients.dynamodb,
): Promise<StoredPlanLocation> {
  const json = Buffer.from(JSON.stringify(options.plan), "utf8");
  const compressed = gzipSync(json);
  const key = `plan#${options.executionId}`;
  const parts = Math.max(1, Math.ceil(compressed.length / planPartBytes));
  const expiresAt = new Date(Date.parse(options.now) + storedPlanDays * 86_400_000);
  for (let part = 1; part <= parts; part += 1) {
    const data = compressed.subarray((part - 1) * planPartBytes, part * planPartBytes);
    await retryThrottled(async () => {
      try {
        await client.send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: {
              pk: { S: partKey(key, part) },
              data: { B: data },
              part: { N: String(part) },
              parts: { N: String(parts) },
              expiresAt: { N: String(Math.floor(expiresAt.getTime() / 1000)) },
            },
          }),
        );
      } catch (error) {
        throw asWorkflowError(error, "PutItem");
      }
    });
  }
  return {
    storage: "state-table",
    tableName: options.tableName,
    key,
    parts,
    bytes: json.length,
    sha256: sha256(json),
    expiresAt: expiresAt.toISOString(),
  };
}

/** A stored plan that is gone (expired), incomplete or not the one the location names. */
export class StoredPlanUnreadable extends Error {
  override name = "StoredPlanUnreadable";
}

/**
 * Reads a stored plan back, checks its size and SHA-256 against the location, and parses it.
 *
 * @throws {StoredPlanUnreadable} when a part is missing (deleted by the TTL) or the plan does not match.
 *
 * @example
 * ```ts
 * const plan = await readStoredPlan(location, cliClients.dynamodb);
 * ```
 */
export async function readStoredPlan(location: StoredPlanLocation, client = clients.dynamodb): Promise<Plan> {
  const data = new Map<string, Uint8Array>();
  const keys = Array.from({ length: location.parts }, (_, index) => partKey(location.key, index + 1));
  for (let start = 0; start < keys.length; start += keysPerCall) {
    let pending = keys.slice(start, start + keysPerCall).map((pk) => ({ pk: { S: pk } }));
    // Unprocessed keys are asked for again; the CLI has no Lambda timeout to mind.
    for (let attempt = 0; pending.length > 0 && attempt < 10; attempt += 1) {
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const response = await client.send(
        new BatchGetItemCommand({
          RequestItems: { [location.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      for (const item of response.Responses?.[location.tableName] ?? []) {
        if (item.pk?.S && item.data?.B) data.set(item.pk.S, item.data.B);
      }
      pending = (response.UnprocessedKeys?.[location.tableName]?.Keys ?? []) as typeof pending;
    }
  }
  const missing = keys.filter((pk) => !data.has(pk));
  if (missing.length > 0) {
    throw new StoredPlanUnreadable(
      `the stored plan ${location.key} in ${location.tableName} lacks ${missing.length} of ${location.parts} parts ` +
        `(stored plans are deleted after ${storedPlanDays} days, at ${location.expiresAt}): run the dry run again`,
    );
  }
  const json = gunzipSync(Buffer.concat(keys.map((pk) => data.get(pk) as Uint8Array)));
  if (json.length !== location.bytes || sha256(json) !== location.sha256) {
    throw new StoredPlanUnreadable(
      `the stored plan ${location.key} does not match its dry run's output (${json.length} bytes read, ` +
        `${location.bytes} expected): run the dry run again`,
    );
  }
  return Plan.parse(JSON.parse(json.toString("utf8")));
}
