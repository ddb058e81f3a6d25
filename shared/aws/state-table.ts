import { setTimeout as sleep } from "node:timers/promises";
import { BatchGetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type * as z from "zod";
import { type BackoffPolicy, fullJitterDelayMs } from "../core/backoff.js";
import {
  AppliedDirectoryRecord,
  AppliedNpsRecord,
  LastRotationRecord,
  type UnreadableRecord,
} from "../core/model.js";
import { AwsThrottled } from "../errors.js";
import { logger } from "../observability.js";
import { asWorkflowError } from "./aws-errors.js";
import * as clients from "./clients/dynamodb.js";

/**
 * The state table remembers what radius-sync last applied to each directory and NPS server
 * (fingerprints and secret version ids, never the secret), so that a no-op reconcile makes no
 * mutating call: NPS configuration cannot be read back through any AWS API.
 */

const directoryKey = (directoryId: string) => `directory#${directoryId}`;
const npsKey = (instanceId: string) => `nps#${instanceId}`;
const lastRotationKey = "rotation#last";

/** BatchGetItem accepts at most 100 keys per call. */
const keysPerCall = 100;

/**
 * How BatchGetItem's `UnprocessedKeys` are asked for again. DynamoDB returns them when a call
 * exceeds throughput or the 16 MB response limit and "strongly recommend[s]" retrying them with
 * exponential backoff (BatchGetItem, Amazon DynamoDB API Reference). The wait is bounded (at most
 * about 2.6 s in all, well inside the Lambda timeout); past it the step fails with AwsThrottled and
 * the state machine's own Retry, with its longer backoff, takes over.
 */
export interface UnprocessedKeysRetry extends BackoffPolicy {
  sleep: (milliseconds: number) => Promise<unknown>;
  random: () => number;
}

const defaultUnprocessedKeysRetry: UnprocessedKeysRetry = {
  baseMs: 50,
  capMs: 1000,
  maxRetries: 6,
  sleep,
  random: Math.random,
};

/** An item's `data` as stored: parsed JSON, or a marker for text that is no JSON. */
type StoredData = { json: unknown } | { notJson: true };

/**
 * One record through its schema. A record that is there but fails is read as absent (the next run
 * applies again, which is safe) and reported: a warning with its key and the fields that failed, and
 * an entry in `unreadable` that the plan turns into a note.
 */
function parseRecord<Schema extends z.ZodType>(
  schema: Schema,
  key: string,
  stored: StoredData | undefined,
  unreadable: UnreadableRecord[],
): z.infer<Schema> | undefined {
  if (stored === undefined) return undefined;
  const parsed = "json" in stored ? schema.safeParse(stored.json) : undefined;
  if (parsed?.success) return parsed.data;
  const fields = parsed
    ? [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(the record itself)"))]
    : ["data (not JSON)"];
  unreadable.push({ key, fields });
  logger.warn("state-table record fails its schema: read as absent", { key, fields });
  return undefined;
}

function readData(text: string): StoredData {
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { notJson: true };
  }
}

/**
 * Reads the applied records of the given directories and NPS servers. A record that fails its schema
 * is read as absent and listed in `unreadable` (logged with its key and fields).
 *
 * @example
 * ```ts
 * const { directories, npsServers } = await readAppliedRecords({ tableName, directoryIds, instanceIds });
 * directories.get("d-0123456789")?.secretVersionId;
 * ```
 */
export async function readAppliedRecords(
  options: { tableName: string; directoryIds: string[]; instanceIds: string[] },
  client = clients.dynamodb,
  retry: UnprocessedKeysRetry = defaultUnprocessedKeysRetry,
): Promise<{
  directories: Map<string, AppliedDirectoryRecord>;
  npsServers: Map<string, AppliedNpsRecord>;
  lastRotation?: LastRotationRecord;
  unreadable: UnreadableRecord[];
}> {
  const keys = [
    ...options.directoryIds.map(directoryKey),
    ...options.instanceIds.map(npsKey),
    lastRotationKey,
  ];
  const items = new Map<string, StoredData>();
  for (let start = 0; start < keys.length; start += keysPerCall) {
    let pending: Array<{ pk: { S: string } }> = keys
      .slice(start, start + keysPerCall)
      .map((pk) => ({ pk: { S: pk } }));
    try {
      for (let retries = 0; pending.length > 0; retries += 1) {
        if (retries > retry.maxRetries) {
          throw new AwsThrottled(
            `BatchGetItem left ${pending.length} keys of ${options.tableName} unprocessed after ` +
              `${retries} attempts with backoff; retrying the step is safe`,
          );
        }
        if (retries > 0) await retry.sleep(fullJitterDelayMs(retry, retries - 1, retry.random()));
        const response = await client.send(
          new BatchGetItemCommand({
            RequestItems: { [options.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of response.Responses?.[options.tableName] ?? []) {
          const pk = item.pk?.S;
          const data = item.data?.S;
          if (pk && data !== undefined) items.set(pk, readData(data));
        }
        pending = (response.UnprocessedKeys?.[options.tableName]?.Keys ?? []) as Array<{ pk: { S: string } }>;
      }
    } catch (error) {
      throw asWorkflowError(error, "BatchGetItem");
    }
  }
  const unreadable: UnreadableRecord[] = [];
  const directories = new Map<string, AppliedDirectoryRecord>();
  for (const directoryId of options.directoryIds) {
    const key = directoryKey(directoryId);
    const record = parseRecord(AppliedDirectoryRecord, key, items.get(key), unreadable);
    if (record) directories.set(directoryId, record);
  }
  const npsServers = new Map<string, AppliedNpsRecord>();
  for (const instanceId of options.instanceIds) {
    const key = npsKey(instanceId);
    const record = parseRecord(AppliedNpsRecord, key, items.get(key), unreadable);
    if (record) npsServers.set(instanceId, record);
  }
  const lastRotation = parseRecord(
    LastRotationRecord,
    lastRotationKey,
    items.get(lastRotationKey),
    unreadable,
  );
  return { directories, npsServers, ...(lastRotation ? { lastRotation } : {}), unreadable };
}

/**
 * Records how a rotation ended, for the plan's and the CLI's "last rotation".
 *
 * @example
 * ```ts
 * await writeLastRotation({ tableName, record: { executionId, status: "SUCCEEDED", at, currentVersionId } });
 * ```
 */
export async function writeLastRotation(
  options: { tableName: string; record: LastRotationRecord },
  client = clients.dynamodb,
): Promise<void> {
  await putRecord(options.tableName, lastRotationKey, LastRotationRecord.parse(options.record), client);
}

/**
 * Records what was applied to a directory once its RadiusStatus is Completed.
 *
 * @example
 * ```ts
 * await writeDirectoryRecord({ tableName, directoryId, record: { secretVersionId, settingsFingerprint, appliedAt } });
 * ```
 */
export async function writeDirectoryRecord(
  options: { tableName: string; directoryId: string; record: AppliedDirectoryRecord },
  client = clients.dynamodb,
): Promise<void> {
  await putRecord(
    options.tableName,
    directoryKey(options.directoryId),
    AppliedDirectoryRecord.parse(options.record),
    client,
  );
}

/**
 * Records what was applied to an NPS server once its command succeeded.
 *
 * @example
 * ```ts
 * await writeNpsRecord({ tableName, instanceId, record: { fingerprint, secretVersionId, clients, appliedAt } });
 * ```
 */
export async function writeNpsRecord(
  options: { tableName: string; instanceId: string; record: AppliedNpsRecord },
  client = clients.dynamodb,
): Promise<void> {
  await putRecord(
    options.tableName,
    npsKey(options.instanceId),
    AppliedNpsRecord.parse(options.record),
    client,
  );
}

/**
 * Writes one record of the state table: `data` holds the record as JSON.
 *
 * @example
 * ```ts
 * await putRecord(tableName, "health#last", { until: "2026-12-07T05:00:00Z" });
 * ```
 */
export async function putRecord(
  tableName: string,
  pk: string,
  record: object,
  client: typeof clients.dynamodb = clients.dynamodb,
) {
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: pk }, data: { S: JSON.stringify(record) } },
      }),
    );
  } catch (error) {
    throw asWorkflowError(error, "PutItem");
  }
}
