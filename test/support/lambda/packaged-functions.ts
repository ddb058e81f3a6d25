/**
 * Reads what the packaged template says about each Lambda function (its zip, `Handler`, environment,
 * timeout, memory) and the state machine's definition, with intrinsics resolved to the local
 * stand-ins. Nothing here comes from serverless.yml or the sources: only the packaged artifact.
 */
import { join } from "node:path";
import type { PackagedService } from "../package-template.js";
import { resourcesOfType } from "../package-template.js";
import { emulatedAccount, type IntrinsicScope, resolveIntrinsics } from "./intrinsics.js";

/** One function as packaged. */
export interface PackagedFunction {
  /** The serverless function key, e.g. `checkNpsCommand`. */
  key: string;
  /** The template's logical id, e.g. `CheckNpsCommandLambdaFunction`. */
  logicalId: string;
  functionName: string;
  arn: string;
  /** `<path>.<export>` relative to the task root, e.g. `functions/discover/handler.handler`. */
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The deployment zip inside the package directory. */
  zipPath: string;
  /** `Environment.Variables` with intrinsics resolved. */
  environment: Record<string, string>;
}

const functionSuffix = "LambdaFunction";

/** `CheckNpsCommandLambdaFunction` → `checkNpsCommand`. */
const keyOf = (logicalId: string) =>
  `${logicalId.charAt(0).toLowerCase()}${logicalId.slice(1, -functionSuffix.length)}`;

const arnOf = (functionName: string) =>
  `arn:${emulatedAccount["AWS::Partition"]}:lambda:${emulatedAccount["AWS::Region"]}:` +
  `${emulatedAccount["AWS::AccountId"]}:function:${functionName}`;

/** The scope that resolves a function's ARN by its logical id (`Fn::GetAtt [X, Arn]`). */
function scopeWithFunctions(
  service: PackagedService,
  refs: Readonly<Record<string, string>>,
): IntrinsicScope {
  const names = new Map(
    resourcesOfType(service.template, "AWS::Lambda::Function").map(([logicalId, resource]) => [
      logicalId,
      String(resource.Properties?.FunctionName),
    ]),
  );
  return {
    refs,
    getAtt: (logicalId, attribute) => {
      const name = names.get(logicalId);
      return attribute === "Arn" && name !== undefined ? arnOf(name) : undefined;
    },
  };
}

/**
 * Every packaged function by key, environments resolved with `refs` (logical id → physical name of
 * the stand-in the test created, e.g. `{ StateTable: "radius-sync-state" }`).
 *
 * @example
 * ```ts
 * const functions = packagedFunctions(await packageService(), { StateTable: "t", NpsSyncDocument: "d" });
 * functions.get("discover")?.handler; // "functions/discover/handler.handler"
 * ```
 */
export function packagedFunctions(
  service: PackagedService,
  refs: Readonly<Record<string, string>>,
): Map<string, PackagedFunction> {
  const scope = scopeWithFunctions(service, refs);
  const functions = new Map<string, PackagedFunction>();
  for (const [logicalId, resource] of resourcesOfType(service.template, "AWS::Lambda::Function")) {
    const properties = (resource.Properties ?? {}) as Record<string, unknown>;
    const code = properties.Code as { S3Key?: string } | undefined;
    const zipName = String(code?.S3Key ?? "")
      .split("/")
      .pop();
    const variables = (properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {};
    const functionName = String(properties.FunctionName);
    functions.set(keyOf(logicalId), {
      key: keyOf(logicalId),
      logicalId,
      functionName,
      arn: arnOf(functionName),
      handler: String(properties.Handler),
      runtime: String(properties.Runtime),
      timeoutSeconds: Number(properties.Timeout ?? 3),
      memoryMb: Number(properties.MemorySize ?? 128),
      zipPath: join(service.directory, zipName ?? ""),
      environment: resolveIntrinsics(variables, scope) as Record<string, string>,
    });
  }
  return functions;
}

/**
 * The state machine's definition as Step Functions receives it: the packaged `DefinitionString` with
 * its `Fn::Sub` resolved (each Task's Resource is its function's ARN), parsed.
 *
 * @example
 * ```ts
 * const definition = packagedDefinition(await packageService());
 * ```
 */
export function packagedDefinition(
  service: PackagedService,
  logicalId = "ReconcileStateMachine",
): Record<string, unknown> {
  const machine = service.template.Resources[logicalId];
  if (machine?.Type !== "AWS::StepFunctions::StateMachine") {
    throw new Error(`the packaged template has no state machine ${logicalId}`);
  }
  const text = resolveIntrinsics(machine.Properties?.DefinitionString, scopeWithFunctions(service, {}));
  return JSON.parse(String(text)) as Record<string, unknown>;
}
