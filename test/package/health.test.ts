import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CERTIFICATE_WARNING_DAYS } from "../../shared/core/nps-health.js";
import { content as healthDocument } from "../../shared/nps/health-document.cjs";
import type { CfnResource, CfnTemplate } from "../support/package-template.js";
import { packageStage, resourceById, resourcesOfType } from "../support/package-template.js";
import { repositoryRoot } from "../support/paths.js";
import { readDefinition } from "./definition.js";
import { packageDefaultAndOverridden } from "./variant.js";

/**
 * The read-only NPS health check in the packaged template (issue 20): its document, its state
 * machine, the alarms an administrator is woken by, and the dashboard they look at.
 */

const prefix = `radius-sync-${packageStage}-`;

interface AlarmQuery {
  Id: string;
  Expression: string;
  Period: number;
  ReturnData: boolean;
}

function alarmNamed(template: CfnTemplate, name: string): NonNullable<CfnResource["Properties"]> {
  const found = resourcesOfType(template, "AWS::CloudWatch::Alarm").find(
    ([, alarm]) => alarm.Properties?.AlarmName === `${prefix}${name}`,
  );
  if (found?.[1].Properties === undefined) throw new Error(`no alarm ${prefix}${name}`);
  return found[1].Properties;
}

const queryOf = (alarm: NonNullable<CfnResource["Properties"]>) => (alarm.Metrics as AlarmQuery[])[0];

/** The dashboard's body as CloudFormation will pass it (Fn::Sub's text with sample values). */
function dashboardBody(template: CfnTemplate): {
  widgets: Array<{ type: string; properties: Record<string, unknown> }>;
} {
  const body = resourceById(template, "HealthDashboard").Properties?.DashboardBody as { "Fn::Sub": string };
  const pseudo = (name: string) => `\${AWS::${name}}`;
  const text = body["Fn::Sub"]
    .replaceAll(pseudo("Region"), "us-east-1")
    .replaceAll(pseudo("Partition"), "aws")
    .replaceAll(pseudo("AccountId"), "123456789012")
    .replaceAll(
      /\$\{(ReconcileStateMachine|HealthStateMachine)\}/g,
      "arn:aws:states:us-east-1:123456789012:stateMachine:$1",
    );
  expect(text).not.toContain("$" + "{");
  return JSON.parse(text);
}

describe("the NPS health check in the packaged template", () => {
  let template: CfnTemplate;
  let overridden: CfnTemplate;

  beforeAll(async () => {
    [template, overridden] = await packageDefaultAndOverridden();
  });

  it("deploys the health document as rendered, beside the sync document", () => {
    const document = resourceById(template, "NpsHealthDocument");
    expect(document.Type).toBe("AWS::SSM::Document");
    expect(document.Properties?.Content).toEqual(JSON.parse(JSON.stringify(healthDocument)));
    expect(resourceById(template, "NpsSyncDocument").Type).toBe("AWS::SSM::Document");
  });

  it("runs the committed health definition as radius-sync-<stage>-health, logging errors without execution data", () => {
    const machine = resourceById(template, "HealthStateMachine");
    expect(machine.Properties?.StateMachineName).toBe(`${prefix}health`);
    expect(machine.Properties?.LoggingConfiguration).toMatchObject({
      Level: "ERROR",
      IncludeExecutionData: false,
    });
    const committed = JSON.parse(
      readFileSync(join(repositoryRoot, "state-machines/health.asl.json"), "utf8"),
    );
    const packaged = JSON.parse(readDefinition(template, "HealthStateMachine").text);
    expect(Object.keys(packaged.States)).toEqual(Object.keys(committed.States));
  });

  it.each([
    ["nps-certificate-30-days", CERTIFICATE_WARNING_DAYS.first],
    ["nps-certificate-7-days", CERTIFICATE_WARNING_DAYS.last],
  ])("alarms on %s: the fewest days to certificate expiry of any server below %i", (name, days) => {
    const alarm = alarmNamed(template, name);
    expect(queryOf(alarm)?.Expression).toBe(
      'SELECT MIN(DaysToCertificateExpiry) FROM SCHEMA("RadiusSync", InstanceId)',
    );
    expect(alarm).toMatchObject({
      Threshold: days,
      ComparisonOperator: "LessThanThreshold",
      AlarmActions: [{ Ref: "NotificationTopic" }],
    });
  });

  it("alarms when a server's extension is unhealthy, when MFA is bypassed, and when a directory has requests but no accept for the window", () => {
    expect(queryOf(alarmNamed(template, "nps-extension-unhealthy"))?.Expression).toBe(
      'SELECT MIN(NpsExtensionHealthy) FROM SCHEMA("RadiusSync", InstanceId)',
    );
    expect(queryOf(alarmNamed(template, "nps-mfa-bypassed"))?.Expression).toBe(
      'SELECT MAX(NpsMfaBypassed) FROM SCHEMA("RadiusSync", InstanceId)',
    );
    const noAccept = alarmNamed(template, "mfa-requests-without-accept");
    expect(queryOf(noAccept)?.Expression).toBe(
      'SELECT MAX(MfaRequestsWithoutAccept) FROM SCHEMA("RadiusSync", DirectoryId)',
    );
    // The window (noAcceptAlarmHours, default 2) arrives as a param's text, which CloudFormation reads as a number.
    const window = (alarm: NonNullable<CfnResource["Properties"]>) => [
      Number(alarm.EvaluationPeriods),
      Number(alarm.DatapointsToAlarm),
      Number(alarm.Period ?? queryOf(alarm)?.Period),
    ];
    expect(window(noAccept)).toEqual([2, 2, 3600]);
    expect(noAccept.Threshold).toBe(0);
    expect(window(alarmNamed(overridden, "mfa-requests-without-accept"))).toEqual([4, 4, 3600]);
    for (const name of ["nps-extension-unhealthy", "nps-mfa-bypassed", "mfa-requests-without-accept"])
      expect(alarmNamed(template, name).AlarmActions, name).toEqual([{ Ref: "NotificationTopic" }]);
  });

  it("has a dashboard whose widgets show, per server and directory, certificates, extension health, bypass, outcomes and the last runs", () => {
    const { widgets } = dashboardBody(template);
    expect(widgets.map((widget) => widget.properties.title).filter(Boolean)).toEqual([
      "Health alarms",
      "Days to certificate expiry, per NPS server",
      "MFA extension healthy, per NPS server (1 = healthy)",
      "MFA bypassed, per NPS server (1 = bypassed)",
      "MFA accepts per directory",
      "MFA rejects and discards per directory",
      "Last runs and their results (reconcile and health check)",
    ]);
    const searches = JSON.stringify(widgets);
    for (const metric of [
      "DaysToCertificateExpiry",
      "NpsExtensionHealthy",
      "NpsMfaBypassed",
      "MfaAccepts",
      "MfaRejects",
      "MfaDiscards",
    ])
      expect(searches).toContain(`MetricName=\\"${metric}\\"`);
    const alarms = widgets.find((widget) => widget.type === "alarm")?.properties.alarms as string[];
    for (const name of [
      "nps-certificate-30-days",
      "nps-certificate-7-days",
      "nps-extension-unhealthy",
      "nps-mfa-bypassed",
    ]) {
      expect(alarms).toContain(`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${prefix}${name}`);
      alarmNamed(template, name);
    }
    expect(resourceById(template, "HealthDashboard").Properties?.DashboardName).toBe(`${prefix}health`);
  });
});
