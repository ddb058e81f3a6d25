/**
 * Least privilege, statically: the AWS calls each packaged bundle can make (its SDK commands and
 * paginators, as esbuild left them after tree-shaking) plus the actions those calls imply on AWS
 * are exactly what the function's role in the packaged template grants — nothing missing, nothing
 * unused. Resources and conditions are checked by resource-scope.test.ts; moto enforces the actions
 * at run time in test/packaged/iam-enforced.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { serviceAuthorization } from "../fixtures/iam/service-authorization.js";
import { type BundleSdkCall, sdkCallsInBundle } from "../support/iam/bundle-calls.js";
import { readHandlerBundles } from "../support/iam/packaged-bundles.js";
import { iamActionOf } from "../support/iam/sdk-actions.js";
import {
  asList,
  functionKeys,
  roleOf,
  runtimeGrants,
  statementsOf,
  type TemplateStatement,
} from "../support/iam/template-roles.js";
import type { CfnTemplate } from "../support/package-template.js";
import { packageService, resourceById } from "../support/package-template.js";

const describeResource = (resource: unknown) =>
  typeof resource === "string"
    ? resource
    : ((resource as { "Fn::Sub"?: string })["Fn::Sub"] ?? JSON.stringify(resource));

const isRuntimeGrant = (functionKey: string, statement: TemplateStatement) => {
  const expected = runtimeGrants(functionKey);
  const actions = asList(statement.Action);
  return (
    statement.Condition === undefined &&
    actions.length > 0 &&
    actions.every((action) =>
      asList(statement.Resource).every((resource) => expected[action] === describeResource(resource)),
    )
  );
};

/** Each action the code is granted, with the statements' resources (for the wildcard check). */
function codeGrants(template: CfnTemplate, functionKey: string): Map<string, unknown[]> {
  const grants = new Map<string, unknown[]>();
  for (const statement of statementsOf(template, roleOf(template, functionKey))) {
    if (isRuntimeGrant(functionKey, statement)) continue;
    for (const action of asList(statement.Action)) {
      grants.set(action, [...(grants.get(action) ?? []), ...asList(statement.Resource)]);
    }
  }
  return grants;
}

/** The IAM actions a bundle's calls need: each command's own, and what its request members imply. */
async function reachableActions(calls: readonly BundleSdkCall[]): Promise<string[]> {
  const actions = new Set<string>();
  for (const call of calls) {
    const action = await iamActionOf(call.packageName, call.command);
    const authorization = serviceAuthorization[action];
    if (authorization === undefined) {
      throw new Error(
        `${action} is reachable but has no Service Authorization Reference entry in the fixture`,
      );
    }
    actions.add(action);
    for (const dependent of authorization.dependentActions) {
      const { requestMembers } = call;
      if (requestMembers === "any" || dependent.when.some((member) => requestMembers.has(member))) {
        actions.add(dependent.action);
      }
    }
  }
  return [...actions].sort();
}

/** serverless.yml's functions, one table row each. */
const functionsOfTheTemplate = [
  "acquireLock",
  "releaseLock",
  "validateInput",
  "discover",
  "ensureSecret",
  "applySecurityGroupRules",
  "sendNpsCommand",
  "checkNpsCommand",
  "updateDirectoryRadius",
  "checkRadiusStatus",
  "startRotation",
  "finishRotation",
  "planRollback",
  "cancelRotation",
  "explainRollbackFailure",
  "sendNpsHealthCheck",
  "checkNpsHealth",
];

describe("least privilege of the packaged functions", () => {
  let template: CfnTemplate;
  const reachable = new Map<string, string[]>();

  beforeAll(async () => {
    const service = await packageService();
    template = service.template;
    for (const [key, bundle] of await readHandlerBundles(service)) {
      reachable.set(key, await reachableActions(sdkCallsInBundle(bundle, `${key}.cjs`)));
    }
  });

  it("analyses every function the template deploys", () => {
    expect([...reachable.keys()].sort()).toEqual(functionKeys(template));
    expect([...functionsOfTheTemplate].sort()).toEqual(functionKeys(template));
  });

  it.each(functionsOfTheTemplate)(
    "%s: its role grants every action its bundle can reach, and no other",
    (key) => {
      const granted = [...codeGrants(template, key).keys()].sort();

      expect(granted, `${key}: granted (left) vs reachable from the bundle (right)`).toEqual(
        reachable.get(key),
      );
    },
  );

  it("gives each role, beyond its code's grants, only its own log group and X-Ray", () => {
    for (const key of functionKeys(template)) {
      const runtime = statementsOf(template, roleOf(template, key)).filter((statement) =>
        isRuntimeGrant(key, statement),
      );
      const actions = runtime.flatMap((statement) => asList(statement.Action)).sort();

      expect(actions, key).toEqual(Object.keys(runtimeGrants(key)).sort());
      expect(resourceById(template, roleOf(template, key)).Properties?.ManagedPolicyArns ?? [], key).toEqual(
        [],
      );
    }
  });

  it('grants "*" exactly where the Service Authorization Reference lists no resource type', () => {
    for (const key of functionKeys(template)) {
      for (const [action, resources] of codeGrants(template, key)) {
        const resourceless = serviceAuthorization[action]?.resourceTypes.length === 0;

        expect(resources.includes("*"), `${key} ${action}`).toBe(resourceless);
      }
    }
  });
});
