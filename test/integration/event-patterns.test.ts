import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CloudTrailSample, EventPattern } from "../fixtures/cloudtrail/samples.js";
import { readCloudTrailSamples, readTriggerPatterns } from "../fixtures/cloudtrail/samples.js";
import { ruleToQueue as queueRule } from "../support/event-rules.js";

// The fixtures' own roles are radius-sync-prod-…, so the pattern is resolved as stage "prod" deploys it.
const deployment = { service: "radius-sync", stage: "prod" } as const;

// Created after the setupFile pointed AWS_ENDPOINT_URL at this file's moto.
const events = new EventBridgeClient({});
const sqs = new SQSClient({});

/** A queue receiving every event `pattern` matches on moto's default bus (test/support/event-rules.ts). */
const ruleToQueue = (name: string, pattern: EventPattern) => queueRule({ events, sqs, name, pattern });

/** Puts each sample as CloudTrail would (source, detail-type, detail) and returns id → sample name. */
async function putSamples(samples: CloudTrailSample[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const { name, event } of samples) {
    const { Entries, FailedEntryCount } = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: event.source, DetailType: event["detail-type"], Detail: JSON.stringify(event.detail) },
        ],
      }),
    );
    expect(FailedEntryCount, name).toBe(0);
    ids.set(Entries?.[0]?.EventId ?? "", name);
  }
  return ids;
}

/** Names of the samples whose events reached the queue. */
async function deliveredSamples(queueUrl: string, ids: Map<string, string>): Promise<string[]> {
  const delivered: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return delivered.sort();
    for (const message of Messages) {
      const { id } = JSON.parse(message.Body ?? "{}") as { id?: string };
      delivered.push(ids.get(id ?? "") ?? `unknown event ${String(id)}`);
    }
  }
}

describe("the directory-change trigger on moto's EventBridge", () => {
  let pattern: EventPattern;
  let samples: Awaited<ReturnType<typeof readCloudTrailSamples>>;
  let queueUrl: string;

  beforeAll(async () => {
    const patterns = await readTriggerPatterns(deployment);
    pattern = patterns.directoryChanges ?? {};
    samples = await readCloudTrailSamples();
  });

  beforeEach(async () => {
    queueUrl = await ruleToQueue("radius-sync-prod-directory-changes", pattern);
  });

  it("uses $or, exists and anything-but with prefix, which moto implements", () => {
    const text = JSON.stringify(pattern);

    // These three carry the pattern's meaning; if one vanished, the samples below would not notice
    // a weaker pattern in every case, so say which ones the run relies on.
    expect(text).toContain('"$or"');
    expect(text).toContain('{"exists":false}');
    expect(text).toContain('{"anything-but":{"prefix":"radius-sync-prod-"}}');
  });

  it("delivers every match/ sample: each kind of caller but radius-sync itself", async () => {
    // Prepare
    const ids = await putSamples(samples.match);

    // Act
    const delivered = await deliveredSamples(queueUrl, ids);

    // Assess
    expect(samples.match.length).toBeGreaterThanOrEqual(14);
    expect(delivered).toEqual(samples.match.map((sample) => sample.name).sort());
  });

  it("delivers no no-match/ sample: failed calls, other calls, radius-sync's own calls", async () => {
    const ids = await putSamples(samples.noMatch);

    const delivered = await deliveredSamples(queueUrl, ids);

    expect(samples.noMatch.length).toBeGreaterThanOrEqual(10);
    expect(delivered).toEqual([]);
  });

  it("tells the samples apart in one mixed burst", async () => {
    // One burst, as CloudTrail sends them: the queue holds exactly the matching ones.
    const mixed = [...samples.noMatch, ...samples.match].sort((a, b) => a.name.localeCompare(b.name));
    const ids = await putSamples(mixed);

    const delivered = await deliveredSamples(queueUrl, ids);

    expect(delivered).toEqual(samples.match.map((sample) => sample.name).sort());
  });

  it("would start a loop for radius-sync's own call if the issuer condition were dropped", async () => {
    // Guards the test itself: without the anything-but condition the own-role sample does match,
    // so its absence above is the condition's doing, not a sample the rule could never see.
    const { userIdentity: _issuerCondition, ...detail } = pattern.detail as Record<string, unknown>;
    const loose = await ruleToQueue("radius-sync-prod-loose", { ...pattern, detail });
    const own = samples.noMatch.filter((sample) => sample.name.includes("by-radius-sync"));
    const ids = await putSamples(own);

    const delivered = await deliveredSamples(loose, ids);

    expect(own.length).toBe(2);
    expect(delivered).toEqual(own.map((sample) => sample.name).sort());
  });
});
