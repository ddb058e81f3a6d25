/**
 * Runs the packaged functions as Lambda would: each function's zip extracted into a task folder of
 * its own, served by execution environments of AWS's Runtime Interface Emulator and Runtime Interface
 * Client on Node 22 (started on first invoke and kept warm until {@link LambdaEmulator.stop}), with
 * the template's environment, the runtime's variables, the runtime-provided modules only (`@aws-sdk/*`
 * and what it needs) and per-function credentials.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PackagedService } from "../package-template.js";
import { motoLogDirectory, repositoryRoot } from "../paths.js";
import {
  type ErrorOrigin,
  ExecutionEnvironment,
  environmentLogFile,
  type InvokeOutcome,
} from "./execution-environment.js";
import { emulatedAccount } from "./intrinsics.js";
import { node22Binary } from "./node22.js";
import { type PackagedFunction, packagedFunctions } from "./packaged-functions.js";
import { ensureRuntimeModules } from "./runtime-modules.js";
import { extractZip } from "./unzip.js";

/** The credentials one function's environments get (e.g. STS credentials of its own role). */
export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of {@link startLambdaEmulator}. */
export interface LambdaEmulatorOptions {
  /** The `osls package` output to run (from `packageService()`). */
  service: PackagedService;
  /** Physical names for `Ref <logicalId>` in the environments, e.g. `{ StateTable: "radius-sync-state" }`. */
  refs: Readonly<Record<string, string>>;
  /** `AWS_ENDPOINT_URL` of every environment; read when an environment starts (default: the test's). */
  endpoint?: () => string;
  /** Credentials of a function's environments, by function key (default: moto's dummy keys). */
  credentials?: (functionKey: string) => FunctionCredentials | undefined;
  /** Extra variables for every environment (e.g. `AWS_MAX_ATTEMPTS`); the template's win on clashes. */
  extraEnvironment?: Readonly<Record<string, string>>;
}

/** One invoke that failed, as recorded for the error-name guard. */
export interface RecordedFailure {
  functionKey: string;
  errorType: string;
  origin: ErrorOrigin;
}

const dummyCredentials: FunctionCredentials = {
  accessKeyId: "testing",
  secretAccessKey: "testing",
  sessionToken: "testing",
};

const lambdaLogDirectory = join(motoLogDirectory, "lambda");
const compileCacheDirectory = join(repositoryRoot, ".cache", "node-compile-cache");

