import type { CfnResource, CfnTemplate } from "../support/package-template.js";
import { packageService, resourcesOfType } from "../support/package-template.js";

/**
 * Params that turn every optional behaviour the other way round from its default: drift check
 * off, rotation on, other schedules, a notification address, active tracing. Packaged once
 * (on top of `packageParams`) by every test file that compares a default with its override.
 */
export const overridingParams: Readonly<Record<string, string>> = {
  driftCheckEnabled: "false",
  driftCheckSchedule: "rate(6 hours)",
  rotationEnabled: "true",
  rotationSchedule: "cron(0 3 1 * ? *)",
  healthCheckEnabled: "false",
  healthCheckSchedule: "rate(15 minutes)",
  noAcceptAlarmHours: "4",
  notificationEmail: "secops@example.com",
  lambdaTracing: "Active",
  stateMachineTracing: "true",
};

/**
 * The default template and the one packaged with {@link overridingParams}. Packaging runs one at a
 * time (a lock), so a `beforeAll`, with its longer timeout, waits for both.
 *
 * @example
 * ```ts
 * [template, overridden] = await packageDefaultAndOverridden();
 * ```
 */
export async function packageDefaultAndOverridden(): Promise<[CfnTemplate, CfnTemplate]> {
  const [{ template }, { template: overridden }] = await Promise.all([
    packageService(),
    packageService(overridingParams),
  ]);
  return [template, overridden];
}

/**
 * The EventBridge rule with the given `Name`, failing when there is none or more than one.
 *
 * @example
 * ```ts
 * ruleNamed(template, "radius-sync-ci-drift-check").Properties?.ScheduleExpression; // "rate(1 hour)"
 * ```
 */
export function ruleNamed(template: CfnTemplate, name: string): CfnResource {
  const rules = resourcesOfType(template, "AWS::Events::Rule").filter(
    ([, rule]) => rule.Properties?.Name === name,
  );
  const [only] = rules;
  if (only === undefined || rules.length > 1)
    throw new Error(`expected one rule named ${name}, found ${rules.length}`);
  return only[1];
}

/** One target of an EventBridge rule, as the tests read it. */
export interface RuleTarget {
  readonly Arn: unknown;
  readonly Id: string;
  readonly Input?: string;
  readonly RoleArn?: unknown;
  readonly InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

/**
 * The targets of a rule.
 *
 * @example
 * ```ts
 * targetsOf(rule)[0]?.Arn; // { Ref: "ReconcileStateMachine" }
 * ```
 */
export function targetsOf(rule: CfnResource): RuleTarget[] {
  return (rule.Properties?.Targets as RuleTarget[] | undefined) ?? [];
}
