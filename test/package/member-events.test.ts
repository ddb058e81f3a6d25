import { beforeAll, describe, expect, it } from "vitest";
import { readTriggerPatterns } from "../fixtures/cloudtrail/samples.js";
import { isAllowed, type ResolvedStatement } from "../support/iam/policy.js";
import type { CfnTemplate } from "../support/package-template.js";
import { packageService, resourceById } from "../support/package-template.js";
import {
  type Deployment,
  type MemberTemplate,
  parametersOf,
  type ResourcePolicyStatement,
  readMemberTemplate,
  resolveTemplateValue,
  resourcePolicyAllows,
} from "./member-templates.js";
import { ruleNamed } from "./variant.js";

const hubAccount = "210987654321";
const hubRegion = "eu-west-1";
const hubBus = `arn:aws:events:${hubRegion}:${hubAccount}:event-bus/default`;
const memberAccount = "111122223333";
const organizationId = "o-a1b2c3d4e5";
/** What the forwarding rule's role is, in a member account (CloudFormation names it). */
const forwardRole = `arn:aws:iam::${memberAccount}:role/StackSet-radius-sync-events-ForwardToHubRole-ABC123`;

const memberParams = { organizationId, accounts: `${memberAccount},999900001111` };

function deployedEvents(template: MemberTemplate, overrides: Record<string, string>): Deployment {
  return {
    parameters: parametersOf(template, { HubEventBusArn: hubBus, ...overrides }),
    account: memberAccount,
    region: "ap-southeast-2",
    attributes: {
      "ForwardToHubRole.Arn": forwardRole,
      "ForwardToHubDeadLetterQueue.Arn": `arn:aws:sqs:ap-southeast-2:${memberAccount}:dead-letter`,
      "DirectoryChangesToHubRule.Arn": `arn:aws:events:ap-southeast-2:${memberAccount}:rule/to-hub`,
    },
  };
}

/** The hub's bus policy statements that CloudFormation creates for the template's parameter defaults. */
function busStatements(hub: CfnTemplate): ResourcePolicyStatement[] {
  const template = hub as unknown as MemberTemplate;
  const parameters = Object.fromEntries(
    Object.entries(hub.Parameters ?? {}).map(([name, parameter]) => [name, String(parameter.Default ?? "")]),
  );
  const deployment: Deployment = { parameters, account: hubAccount, region: hubRegion };
  const created = (resource: MemberTemplate["Resources"][string]) =>
    resource.Condition === undefined ||
    resolveTemplateValue(template, { Condition: resource.Condition }, deployment) === true;
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === "AWS::Events::EventBusPolicy" && created(resource))
    .map(
      (resource) =>
        resolveTemplateValue(template, resource.Properties.Statement, deployment) as ResourcePolicyStatement,
    );
}

/** Whether the hub's bus admits PutEvents from a member's role (in `organizationId`, when given). */
const busAdmits = (hub: CfnTemplate, principalArn: string, organizationId?: string) =>
  resourcePolicyAllows(busStatements(hub), "events:PutEvents", hubBus, {
    principalArn,
    ...(organizationId ? { organizationId } : {}),
  });