/** The items that pass `test`, and those that do not. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

/** An X-Ray trace header for one invoke, unsampled (PassThrough tracing without a traced caller). */
function traceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=0`;
}

/** Runs the packaged functions; see {@link startLambdaEmulator}. */
export class LambdaEmulator {
  /** Every packaged function, by key (`discover`, `checkNpsCommand`, …). */
  readonly functions: ReadonlyMap<string, PackagedFunction>;
  /** Every failed invoke so far (the packaged suite checks their names). */
  readonly failures: RecordedFailure[] = [];
  private readonly pools = new Map<string, ExecutionEnvironment[]>();
  private readonly taskRoots = new Map<string, string>();
  private readonly credentialOverrides = new Map<string, FunctionCredentials | undefined>();
  private readonly environmentOverrides = new Map<string, Record<string, string>>();
  private readonly output = new Map<string, string[]>();
  private readonly scratch: string;
  private started = 0;

  constructor(private readonly options: LambdaEmulatorOptions) {
    this.functions = packagedFunctions(options.service, options.refs);
    this.scratch = mkdtempSync(join(tmpdir(), "radius-sync-lambda-"));
    mkdirSync(lambdaLogDirectory, { recursive: true });
    // Every task folder now, as a deployment copies every zip: the package cache may be replaced
    // by a later packaging while this emulator runs.
    for (const packaged of this.functions.values()) this.taskRoot(packaged);
  }

  /** The packaged service these functions come from. */
  get service(): PackagedService {
    return this.options.service;
  }

  /** The function with this key, or an error naming the keys there are. */
  function(functionKey: string): PackagedFunction {
    const found = this.functions.get(functionKey);
    if (found === undefined) {
      throw new Error(
        `no packaged function ${functionKey}; there are ${[...this.functions.keys()].join(", ")}`,
      );
    }
    return found;
  }

  /** The function whose ARN a Task state's Resource names. */
  functionByArn(arn: string): PackagedFunction | undefined {
    return [...this.functions.values()].find((candidate) => candidate.arn === arn);
  }

  /**
   * Gives one function's environments other credentials (e.g. its role's STS credentials);
   * `undefined` goes back to the default. Running environments of that function are stopped, so the
   * next invoke starts one with the new credentials, as a new Lambda environment would.
   */
  async setCredentials(functionKey: string, credentials: FunctionCredentials | undefined): Promise<void> {
    this.function(functionKey);
    this.credentialOverrides.set(functionKey, credentials);
    await this.stopFunction(functionKey);
  }

  /** Changes variables of one function's environment (a configuration update); restarts it. */
  async setEnvironment(functionKey: string, variables: Record<string, string>): Promise<void> {
    this.function(functionKey);
    this.environmentOverrides.set(functionKey, variables);
    await this.stopFunction(functionKey);
  }

  /**
   * Changes variables of every function, as a redeployment with other params would (e.g.
   * `{ RADIUS_SYNC_NPS_INSTANCE_IDS: "i-…" }`); `{}` undoes it. Every environment restarts.
   *
   * @example
   * ```ts
   * await lambdas.setEnvironmentOfAll({ RADIUS_SYNC_NPS_INSTANCE_IDS: instanceId });
   * ```
   */
  async setEnvironmentOfAll(variables: Record<string, string>): Promise<void> {
    await Promise.all([...this.functions.keys()].map((key) => this.setEnvironment(key, variables)));
  }

  /** Everything the function's environments wrote to stdout/stderr (Lambda's log stream). */
  logs(functionKey: string): string {
    return (this.output.get(functionKey) ?? []).join("");
  }

  /**
   * Invokes a function synchronously (RequestResponse) and returns what Lambda returns: the JSON
   * result or the runtime's error payload.
   *
   * @example
   * ```ts
   * const outcome = await emulator.invoke("validateInput", { input: {} });
   * if (!outcome.ok) outcome.error.errorType; // "InvalidInput"
   * ```
   */
  async invoke(functionKey: string, event: unknown): Promise<InvokeOutcome> {
    const packaged = this.function(functionKey);
    const environment = this.environmentFor(packaged);
    const outcome = await environment.invoke({ event, traceId: traceHeader() });
    if (!outcome.ok) {
      this.failures.push({ functionKey, errorType: outcome.error.errorType, origin: outcome.origin });
    }
    return outcome;
  }

  /** Stops every environment of one function. */
  async stopFunction(functionKey: string): Promise<void> {
    const pool = this.pools.get(functionKey) ?? [];
    this.pools.delete(functionKey);
    await Promise.all(pool.map((environment) => environment.stop()));
  }

  /** Stops every environment and removes the task folders. */
  async stop(): Promise<void> {
    await Promise.all([...this.pools.keys()].map((key) => this.stopFunction(key)));
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private environmentFor(packaged: PackagedFunction): ExecutionEnvironment {
    // An idle environment whose emulator is gone is dropped (its recorder and log closed).
    const [pool, gone] = partition(
      this.pools.get(packaged.key) ?? [],
      (environment) => environment.busy || environment.alive,
    );
    for (const environment of gone) void environment.stop();
    const idle = pool.find((environment) => !environment.busy);
    if (idle !== undefined) return idle;
    this.started += 1;
    const fresh = new ExecutionEnvironment({
      node: node22Binary(),
      taskRoot: this.taskRoot(packaged),
      handler: packaged.handler,
      timeoutSeconds: packaged.timeoutSeconds,
      environment: this.variables(packaged),
      logFile: environmentLogFile(lambdaLogDirectory, packaged.functionName, this.started),
      onOutput: (text) => {
        const chunks = this.output.get(packaged.key) ?? [];
        chunks.push(text);
        this.output.set(packaged.key, chunks);
      },
    });
    this.pools.set(packaged.key, [...pool, fresh]);
    return fresh;
  }

  private taskRoot(packaged: PackagedFunction): string {
    const existing = this.taskRoots.get(packaged.key);
    if (existing !== undefined) return existing;
    const root = join(this.scratch, packaged.key);
    extractZip(packaged.zipPath, root);
    this.taskRoots.set(packaged.key, root);
    return root;
  }

  /** The variables Lambda sets, the template's, then the test's endpoint and the function's credentials. */
  private variables(packaged: PackagedFunction): Record<string, string> {
    const region = emulatedAccount["AWS::Region"];
    const credentials =
      this.credentialOverrides.get(packaged.key) ??
      this.options.credentials?.(packaged.key) ??
      dummyCredentials;
    const endpoint = this.options.endpoint?.() ?? process.env.AWS_ENDPOINT_URL;
    if (endpoint === undefined)
      throw new Error("no AWS endpoint for the Lambda environments (AWS_ENDPOINT_URL)");
    return {
      PATH: `${dirname(node22Binary())}:/usr/local/bin:/usr/bin:/bin`,
      LANG: "en_US.UTF-8",
      TZ: ":UTC",
      ...this.options.extraEnvironment,
      ...packaged.environment,
      ...this.environmentOverrides.get(packaged.key),
      // What the runtime sets for every function (AWS Lambda: "Defined runtime environment variables").
      _HANDLER: packaged.handler,
      AWS_EXECUTION_ENV: `AWS_Lambda_${packaged.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: packaged.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(packaged.memoryMb),
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${packaged.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `emulated/[$LATEST]${randomBytes(16).toString("hex")}`,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      LAMBDA_TASK_ROOT: this.taskRoot(packaged),
      // Only the runtime's modules: a dependency the bundle forgot fails as it would in AWS.
      NODE_PATH: ensureRuntimeModules(),
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
      // The emulated AWS, and no shared config of the machine running the tests.
      AWS_ENDPOINT_URL: endpoint,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      // Node's on-disk compile cache: later cold starts skip compiling the SDK and the bundle again.
      // It changes how fast an environment starts, never what it runs.
      NODE_COMPILE_CACHE: compileCacheDirectory,
    };
  }
}

/**
 * Starts an emulator for the packaged service; no process runs until the first invoke.
 *
 * @example
 * ```ts
 * const lambdas = startLambdaEmulator({ service: await packageService(), refs: { StateTable: "t", NpsSyncDocument: "d" } });
 * await lambdas.setCredentials("discover", roleCredentials);
 * const outcome = await lambdas.invoke("discover", input);
 * await lambdas.stop();
 * ```
 */
export function startLambdaEmulator(options: LambdaEmulatorOptions): LambdaEmulator {
  return new LambdaEmulator(options);
}
