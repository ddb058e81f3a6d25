import { beforeAll, describe, expect, it } from "vitest";
import { readTriggerPatterns } from "../fixtures/cloudtrail/samples.js";
import type { CfnTemplate } from "../support/package-template.js";
import { packageStage, resourcesOfType } from "../support/package-template.js";
import { samplePseudoParameters } from "./definition.js";
import { packageDefaultAndOverridden, ruleNamed, targetsOf } from "./variant.js";

const stateMachine = { Ref: "ReconcileStateMachine" };
const prefix = `radius-sync-${packageStage}-`;

/** The name IAM will give a role: its RoleName (a Fn::Join) or CloudFormation's `<stack>-<id>-<suffix>`. */
function deployedRoleName(logicalId: string, roleName: unknown): string {
  if (roleName === undefined) return `${prefix}${logicalId}-1Q2W3E4R5T6Y`.slice(0, 64);
  const [separator, parts] = (roleName as { "Fn::Join": [string, unknown[]] })["Fn::Join"];
  const region = samplePseudoParameters["AWS::Region"];
  return parts.map((part) => (typeof part === "string" ? part : region)).join(separator);
}

/** The schedule-derived rules that a given template holds, by Name. */
function schedules(template: CfnTemplate) {
  return {
    driftCheck: ruleNamed(template, `${prefix}drift-check`).Properties,
    rotation: ruleNamed(template, `${prefix}rotation`).Properties,
    healthCheck: ruleNamed(template, `${prefix}health-check`).Properties,
  };
}

describe("what starts the state machine", () => {
  let template: CfnTemplate;
  let overridden: CfnTemplate;

  beforeAll(async () => {
    [template, overridden] = await packageDefaultAndOverridden();
  });

  describe("directory changes", () => {
    it("match the pattern in state-machines/event-patterns.json, resolved for the stage, on the default bus", async () => {
      const { directoryChanges } = await readTriggerPatterns({ service: "radius-sync", stage: packageStage });
      const rule = ruleNamed(template, `${prefix}directory-changes`).Properties;

      expect(directoryChanges).toBeDefined();
      expect(rule?.EventPattern).toEqual(directoryChanges);
      expect(rule).not.toHaveProperty("EventBusName");
      expect(rule?.State).toBe("ENABLED");
    });

    it("start a reconcile of every directory", () => {
      const targets = targetsOf(ruleNamed(template, `${prefix}directory-changes`));

      expect(targets).toHaveLength(1);
      expect(targets[0]?.Arn).toEqual(stateMachine);
      expect(JSON.parse(targets[0]?.Input ?? "null")).toEqual({ mode: "reconcile" });
    });

    it("skip calls made by any role of this stack, so radius-sync never triggers itself", async () => {
      const { directoryChanges } = await readTriggerPatterns({ service: "radius-sync", stage: packageStage });
      const text = JSON.stringify(directoryChanges);
      const roles = resourcesOfType(template, "AWS::IAM::Role").map(([id, role]) =>
        deployedRoleName(id, role.Properties?.RoleName),
      );

      expect(text).toContain(JSON.stringify({ "anything-but": { prefix } }));
      // The per-function roles, the state machine's and the rules' roles.
      expect(roles.length).toBeGreaterThanOrEqual(17);
      for (const role of roles) expect(role.startsWith(prefix), role).toBe(true);
    });
  });

  describe("schedules", () => {
    it("check for drift hourly, check NPS health hourly (read-only) and leave rotation off by default", () => {
      const { driftCheck, rotation, healthCheck } = schedules(template);

      expect(healthCheck).toMatchObject({ ScheduleExpression: "rate(1 hour)", State: "ENABLED" });
      expect(driftCheck).toMatchObject({ ScheduleExpression: "rate(1 hour)", State: "ENABLED" });
      expect(rotation).toMatchObject({ ScheduleExpression: "rate(30 days)", State: "DISABLED" });
    });

    it("start a reconcile for the drift check and a rotation for the rotation schedule", () => {
      const inputOf = (name: string) => {
        const targets = targetsOf(ruleNamed(template, `${prefix}${name}`));
        expect(targets, name).toHaveLength(1);
        expect(targets[0]?.Arn, name).toEqual(stateMachine);
        return JSON.parse(targets[0]?.Input ?? "null") as unknown;
      };

      expect(inputOf("drift-check")).toEqual({ mode: "reconcile" });
      expect(inputOf("rotation")).toEqual({ mode: "rotate" });
    });

    it("start the health-check state machine, with an empty input, for the health check", () => {
      const targets = targetsOf(ruleNamed(template, `${prefix}health-check`));
      expect(targets).toHaveLength(1);
      expect(targets[0]?.Arn).toEqual({ Ref: "HealthStateMachine" });
      expect(JSON.parse(targets[0]?.Input ?? "null")).toEqual({});
    });

    it("follow the params: drift check off, rotation on, health check off, other expressions", () => {
      const { driftCheck, rotation, healthCheck } = schedules(overridden);

      expect(healthCheck).toMatchObject({ ScheduleExpression: "rate(15 minutes)", State: "DISABLED" });
      expect(driftCheck).toMatchObject({ ScheduleExpression: "rate(6 hours)", State: "DISABLED" });
      expect(rotation).toMatchObject({ ScheduleExpression: "cron(0 3 1 * ? *)", State: "ENABLED" });
    });
  });

  it("are the directory-change rule, the three schedules and the failure notification, nothing else", () => {
    const names = resourcesOfType(template, "AWS::Events::Rule").map(([, rule]) => rule.Properties?.Name);

    expect(names.sort()).toEqual(
      ["directory-changes", "drift-check", "execution-failed", "health-check", "rotation"].map(
        (name) => `${prefix}${name}`,
      ),
    );
    expect(resourcesOfType(template, "AWS::Scheduler::Schedule")).toEqual([]);
  });
});
