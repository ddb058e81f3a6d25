import { beforeAll, describe, expect, it } from "vitest";
import type { CfnTemplate } from "../support/package-template.js";
import { packageStage, resourceById, resourcesOfType } from "../support/package-template.js";
import { packageDefaultAndOverridden, ruleNamed, targetsOf } from "./variant.js";

const prefix = `radius-sync-${packageStage}-`;
const topic = { Ref: "NotificationTopic" };
const stateMachine = { Ref: "ReconcileStateMachine" };

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal: { Service?: string | string[]; AWS?: unknown };
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const statementsIn = (document: unknown) => (document as { Statement: PolicyStatement[] }).Statement;

/** The alarm ARN pattern the topic policy admits, reduced to a name pattern (`radius-sync-ci-*`). */
function admittedAlarmNames(template: CfnTemplate): RegExp {
  const policy = resourceById(template, "NotificationTopicPolicy").Properties?.PolicyDocument;
  const alarms = statementsIn(policy).find(
    (statement) => statement.Principal.Service === "cloudwatch.amazonaws.com",
  );
  const sourceArn = alarms?.Condition?.ArnLike?.["aws:SourceArn"] as { "Fn::Sub"?: string } | undefined;
  const arn = sourceArn?.["Fn::Sub"] ?? "";
  const name = /:alarm:(.+)$/.exec(arn)?.[1] ?? "";
  return new RegExp(`^${name.replaceAll("-", "\\-").replaceAll("*", ".*")}$`);
}

let template: CfnTemplate;
let overridden: CfnTemplate;

beforeAll(async () => {
  [template, overridden] = await packageDefaultAndOverridden();
});

