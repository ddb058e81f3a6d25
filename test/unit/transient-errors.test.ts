import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { asWorkflowError, isTransientAwsError, transientErrorSources } from "../../shared/aws/aws-errors.js";
import { readAppliedRecords, type UnprocessedKeysRetry } from "../../shared/aws/state-table.js";
import { fullJitterDelayMs } from "../../shared/core/backoff.js";
import { AwsThrottled } from "../../shared/errors.js";

function awsError(name: string): Error {
  return Object.assign(new Error(`${name} from the service`), { name });
}

describe("transient AWS errors", () => {
  // What each service radius-sync calls documents as its own server-side or throttling error.
  const documented = {
    "Directory Service": ["ServiceException"],
    WorkSpaces: ["InternalServerException"],
    "Secrets Manager": ["InternalServiceError"],
    EventBridge: ["InternalException"],
    "SSM and DynamoDB": ["InternalServerError", "ThrottlingException"],
    DynamoDB: [
      "ProvisionedThroughputExceededException",
      "RequestLimitExceeded",
      "ReplicatedWriteConflictException",
    ],
    EC2: ["RequestLimitExceeded", "InternalError", "Unavailable", "EC2ThrottledException"],
    "every JSON service (Common Errors)": ["InternalFailure", "ServiceUnavailable", "ThrottlingException"],
  };

  it.each(Object.entries(documented))("covers what %s documents", (_service, names) => {
    expect(names.filter((name) => !isTransientAwsError(awsError(name)))).toEqual([]);
  });

  it.each(Object.keys(transientErrorSources))("turns %s into AwsThrottled, keeping the cause", (name) => {
    const original = awsError(name);

    const mapped = asWorkflowError(original, "DescribeDirectories");

    expect(mapped).toBeInstanceOf(AwsThrottled);
    expect((mapped as AwsThrottled).name).toBe("AwsThrottled");
    expect((mapped as AwsThrottled).message).toContain(
      `DescribeDirectories was throttled or failed transiently (${name})`,
    );
    expect((mapped as AwsThrottled).cause).toBe(original);
  });

  it.each([
    "InvalidParameterException",
    "EntityAlreadyExistsException",
    "EntityDoesNotExistException",
    "ClientException",
    "DirectoryUnavailableException",
    "ResourceUnavailableException",
    "LimitExceededException",
    "InvalidInstanceId",
    "ConditionalCheckFailedException",
    "AccessDeniedException",
  ])("leaves %s alone: retrying cannot change its answer", (name) => {
    const original = awsError(name);
    expect(asWorkflowError(original, "EnableRadius")).toBe(original);
  });

  it("names a source for every transient error it knows", () => {
    for (const [name, source] of Object.entries(transientErrorSources)) expect(source, name).not.toBe("");
  });
});

describe("fullJitterDelayMs", () => {
  const policy = { baseMs: 50, capMs: 1000, maxRetries: 6 };

  it("waits anywhere below base·2^retry, growing until the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((retry) => fullJitterDelayMs(policy, retry, 0.999999))).toEqual([
      49, 99, 199, 399, 799, 999, 999,
    ]);
    expect(fullJitterDelayMs(policy, 3, 0)).toBe(0);
    expect(fullJitterDelayMs(policy, 3, 0.5)).toBe(200);
  });
});

/** A DynamoDB client that holds back `withheld[n]` keys on its n-th BatchGetItem, then answers them all. */
function scriptedDynamoDb(table: string, withheld: number[]) {
  const calls: number[] = [];
  const client = {
    async send(command: { input: { RequestItems: Record<string, { Keys: Array<{ pk: { S: string } }> }> } }) {
      const keys = command.input.RequestItems[table]?.Keys ?? [];
      calls.push(keys.length);
      const hold = Math.min(withheld[calls.length - 1] ?? 0, keys.length);
      const answered = keys.slice(hold).map((key) => ({
        pk: key.pk,
        data: {
          S: JSON.stringify({
            secretVersionId: "v1",
            settingsFingerprint: "f",
            appliedAt: "2026-01-01T00:00:00Z",
          }),
        },
      }));
      return {
        Responses: { [table]: answered },
        UnprocessedKeys: hold > 0 ? { [table]: { Keys: keys.slice(0, hold) } } : {},
      };
    },
  };
  return { client: client as unknown as DynamoDBClient, calls };
}

function recordingRetry(): UnprocessedKeysRetry & { waits: number[] } {
  const waits: number[] = [];
  return {
    baseMs: 50,
    capMs: 1000,
    maxRetries: 6,
    random: () => 0.5,
    waits,
    sleep: async (milliseconds) => void waits.push(milliseconds),
  };
}

describe("readAppliedRecords with UnprocessedKeys", () => {
  const table = "radius-sync-state";
  const directoryIds = ["d-0000000001", "d-0000000002", "d-0000000003"];

  it("asks again for the keys DynamoDB left unprocessed, backing off exponentially with jitter", async () => {
    // Prepare: 4 keys (3 directories + the last-rotation record); 3, then 2, then 0 are held back.
    const { client, calls } = scriptedDynamoDb(table, [3, 2, 0]);
    const retry = recordingRetry();

    // Act
    const records = await readAppliedRecords(
      { tableName: table, directoryIds, instanceIds: [] },
      client,
      retry,
    );

    // Assess: every directory's record arrived, after two waits of half of 50·2^0 and 50·2^1 ms.
    expect([...records.directories.keys()].sort()).toEqual(directoryIds);
    expect(calls).toEqual([4, 3, 2]);
    expect(retry.waits).toEqual([25, 50]);
  });

  it("gives up with AwsThrottled after its bounded retries, so the state machine retries the step", async () => {
    const { client, calls } = scriptedDynamoDb(table, Array(20).fill(1));
    const retry = recordingRetry();

    const act = readAppliedRecords({ tableName: table, directoryIds, instanceIds: [] }, client, retry);

    await expect(act).rejects.toThrow(AwsThrottled);
    await expect(act).rejects.toThrow(
      /BatchGetItem left 1 keys of radius-sync-state unprocessed after 7 attempts/,
    );
    expect(calls).toHaveLength(7);
    expect(retry.waits).toEqual([25, 50, 100, 200, 400, 500]);
  });
});
