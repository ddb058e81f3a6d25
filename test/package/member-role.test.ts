import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { memberAccountCalls } from "../fixtures/iam/member-calls.js";
import { serviceAuthorization } from "../fixtures/iam/service-authorization.js";
import { authorizationRequestsFor, type ObservedCall } from "../support/iam/authorization-requests.js";
import { type AuthorizationRequest, isAllowed, type ResolvedStatement } from "../support/iam/policy.js";
import { roleOf } from "../support/iam/template-roles.js";
import { packageService, packageStage, resourceById } from "../support/package-template.js";
import { cfnLintPath } from "../support/venv.js";
import {
  type Deployment,
  type MemberTemplate,
  memberTemplatePath,
  type PrincipalRequest,
  parametersOf,
  type ResourcePolicyStatement,
  readMemberTemplate,
  resolveTemplateValue,
  resourcePolicyAllows,
} from "./member-templates.js";

const run = promisify(execFile);

const hubAccount = "210987654321";
const hubRegion = "eu-west-1";
const memberAccount = "111122223333";
const otherAccount = "444455556666";
const externalId = "radius-sync-7f3e1c9a";
const organizationId = "o-a1b2c3d4e5";

/**
 * The SAR's ARN variables at their tightest for a role deployed once per account and used in
 * several regions: this account, any region (MemberRegions narrows by condition), any resource id.
 */
const tightest: Readonly<Record<string, string>> = { Partition: "aws", Account: memberAccount };

/** The hub functions that assume the member role: every function of the contract's member calls. */
const memberCallers = [...new Set(memberAccountCalls.flatMap((call) => call.functions))].sort();

interface CfnLintMatch {
  Level: "Error" | "Warning" | "Informational";
  Rule: { Id: string };
  Message: string;
}

async function lint(path: string): Promise<string[]> {
  // cfn-lint exits non-zero whenever it reports anything; the JSON on stdout is the answer.
  const { stdout } = await run(cfnLintPath, ["--format", "json", "--include-checks", "I", "--", path]).catch(
    (error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`cfn-lint did not run: ${error.stderr ?? String(error)}`);
      return { stdout: error.stdout };
    },
  );
  return (JSON.parse(stdout) as CfnLintMatch[])
    .filter((match) => match.Level !== "Informational")
    .map((match) => `${match.Level} ${match.Rule.Id}: ${match.Message}`);
}

/** The member role as deployed in the member account with these parameters. */
function memberRole(template: MemberTemplate, overrides: Record<string, string>) {
  const deployment: Deployment = {
    parameters: parametersOf(template, {
      HubAccountId: hubAccount,
      HubRegion: hubRegion,
      Stage: packageStage,
      ...overrides,
    }),
    account: memberAccount,
    region: "us-east-1",
  };
  const properties = resolveTemplateValue(
    template,
    template.Resources.MemberRole?.Properties,
    deployment,
  ) as {
    RoleName: string;
    AssumeRolePolicyDocument: { Statement: ResourcePolicyStatement[] };
    Policies: Array<{ PolicyDocument: { Statement: ResolvedStatement[] } }>;
  };
  return {
    deployment,
    name: properties.RoleName,
    trust: properties.AssumeRolePolicyDocument.Statement,
    statements: properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement),
  };
}

/** Calls as the hub's functions make them, one per contract action. */
const hubCalls: Record<string, ObservedCall> = {
  "workspaces:DescribeWorkspaceDirectories": { action: "workspaces:DescribeWorkspaceDirectories", input: {} },
  "ds:DescribeDirectories": { action: "ds:DescribeDirectories", input: { DirectoryIds: ["d-0123456789"] } },
  "ds:ListTagsForResource": { action: "ds:ListTagsForResource", input: { ResourceId: "d-0123456789" } },
  "ds:EnableRadius": { action: "ds:EnableRadius", input: { DirectoryId: "d-0123456789" } },
  "ds:UpdateRadius": { action: "ds:UpdateRadius", input: { DirectoryId: "d-0123456789" } },
  "ec2:DescribeSecurityGroups": {
    action: "ec2:DescribeSecurityGroups",
    input: { GroupIds: ["sg-0123456789abcdef0"] },
  },
  "ec2:AuthorizeSecurityGroupIngress": {
    action: "ec2:AuthorizeSecurityGroupIngress",
    input: { GroupId: "sg-0123456789abcdef0" },
  },
  "ec2:RevokeSecurityGroupIngress": {
    action: "ec2:RevokeSecurityGroupIngress",
    input: { GroupId: "sg-0123456789abcdef0" },
  },
};

