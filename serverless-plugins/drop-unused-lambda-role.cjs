/**
 * A local Serverless plugin: removes the framework's default Lambda role (`IamRoleLambdaExecution`)
 * from the packaged template once nothing refers to it.
 *
 * Serverless always compiles that role; serverless-iam-roles-per-function copies it into one role per
 * function (its inherited statements included) and points every function at its own copy, but leaves
 * the original in the template, where it would be deployed with X-Ray and log permissions nobody
 * uses. This runs just before the template is saved, after every other plugin and the custom
 * `resources` are merged, and refuses to package when anything still names the role (a `Ref`, a
 * `Fn::GetAtt`, a `DependsOn` or a `${…}` in a `Fn::Sub`), so it never removes a role in use.
 */
"use strict";

/** Whether `value` (any part of the template) names the resource `logicalId`. */
function refersTo(value, logicalId) {
  const text = JSON.stringify(value);
  return text.includes(`"${logicalId}"`) || new RegExp(`\\$\\{${logicalId}[.}]`).test(text);
}

class DropUnusedLambdaRole {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      "before:aws:package:finalize:saveServiceState": () => this.dropUnusedRole(),
    };
  }

  dropUnusedRole() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const roleId = this.serverless.getProvider("aws").naming.getRoleLogicalId();
    if (!(roleId in template.Resources)) return;
    const users = Object.entries(template.Resources)
      .filter(([id, resource]) => id !== roleId && refersTo(resource, roleId))
      .map(([id]) => id);
    if (refersTo(template.Outputs ?? {}, roleId)) users.push("Outputs");
    if (users.length > 0) {
      throw new this.serverless.classes.Error(
        `${roleId} is still used by ${users.join(", ")}: give each function iamRoleStatements of its own`,
      );
    }
    delete template.Resources[roleId];
  }
}

module.exports = DropUnusedLambdaRole;
