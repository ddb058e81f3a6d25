/**
 * Nothing the rules carry is lost silently: every EventBridge target in the packaged template (the
 * trigger rules, the schedules, the failure notification; Scheduler schedules too, should one be
 * added) keeps what it could not deliver in an encrypted dead-letter queue that only those rules may
 * write to, and each rule has an alarm on its failed invocations that reaches the notification topic.
 * A target without a dead-letter queue is retried for up to 24 hours and then dropped
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-event-delivery.html).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CfnTemplate } from "../support/package-template.js";
import { packageService, packageStage, resourceById, resourcesOfType } from "../support/package-template.js";
import { targetsOf } from "./variant.js";

const prefix = `radius-sync-${packageStage}-`;
const topic = { Ref: "NotificationTopic" };

interface PolicyStatement {
  Effect: string;
  Principal?: { Service?: string | string[] };
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** One target of a rule or a Scheduler schedule, with what it delivers to and where failures go. */
interface Delivery {
  source: string;
  target: { Arn?: unknown; DeadLetterConfig?: { Arn?: unknown } };
}

/** Every EventBridge target in the template: each rule's targets and each schedule's one target. */
function deliveries(template: CfnTemplate): Delivery[] {
  const ruleTargets = resourcesOfType(template, "AWS::Events::Rule").flatMap(([id, rule]) =>
    targetsOf(rule).map((target) => ({ source: id, target: target as Delivery["target"] })),
  );
  const scheduleTargets = resourcesOfType(template, "AWS::Scheduler::Schedule").map(([id, schedule]) => ({
    source: id,
    target: schedule.Properties?.Target as Delivery["target"],
  }));
  return [...ruleTargets, ...scheduleTargets];
}

/** The logical id behind `{ "Fn::GetAtt": [id, "Arn"] }`. */
const getAttArnOf = (value: unknown) => {
  const getAtt = (value as { "Fn::GetAtt"?: [string, string] } | undefined)?.["Fn::GetAtt"];
  return getAtt?.[1] === "Arn" ? getAtt[0] : undefined;
};

/** The queue policies of the template that apply to the queue `queueId`, as their statements. */
function queueStatements(template: CfnTemplate, queueId: string): PolicyStatement[] {
  return resourcesOfType(template, "AWS::SQS::QueuePolicy")
    .filter(([, policy]) =>
      ((policy.Properties?.Queues ?? []) as unknown[]).some((queue) => equalRef(queue, queueId)),
    )
    .flatMap(
      ([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement: PolicyStatement[] } | undefined)?.Statement ?? [],
    );
}

const equalRef = (value: unknown, logicalId: string) =>
  JSON.stringify(value) === JSON.stringify({ Ref: logicalId });

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe("undelivered events in the packaged template", () => {
  let template: CfnTemplate;

  beforeAll(async () => {
    ({ template } = await packageService());
  });

  it("finds the five rules' targets: directory changes, drift check, rotation, health check, failure notification", () => {
    const names = deliveries(template).map(({ source }) => resourceById(template, source).Properties?.Name);

    expect(names.sort()).toEqual(
      ["directory-changes", "drift-check", "execution-failed", "health-check", "rotation"].map(
        (name) => `${prefix}${name}`,
      ),
    );
  });

  it("give every target a dead-letter queue of this template, encrypted and kept 14 days", () => {
    for (const { source, target } of deliveries(template)) {
      const queueId = getAttArnOf(target.DeadLetterConfig?.Arn);
      expect(queueId, `${source}'s target has no dead-letter queue of this template`).toBeDefined();
      const queue = resourceById(template, queueId ?? "");

      expect(queue.Type, source).toBe("AWS::SQS::Queue");
      // SSE-SQS, or SSE-KMS with a key of the template (a KMS key then needs a grant for EventBridge).
      const encrypted =
        queue.Properties?.SqsManagedSseEnabled === true || queue.Properties?.KmsMasterKeyId !== undefined;
      expect(encrypted, `${queueId} is not encrypted`).toBe(true);
      expect(queue.Properties?.MessageRetentionPeriod, queueId).toBe(1_209_600);
      expect(
        queue.Properties?.FifoQueue,
        `${queueId}: EventBridge dead-letter queues are standard queues`,
      ).toBe(undefined);
    }
  });

  it("let EventBridge write to each queue only for the rules whose targets use it", () => {
    const rulesByQueue = new Map<string, Set<string>>();
    for (const { source, target } of deliveries(template)) {
      const queueId = getAttArnOf(target.DeadLetterConfig?.Arn) ?? "";
      rulesByQueue.set(queueId, (rulesByQueue.get(queueId) ?? new Set()).add(source));
    }

    for (const [queueId, rules] of rulesByQueue) {
      const statements = queueStatements(template, queueId);

      expect(statements, queueId).toHaveLength(1);
      const [statement] = statements as [PolicyStatement];
      expect(statement).toMatchObject({
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: { "Fn::GetAtt": [queueId, "Arn"] },
      });
      expect(Object.keys(statement.Condition ?? {})).toEqual(["ArnEquals"]);
      const sourceArns = asList(statement.Condition?.ArnEquals?.["aws:SourceArn"] ?? []);
      expect(sourceArns.map(getAttArnOf).sort()).toEqual([...rules].sort());
    }
  });

  it("alarm on every rule's failed invocations, to the notification topic", () => {
    const alarms = resourcesOfType(template, "AWS::CloudWatch::Alarm")
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => alarm?.Namespace === "AWS/Events");

    for (const [ruleId] of resourcesOfType(template, "AWS::Events::Rule")) {
      const alarm = alarms.find((candidate) =>
        equalRef((candidate?.Dimensions as Array<{ Value: unknown }> | undefined)?.[0]?.Value, ruleId),
      );

      expect(alarm, `no alarm on ${ruleId}`).toMatchObject({
        MetricName: "FailedInvocations",
        Dimensions: [{ Name: "RuleName", Value: { Ref: ruleId } }],
        Statistic: "Sum",
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        // EventBridge sends FailedInvocations only when it is not zero.
        TreatMissingData: "notBreaching",
        AlarmActions: [topic],
      });
      expect(String(alarm?.AlarmName)).toMatch(new RegExp(`^${prefix}`));
    }
    expect(alarms).toHaveLength(resourcesOfType(template, "AWS::Events::Rule").length);
  });

  it("outputs the dead-letter queue for whoever looks for a lost event", () => {
    const [queueId] = resourcesOfType(template, "AWS::SQS::Queue").map(([id]) => id);

    expect(template.Outputs?.EventsDeadLetterQueueUrl?.Value).toEqual({ Ref: queueId });
  });
});
