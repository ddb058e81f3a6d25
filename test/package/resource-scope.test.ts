/**
 * Resource scoping, which moto cannot check (it evaluates "*" and ignores conditions): each call a
 * function makes, with the identifiers it passes, is evaluated as IAM would against that function's
 * packaged role — the ARNs the Service Authorization Reference says the action is authorised on,
 * the template's Fn::Sub resolved in the emulated account, `*`/`?` wildcards, and the
 * `dynamodb:LeadingKeys` conditions. Real calls recorded in the packaged suite are checked the
 * same way in test/packaged/iam-enforced.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { allowedCalls, deniedCalls } from "../fixtures/iam/role-cases.js";
import { type RoleChecker, roleChecker } from "../support/iam/role-check.js";
import { packagedSuiteParams, seededRefs } from "../support/lambda/packaged-workflow.js";
import { packageService } from "../support/package-template.js";

describe("resource scoping of the packaged roles", () => {
  let roles: RoleChecker;

  beforeAll(async () => {
    roles = roleChecker((await packageService(packagedSuiteParams)).template, seededRefs);
  });

  it.each(allowedCalls.map((row) => [row.functionKey, row.name, row] as const))(
    "%s may: %s",
    (functionKey, _name, { call }) => {
      expect(roles.denials(functionKey, [call])).toEqual([]);
    },
  );

  it.each(deniedCalls.map((row) => [row.functionKey, row.name, row] as const))(
    "%s may not touch %s",
    (functionKey, _name, { call }) => {
      expect(roles.denials(functionKey, [call])).not.toEqual([]);
    },
  );

  it("evaluates DescribeSecret of the missing secret against the name-only ARN, which -?????? cannot match", () => {
    const [verdict] = roles.verdicts("discover", {
      action: "secretsmanager:DescribeSecret",
      input: { SecretId: "radius-sync/shared-secret" },
      outcome: { errorName: "ResourceNotFoundException" },
    });

    expect(verdict?.request.resource).toBe(
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:radius-sync/shared-secret",
    );
    expect(verdict?.allowed).toBe(true);
    // planRollback only ever names the secret by its full ARN, so it holds no name-only grant.
    expect(
      roles.verdicts("planRollback", {
        action: "secretsmanager:DescribeSecret",
        input: { SecretId: "radius-sync/shared-secret" },
        outcome: { errorName: "ResourceNotFoundException" },
      })[0]?.allowed,
    ).toBe(false);
  });

  it("evaluates CreateSecret with Tags as TagResource too, on the new secret's ARN", () => {
    const requests = roles
      .verdicts("ensureSecret", {
        action: "secretsmanager:CreateSecret",
        input: { Name: "radius-sync/shared-secret", Tags: [{ Key: "managed-by", Value: "radius-sync" }] },
      })
      .map((verdict) => [verdict.request.action, verdict.allowed]);

    expect(requests).toEqual([
      ["secretsmanager:CreateSecret", true],
      ["secretsmanager:TagResource", true],
    ]);
  });
});
