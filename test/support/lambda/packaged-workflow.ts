/**
 * Runs the packaged state machine definition with every Task state bound to the packaged function
 * its Resource ARN names, served by the {@link LambdaEmulator}: what Step Functions would do with the
 * artifact `osls package` builds.
 */
import { radiusSyncEnvironment } from "../environment.js";
import { type PackagedService, packageService } from "../package-template.js";
import {
  collectStates,
  type Json,
  runDefinition,
  type TaskHandler,
  type WorkflowOptions,
  type WorkflowResult,
} from "../workflow.js";
import { type LambdaEmulator, type LambdaEmulatorOptions, startLambdaEmulator } from "./emulator.js";
import type { LambdaErrorPayload } from "./execution-environment.js";
import { packagedDefinition } from "./packaged-functions.js";

/**
 * The params the packaged suite deploys with: the configuration the tests' seeded estate answers to
 * (its NPS tag and AD group), so the functions find the seeded servers.
 */
export const packagedSuiteParams: Readonly<Record<string, string>> = {
  npsTag: radiusSyncEnvironment.RADIUS_SYNC_NPS_TAG,
  npsAdGroup: radiusSyncEnvironment.RADIUS_SYNC_NPS_AD_GROUP,
};

/** `Ref` stand-ins for the packaged environments: the document and table that `seedEnvironment()` creates. */
export const seededRefs: Readonly<Record<string, string>> = {
  NpsSyncDocument: radiusSyncEnvironment.RADIUS_SYNC_SSM_DOCUMENT_NAME,
  NpsHealthDocument: radiusSyncEnvironment.RADIUS_SYNC_HEALTH_DOCUMENT_NAME,
  StateTable: radiusSyncEnvironment.RADIUS_SYNC_STATE_TABLE,
  // A state machine's Ref is its ARN: the reconcile the health check starts.
  ReconcileStateMachine: radiusSyncEnvironment.RADIUS_SYNC_RECONCILE_STATE_MACHINE_ARN,
};

/**
 * Step Functions' limit on a state's input or output: 256 KiB as UTF-8
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html, "Maximum input or output
 * size for a task, state, or execution"). The local interpreter does not enforce it; the binding does.
 */
export const maxTaskResultBytes = 256 * 1024;

/**
 * The error a Task state fails with when its Lambda function fails, as Step Functions reports it: the
 * `Error` is the runtime's `errorType`, the `Cause` the whole error payload as JSON.
 */
export class LambdaTaskError extends Error {
  readonly payload: LambdaErrorPayload;

  constructor(payload: LambdaErrorPayload) {
    super(JSON.stringify(payload));
    this.name = payload.errorType;
    this.payload = payload;
  }
}

/**
 * Binds a Task state to the packaged function its Resource ARN names: the Lambda result on success,
 * a {@link LambdaTaskError} on failure, `States.DataLimitExceeded` for a result over 256 KiB.
 *
 * @example
 * ```ts
 * await runDefinition(definition, input, (name, state) => bindToEmulator(lambdas, state));
 * ```
 */
export function bindToEmulator(lambdas: LambdaEmulator, state: Json): TaskHandler | undefined {
  const packaged = typeof state.Resource === "string" ? lambdas.functionByArn(state.Resource) : undefined;
  if (packaged === undefined) return undefined;
  return async (input) => {
    const outcome = await lambdas.invoke(packaged.key, input);
    if (!outcome.ok) throw new LambdaTaskError(outcome.error);
    if (Buffer.byteLength(outcome.payload, "utf8") > maxTaskResultBytes) {
      const error = new Error(
        `the state/task '${packaged.functionName}' returned a result with a size exceeding the maximum ` +
          `number of bytes service limit (${Buffer.byteLength(outcome.payload, "utf8")} > ${maxTaskResultBytes})`,
      );
      error.name = "States.DataLimitExceeded";
      throw error;
    }
    return JSON.parse(outcome.payload) as unknown;
  };
}

/**
 * Runs one execution of the packaged definition against the packaged functions.
 *
 * @example
 * ```ts
 * const result = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas: currentLambdas() });
 * expect(result.error).toBe("NpsServerOffline");
 * ```
 */
export async function runPackagedWorkflow(
  input: unknown,
  options: WorkflowOptions & {
    lambdas: LambdaEmulator;
    /** The packaged state machine to run (default the reconcile; `HealthStateMachine` for the health check). */
    stateMachine?: string;
  },
): Promise<WorkflowResult> {
  const { lambdas, stateMachine, ...rest } = options;
  const definition = packagedDefinition(lambdas.service, stateMachine);
  const handlers = new Map<string, TaskHandler>();
  for (const [name, state] of collectStates(definition)) {
    if (state.Type !== "Task") continue;
    const handler = bindToEmulator(lambdas, state);
    if (handler === undefined)
      throw new Error(`Task state ${name} names no packaged function (${String(state.Resource)})`);
    handlers.set(name, handler);
  }
  return await runDefinition(definition, input, (name) => handlers.get(name), rest);
}

/**
 * Packages with {@link packagedSuiteParams} (cached) and starts an emulator whose `Ref`s are the seeded
 * stand-ins; `options` may add credentials, an endpoint, or other refs.
 *
 * @example
 * ```ts
 * const lambdas = await startPackagedLambdas();
 * ```
 */
export async function startPackagedLambdas(
  options: Partial<Omit<LambdaEmulatorOptions, "service">> & { service?: PackagedService } = {},
): Promise<LambdaEmulator> {
  const service = options.service ?? (await packageService(packagedSuiteParams));
  return startLambdaEmulator({ ...options, service, refs: { ...seededRefs, ...options.refs } });
}