describe("failure notifications in the packaged template", () => {
  it("go to one SNS topic encrypted with a rotating key of its own", () => {
    const key = resourceById(template, "NotificationKey").Properties;

    expect(resourcesOfType(template, "AWS::SNS::Topic").map(([id]) => id)).toEqual(["NotificationTopic"]);
    expect(resourceById(template, "NotificationTopic").Properties?.KmsMasterKeyId).toEqual({
      Ref: "NotificationKey",
    });
    expect(key?.EnableKeyRotation).toBe(true);
  });

  it("let CloudWatch and EventBridge use the key only for this account's alarms and the failure rule", () => {
    const statements = statementsIn(resourceById(template, "NotificationKey").Properties?.KeyPolicy);
    const services = statements.filter((statement) => statement.Principal.Service !== undefined);
    const byService = (service: string) =>
      services.find((statement) => JSON.stringify(statement.Principal.Service) === JSON.stringify(service));
    const sameAccount = { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } };
    const [[, topicRule] = []] = resourcesOfType(template, "AWS::Events::Rule").filter(([, rule]) =>
      targetsOf(rule).some((target) => JSON.stringify(target.Arn) === JSON.stringify(topic)),
    );

    // The AWS managed alias/aws/sns would not do: its policy admits neither service.
    expect(services).toHaveLength(2);
    for (const statement of services) {
      expect(statement).toMatchObject({ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey*"] });
      // Both global condition keys, so no other account's alarm or rule can use the key through them.
      expect(statement.Condition).toMatchObject(sameAccount);
    }
    expect(byService("cloudwatch.amazonaws.com")?.Condition?.ArnLike).toEqual({
      "aws:SourceArn": {
        "Fn::Sub": `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${prefix}*`,
      },
    });
    // Exactly the rule whose target is the topic, by the ARN its name gives on the default bus.
    expect(byService("events.amazonaws.com")?.Condition?.ArnEquals).toEqual({
      "aws:SourceArn": {
        "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${String(topicRule?.Properties?.Name)}`,
      },
    });
    const [administration] = statements.filter((statement) => statement.Principal.Service === undefined);
    expect(administration?.Principal).toEqual({
      AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" },
    });
  });

  it("are published by the failure rule and this stage's alarms only", () => {
    const policy = resourceById(template, "NotificationTopicPolicy").Properties;
    const statements = statementsIn(policy?.PolicyDocument);

    expect(policy?.Topics).toEqual([topic]);
    expect(statements.map(({ Sid: _sid, ...statement }) => statement)).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topic,
        Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": ["ExecutionFailureRule", "Arn"] } } },
      },
      {
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topic,
        Condition: {
          ArnLike: {
            "aws:SourceArn": {
              "Fn::Sub": `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${prefix}*`,
            },
          },
          StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
        },
      },
    ]);
  });

  it("come from a rule on both state machines' failed, timed-out and aborted executions", () => {
    const rule = ruleNamed(template, `${prefix}execution-failed`).Properties;

    expect(rule?.State).toBe("ENABLED");
    expect(rule?.EventPattern).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: {
        status: ["FAILED", "TIMED_OUT", "ABORTED"],
        stateMachineArn: [stateMachine, { Ref: "HealthStateMachine" }],
      },
    });
  });

  it("name the execution and its error but carry none of its input or output", () => {
    const targets = targetsOf(ruleNamed(template, `${prefix}execution-failed`));
    const transformer = targets[0]?.InputTransformer;

    expect(targets).toHaveLength(1);
    expect(targets[0]?.Arn).toEqual(topic);
    expect(Object.values(transformer?.InputPathsMap ?? {}).sort()).toEqual([
      "$.detail.error",
      "$.detail.executionArn",
      "$.detail.name",
      "$.detail.status",
    ]);
    for (const name of Object.keys(transformer?.InputPathsMap ?? {})) {
      expect(transformer?.InputTemplate).toContain(`<${name}>`);
    }
  });

  it("come from alarms on failed, timed-out, aborted and throttled executions", () => {
    const alarms = resourcesOfType(template, "AWS::CloudWatch::Alarm")
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => alarm?.Namespace === "AWS/States");
    const admitted = admittedAlarmNames(template);

    expect(alarms.map((alarm) => alarm?.MetricName).sort()).toEqual([
      "ExecutionThrottled",
      "ExecutionsAborted",
      "ExecutionsFailed",
      "ExecutionsTimedOut",
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        Namespace: "AWS/States",
        Dimensions: [{ Name: "StateMachineArn", Value: stateMachine }],
        Statistic: "Sum",
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
        AlarmActions: [topic],
      });
      // An alarm the topic policy does not admit would fail to publish, silently.
      expect(String(alarm?.AlarmName)).toMatch(admitted);
    }
  });

  it("come from every alarm of the template, each admitted by the topic policy", () => {
    const alarms = resourcesOfType(template, "AWS::CloudWatch::Alarm").map(([, alarm]) => alarm.Properties);
    const admitted = admittedAlarmNames(template);

    expect(alarms.length).toBeGreaterThan(4);
    for (const alarm of alarms) {
      expect(alarm?.AlarmActions, String(alarm?.AlarmName)).toEqual([topic]);
      expect(String(alarm?.AlarmName)).toMatch(admitted);
    }
  });

  it("reach an email address only when notificationEmail is set", () => {
    const subscription = resourceById(template, "NotificationEmailSubscription");

    expect(subscription.Condition).toBe("HasNotificationEmail");
    expect(subscription.Properties).toEqual({
      TopicArn: topic,
      Protocol: "email",
      Endpoint: { Ref: "NotificationEmail" },
    });
    expect(template.Conditions).toMatchObject({
      HasNotificationEmail: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "NotificationEmail" }, ""] }] },
    });
    expect(template.Parameters?.NotificationEmail?.Default).toBe("");
    expect(overridden.Parameters?.NotificationEmail?.Default).toBe("secops@example.com");
  });

  it("outputs the topic ARN for other subscriptions", () => {
    expect(template.Outputs?.NotificationTopicArn?.Value).toEqual(topic);
  });
});

describe("tracing in the packaged template", () => {
  it("is off by default and on for Lambda and the state machine when the params say so", () => {
    const modes = (scanned: CfnTemplate) =>
      new Set(
        resourcesOfType(scanned, "AWS::Lambda::Function").map(
          ([, fn]) => (fn.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode,
        ),
      );

    expect(modes(template)).toEqual(new Set(["PassThrough"]));
    expect(resourceById(template, "ReconcileStateMachine").Properties?.TracingConfiguration).toEqual({
      Enabled: false,
    });
    expect(modes(overridden)).toEqual(new Set(["Active"]));
    expect(resourceById(overridden, "ReconcileStateMachine").Properties?.TracingConfiguration).toEqual({
      Enabled: true,
    });
  });
});
