import { describe, expect, it } from "vitest";
import { planChanges } from "../../shared/core/plan.js";
import { Plan, SecurityGroupRuleAction } from "../../shared/core/plan-schema.js";
import { planRollback, planRotation, RollbackPlan, RotationPlan } from "../../shared/core/rotation.js";
import { describeIssues } from "../../shared/middleware/parse-input.js";
import { loadDesired, loadFreshDiscovery, NOW } from "../fixtures/plan/fixtures.js";
import { estate } from "../fixtures/rotation/fixtures.js";

/** A rule action as the planner makes it. */
const rule = {
  action: "authorize",
  directoryId: "d-0123456789",
  groupId: "sg-1",
  protocol: "udp",
  port: 1812,
  cidr: "10.0.2.7/32",
  description: "radius-sync: RADIUS from NPS i-0123456789abcdef0",
  reason: "why",
};

/**
 * The schemas a handler parses the planner's output with when it comes back from Step Functions
 * state: whatever the planner makes passes them unchanged, and what breaks their rules does not.
 */
describe("the plan schemas", () => {
  it("read back a plan exactly as planChanges made it", () => {
    const plan = planChanges({ desired: loadDesired(), discovery: loadFreshDiscovery(), now: NOW });
    expect(plan.securityGroupRules.length).toBeGreaterThan(0);
    expect(Plan.parse(plan)).toEqual(plan);
  });

  it("read back rotation and rollback plans exactly as planned", () => {
    for (const strategy of ["blue-green", "in-place"] as const) {
      const plan = planRotation({ strategy, ...estate });
      expect(RotationPlan.parse(plan)).toEqual(plan);
    }
    const rollback = planRollback(estate);
    expect(RollbackPlan.parse(rollback)).toEqual(rollback);
  });

  it("take a rule action only for a port of 0 to 65535, a /32 source and a named group", () => {
    expect(SecurityGroupRuleAction.parse(rule)).toEqual(rule);
    for (const port of [0, 65535])
      expect(SecurityGroupRuleAction.safeParse({ ...rule, port }).success).toBe(true);
    for (const change of [
      { port: -1 },
      { port: 65536 },
      { port: 1812.5 },
      { groupId: "" },
      { protocol: "tcp" },
      { cidr: "10.0.2.7/31" },
      { cidr: "x10.0.2.7/32" },
      { cidr: "10.0.2.7/32 " },
      { cidr: "10.0.2/32" },
      { directoryId: "d-1" },
      { instanceId: "i-1" },
    ]) {
      expect(SecurityGroupRuleAction.safeParse({ ...rule, ...change }).success, JSON.stringify(change)).toBe(
        false,
      );
    }
    expect(SecurityGroupRuleAction.safeParse({ ...rule, instanceId: "i-0123456789abcdef0" }).success).toBe(
      true,
    );
  });

  it.each([
    "10.0.2.0/24",
    "10.0.2.7",
    "10.0.2.7/32 ",
    "2001:db8::/64",
    "2001:DB8::7/128",
    "fe80::7/128",
    "2001:db8::7",
  ])("refuse the rule source %j, naming the field and the form a source must take", (cidr) => {
    const result = SecurityGroupRuleAction.safeParse({ ...rule, cidr });
    expect(result.error && describeIssues(result.error)).toBe(
      "cidr: must be an IPv4 /32 such as 10.0.2.7/32 or an IPv6 /128 such as 2001:db8::7/128",
    );
  });

  it("accepts an IPv6 /128 rule source in RFC 5952 form", () => {
    expect(SecurityGroupRuleAction.safeParse({ ...rule, cidr: "2001:db8::7/128" }).success).toBe(true);
  });

  it("refuse a plan whose change count is negative or fractional", () => {
    const plan = planChanges({ desired: loadDesired(), discovery: loadFreshDiscovery(), now: NOW });
    expect(Plan.safeParse({ ...plan, changeCount: -1 }).success).toBe(false);
    expect(Plan.safeParse({ ...plan, changeCount: 1.5 }).success).toBe(false);
    expect(Plan.safeParse({ ...plan, changeCount: 0 }).success).toBe(true);
  });
});