describe("the member events template (member-role/member-events.yml)", () => {
  let template: MemberTemplate;

  beforeAll(async () => {
    template = await readMemberTemplate("member-events.yml");
  });

  it.each([
    ["radius-sync", "prod"],
    ["acme-radius", "dev"],
  ])(
    "forwards with the hub's directory-change pattern, rendered for service %s stage %s",
    async (service, stage) => {
      const { directoryChanges } = await readTriggerPatterns({ service, stage });
      const deployment = deployedEvents(template, { ServiceName: service, Stage: stage });

      const pattern = resolveTemplateValue(
        template,
        template.Resources.DirectoryChangesToHubRule?.Properties.EventPattern,
        deployment,
      );

      expect(pattern).toEqual(directoryChanges);
    },
  );

  it("targets the hub's default bus through a role that may only put events there, keeping what it cannot deliver", () => {
    const deployment = deployedEvents(template, {});
    const rule = resolveTemplateValue(
      template,
      template.Resources.DirectoryChangesToHubRule?.Properties,
      deployment,
    ) as {
      Targets: Array<{ Arn: string; RoleArn: string; DeadLetterConfig: { Arn: string } }>;
    };
    const role = resolveTemplateValue(
      template,
      template.Resources.ForwardToHubRole?.Properties,
      deployment,
    ) as {
      AssumeRolePolicyDocument: { Statement: Array<{ Principal: unknown }> };
      Policies: Array<{ PolicyDocument: { Statement: ResolvedStatement[] } }>;
    };
    const statements = role.Policies.flatMap((policy) => policy.PolicyDocument.Statement);

    expect(rule.Targets).toEqual([
      {
        Id: "hub",
        Arn: hubBus,
        RoleArn: forwardRole,
        DeadLetterConfig: { Arn: deployment.attributes?.["ForwardToHubDeadLetterQueue.Arn"] },
      },
    ]);
    expect(role.AssumeRolePolicyDocument.Statement.map((statement) => statement.Principal)).toEqual([
      { Service: "events.amazonaws.com" },
    ]);
    expect(isAllowed(statements, { action: "events:PutEvents", resource: hubBus })).toBe(true);
    expect(
      isAllowed(statements, { action: "events:PutEvents", resource: hubBus.replace("default", "other") }),
    ).toBe(false);
    expect(isAllowed(statements, { action: "events:PutRule", resource: "*" })).toBe(false);
  });

  it("takes only a default event bus ARN as the hub's bus", () => {
    const pattern = new RegExp(template.Parameters.HubEventBusArn?.AllowedPattern ?? "");

    expect(pattern.test(hubBus)).toBe(true);
    expect(pattern.test(`arn:aws-us-gov:events:us-gov-west-1:${hubAccount}:event-bus/default`)).toBe(true);
    expect(pattern.test(`arn:aws:events:${hubRegion}:${hubAccount}:event-bus/custom`)).toBe(false);
    expect(
      pattern.test(`arn:aws:events:${hubRegion}:${hubAccount}:rule/radius-sync-prod-directory-changes`),
    ).toBe(false);
    expect(pattern.test(hubAccount)).toBe(false);
  });
});

describe("the hub's event bus policy for members (serverless.yml)", () => {
  let hub: CfnTemplate;
  let withOrganization: CfnTemplate;
  let withAccounts: CfnTemplate;

  beforeAll(async () => {
    [{ template: hub }, { template: withOrganization }, { template: withAccounts }] = await Promise.all([
      packageService(),
      packageService({ memberOrganizationId: memberParams.organizationId }),
      packageService({ memberAccounts: memberParams.accounts }),
    ]);
  });

  it("admits no other account unless memberOrganizationId or memberAccounts is set", () => {
    expect(busStatements(hub)).toEqual([]);
    expect(busAdmits(hub, forwardRole, organizationId)).toBe(false);
    expect(hub.Parameters?.MemberOrganizationId?.Default).toBe("");
    expect(hub.Parameters?.MemberAccounts?.Default).toBe("");
  });

  it("admits the organisation's accounts, and no account outside it, with memberOrganizationId", () => {
    expect(busStatements(withOrganization)).toHaveLength(1);
    expect(busAdmits(withOrganization, forwardRole, organizationId)).toBe(true);
    expect(busAdmits(withOrganization, forwardRole, "o-zzzzzzzzzz")).toBe(false);
    expect(busAdmits(withOrganization, forwardRole)).toBe(false);
  });

  it("admits exactly the listed accounts with memberAccounts", () => {
    expect(busStatements(withAccounts)).toHaveLength(1);
    expect(busAdmits(withAccounts, forwardRole)).toBe(true);
    expect(busAdmits(withAccounts, "arn:aws:iam::999900001111:role/any")).toBe(true);
    expect(busAdmits(withAccounts, "arn:aws:iam::444455556666:role/any", organizationId)).toBe(false);
  });

  it("keeps the hub's directory-change rule free of any account or region filter, so forwarded events match", () => {
    const rule = ruleNamed(hub, "radius-sync-ci-directory-changes");
    const pattern = rule.Properties?.EventPattern as Record<string, unknown>;

    expect(Object.keys(pattern).sort()).toEqual(["detail", "detail-type", "source"]);
    expect(resourceById(hub, "MemberEventsOrganizationPolicy").Condition).toBe("HasMemberOrganizationId");
    expect(resourceById(hub, "MemberEventsAccountsPolicy").Condition).toBe("HasMemberAccounts");
  });
});