/** The requests IAM evaluates for a call in the member account and `region`. */
function requestsIn(call: ObservedCall, account: string, region: string): AuthorizationRequest[] {
  const environment = { partition: "aws", region, accountId: account, partitionKeys: {} };
  return authorizationRequestsFor(call, environment).map((request) => ({
    ...request,
    context: { ...request.context, "aws:RequestedRegion": [region] },
  }));
}

describe("the member role template (member-role/member-role.yml)", () => {
  let template: MemberTemplate;
  let hubRoleArns: string[];

  beforeAll(async () => {
    template = await readMemberTemplate("member-role.yml");
    // The hub's real Lambda role names, as the packaged template builds them, in the hub's region.
    const { template: hub } = await packageService();
    const deployment = { parameters: {}, account: hubAccount, region: hubRegion };
    hubRoleArns = memberCallers.map((functionKey) => {
      const name = resolveTemplateValue(
        hub as unknown as MemberTemplate,
        resourceById(hub, roleOf(hub, functionKey)).Properties?.RoleName,
        deployment,
      );
      return `arn:aws:iam::${hubAccount}:role/${String(name)}`;
    });
  });

  it("passes cfn-lint with no errors and no warnings, as do the events template", async () => {
    expect(await lint(memberTemplatePath("member-role.yml"))).toEqual([]);
    expect(await lint(memberTemplatePath("member-events.yml"))).toEqual([]);
  });

  it("is named <service>-<stage>-member, inside the prefix the hub's event pattern skips", () => {
    expect(memberRole(template, { Stage: "prod", ExternalId: externalId }).name).toBe(
      "radius-sync-prod-member",
    );
    expect(memberRole(template, { ServiceName: "acme", Stage: "dev", RoleNameSuffix: "hub" }).name).toBe(
      "acme-dev-hub",
    );
    expect(template.Outputs?.MemberRoleArn?.Value).toEqual({ "Fn::GetAtt": ["MemberRole", "Arn"] });
  });

  it("allows exactly the actions of the contract's member-account calls", () => {
    const { statements } = memberRole(template, { ExternalId: externalId });

    const allowed = statements.flatMap((statement) => [statement.Action].flat()).sort();

    expect(statements.every((statement) => statement.Effect === "Allow")).toBe(true);
    expect(allowed).toEqual(memberAccountCalls.map((call) => call.action).sort());
  });

  it("grants each action on the tightest resource the Service Authorization Reference allows", () => {
    const { statements } = memberRole(template, { ExternalId: externalId });

    for (const { action } of memberAccountCalls) {
      const types = serviceAuthorization[action]?.resourceTypes;
      const granted = statements.filter((statement) => [statement.Action].flat().includes(action));
      const expected =
        (types ?? []).length === 0
          ? ["*"]
          : (types ?? []).map((type) =>
              type.arn.replace(/\$\{([A-Za-z]+)\}/g, (_, name: string) => tightest[name] ?? "*"),
            );
      expect(types, `${action} is in the fixture`).toBeDefined();
      expect(
        granted.flatMap((statement) => [statement.Resource].flat()),
        action,
      ).toEqual(expected);
    }
  });

  it("allows every hub call in the member account, in any region or only MemberRegions", () => {
    const anyRegion = memberRole(template, { ExternalId: externalId }).statements;
    const twoRegions = memberRole(template, {
      ExternalId: externalId,
      MemberRegions: "eu-west-1,us-east-1",
    }).statements;

    for (const call of Object.values(hubCalls)) {
      for (const request of requestsIn(call, memberAccount, "ap-southeast-2")) {
        expect(isAllowed(anyRegion, request), `${request.action} on ${request.resource}`).toBe(true);
        expect(isAllowed(twoRegions, request), `${request.action} outside MemberRegions`).toBe(false);
      }
      for (const request of requestsIn(call, memberAccount, "eu-west-1")) {
        expect(isAllowed(twoRegions, request), `${request.action} on ${request.resource}`).toBe(true);
      }
    }
    expect(Object.keys(hubCalls).sort()).toEqual(memberAccountCalls.map((call) => call.action).sort());
  });

  it("refuses another account's resources and every neighbouring action", () => {
    const { statements } = memberRole(template, { ExternalId: externalId });
    const resourceCalls = Object.values(hubCalls).filter(
      (call) => (serviceAuthorization[call.action]?.resourceTypes ?? []).length > 0,
    );
    // Each on what it would act on in this account: a directory, a security group, or "*".
    const directory = `arn:aws:ds:eu-west-1:${memberAccount}:directory/d-0123456789`;
    const group = `arn:aws:ec2:eu-west-1:${memberAccount}:security-group/sg-0123456789abcdef0`;
    const neighbours: AuthorizationRequest[] = [
      ["ds:DisableRadius", directory],
      ["ds:ResetUserPassword", directory],
      ["ds:DeleteDirectory", directory],
      ["ds:AddTagsToResource", directory],
      ["workspaces:DeregisterWorkspaceDirectory", "*"],
      ["ec2:AuthorizeSecurityGroupEgress", group],
      ["ec2:RevokeSecurityGroupEgress", group],
      ["ec2:DeleteSecurityGroup", group],
      ["ec2:ModifySecurityGroupRules", group],
      ["ec2:CreateTags", group],
      ["ec2:CreateSecurityGroup", "*"],
      ["iam:PassRole", "*"],
      ["sts:AssumeRole", "*"],
    ].map(([action = "", resource = ""]) => ({
      action,
      resource,
      context: { "aws:RequestedRegion": ["eu-west-1"] },
    }));

    for (const call of resourceCalls) {
      for (const request of requestsIn(call, otherAccount, "eu-west-1")) {
        expect(isAllowed(statements, request), `${request.action} on ${request.resource}`).toBe(false);
      }
    }
    expect(resourceCalls).toHaveLength(5);
    for (const request of neighbours) expect(isAllowed(statements, request), request.action).toBe(false);
  });

  it("may be assumed by the hub's five Lambda roles with the external id, and by nothing else", () => {
    const { trust } = memberRole(template, { ExternalId: externalId });
    const assume = (request: PrincipalRequest) => resourcePolicyAllows(trust, "sts:AssumeRole", "*", request);
    const otherHubRole = `arn:aws:iam::${hubAccount}:role/radius-sync-${packageStage}-sendNpsCommand-${hubRegion}-lambdaRole`;

    expect(memberCallers).toEqual([
      "applySecurityGroupRules",
      "checkRadiusStatus",
      "discover",
      "explainRollbackFailure",
      "updateDirectoryRadius",
    ]);
    for (const principalArn of hubRoleArns) {
      expect(assume({ principalArn, externalId }), principalArn).toBe(true);
      expect(assume({ principalArn }), `${principalArn} without the external id`).toBe(false);
      expect(assume({ principalArn, externalId: "guessed" }), `${principalArn}, wrong external id`).toBe(
        false,
      );
      // The same role name in another account, or the hub of another region or stage.
      const elsewhere = [
        principalArn.replace(hubAccount, otherAccount),
        principalArn.replace(`-${hubRegion}-`, "-us-east-1-"),
        principalArn.replace(`radius-sync-${packageStage}-`, "radius-sync-dev-"),
      ];
      for (const arn of elsewhere) expect(assume({ principalArn: arn, externalId }), arn).toBe(false);
    }
    expect(assume({ principalArn: otherHubRole, externalId })).toBe(false);
    expect(assume({ principalArn: `arn:aws:iam::${hubAccount}:role/Admin`, externalId })).toBe(false);
  });

  it("checks the hub's organisation when OrganizationId is set, with or without an external id", () => {
    const organizationOnly = memberRole(template, { OrganizationId: organizationId }).trust;
    const both = memberRole(template, { OrganizationId: organizationId, ExternalId: externalId }).trust;
    const [principalArn = ""] = hubRoleArns;
    const assume = (trust: ResourcePolicyStatement[], request: PrincipalRequest) =>
      resourcePolicyAllows(trust, "sts:AssumeRole", "*", request);

    expect(assume(organizationOnly, { principalArn, organizationId })).toBe(true);
    expect(assume(organizationOnly, { principalArn, organizationId: "o-zzzzzzzzzz" })).toBe(false);
    expect(assume(organizationOnly, { principalArn })).toBe(false);
    expect(assume(both, { principalArn, organizationId, externalId })).toBe(true);
    expect(assume(both, { principalArn, organizationId })).toBe(false);
    expect(assume(both, { principalArn, externalId })).toBe(false);
  });

  it("refuses to deploy with neither an external id nor an organisation (its Rules)", () => {
    const assertion = (overrides: Record<string, string>) =>
      template.Rules?.ExternalIdOrOrganization?.Assertions.map((rule) =>
        resolveTemplateValue(template, rule.Assert, memberRole(template, overrides).deployment),
      );

    expect(assertion({})).toEqual([false]);
    expect(assertion({ ExternalId: externalId })).toEqual([true]);
    expect(assertion({ OrganizationId: organizationId })).toEqual([true]);
  });
});
