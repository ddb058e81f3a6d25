/**
 * The local Serverless plugin that removes the framework's default Lambda role
 * (serverless-plugins/drop-unused-lambda-role.cjs), on a compiled template of its own: it removes the
 * role when nothing names it, and refuses to package when something still does.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

type Template = { Resources: Record<string, unknown>; Outputs?: Record<string, unknown> };
type Plugin = { hooks: Record<string, () => void> };
const DropUnusedLambdaRole = require("../../serverless-plugins/drop-unused-lambda-role.cjs") as new (
  serverless: unknown,
) => Plugin;

class ServerlessError extends Error {}

/** Runs the plugin's hook on `template` as osls would, just before the template is saved. */
function packageWith(template: Template): Template {
  const serverless = {
    service: { provider: { compiledCloudFormationTemplate: template } },
    getProvider: () => ({ naming: { getRoleLogicalId: () => "IamRoleLambdaExecution" } }),
    classes: { Error: ServerlessError },
  };
  const hook = new DropUnusedLambdaRole(serverless).hooks["before:aws:package:finalize:saveServiceState"];
  hook?.();
  return template;
}

const role = { Type: "AWS::IAM::Role", Properties: {} };
const functionWithRole = (roleId: string) => ({
  Type: "AWS::Lambda::Function",
  DependsOn: [roleId, "DiscoverLogGroup"],
  Properties: { Role: { "Fn::GetAtt": [roleId, "Arn"] } },
});

describe("the plugin that drops the unused default Lambda role", () => {
  it("removes the role when every function has a role of its own", () => {
    const template = packageWith({
      Resources: {
        IamRoleLambdaExecution: role,
        DiscoverIamRoleLambdaExecution: role,
        DiscoverLambdaFunction: functionWithRole("DiscoverIamRoleLambdaExecution"),
      },
    });

    expect(Object.keys(template.Resources).sort()).toEqual([
      "DiscoverIamRoleLambdaExecution",
      "DiscoverLambdaFunction",
    ]);
  });

  it.each([
    ["a GetAtt", functionWithRole("IamRoleLambdaExecution")],
    ["a DependsOn", { Type: "AWS::Lambda::Function", DependsOn: "IamRoleLambdaExecution" }],
    [
      "a Fn::Sub",
      { Type: "AWS::SSM::Parameter", Properties: { Value: { "Fn::Sub": "${IamRoleLambdaExecution.Arn}" } } },
    ],
  ])("refuses to package when a resource still names it in %s", (_how, user) => {
    const template = { Resources: { IamRoleLambdaExecution: role, User: user } };

    expect(() => packageWith(template)).toThrow(/IamRoleLambdaExecution is still used by User/);
    expect(template.Resources).toHaveProperty("IamRoleLambdaExecution");
  });

  it("refuses when an output names it", () => {
    const template = {
      Resources: { IamRoleLambdaExecution: role },
      Outputs: { Role: { Value: { Ref: "IamRoleLambdaExecution" } } },
    };

    expect(() => packageWith(template)).toThrow(/still used by Outputs/);
  });
});
