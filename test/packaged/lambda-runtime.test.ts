import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordApiCalls } from "../support/doubles/api-calls.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { FunctionProcess, type InvokeOutcome } from "../support/lambda/function-process.js";
import { node22Binary } from "../support/lambda/node22.js";
import { ensureRuntimeModules, runtimeProvidedPackages } from "../support/lambda/runtime-modules.js";
import { repositoryRoot } from "../support/paths.js";
import { createStateTable } from "../support/seed.js";

/** A throw-away task folder holding one handler file, as a function's zip would. */
const scratch = mkdtempSync(join(tmpdir(), "radius-sync-runtime-test-"));
const started: FunctionProcess[] = [];

function environmentWith(source: string, options: { file?: string } = {}): FunctionProcess {
  const taskRoot = mkdtempSync(join(scratch, "task-"));
  const file = options.file ?? "handler.cjs";
  mkdirSync(taskRoot, { recursive: true });
  writeFileSync(join(taskRoot, file), source);
  const environment = new FunctionProcess({
    node: node22Binary(),
    taskRoot,
    environment: {
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: `${file.replace(/\.[cm]?js$/, "")}.handler`,
      NODE_PATH: ensureRuntimeModules(),
      AWS_LAMBDA_FUNCTION_NAME: "runtime-test",
    },
    logFile: join(scratch, "runtime-test.log"),
    onOutput: () => undefined,
  });
  started.push(environment);
  return environment;
}

const invoke = (environment: FunctionProcess, event: unknown = {}, timeoutMs = 10_000) =>
  environment.invoke({
    event,
    requestId: "request-1",
    traceId: "Root=1-00000000-000000000000000000000000;Sampled=0",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:runtime-test",
    timeoutMs,
  });

const errorOf = (outcome: InvokeOutcome) => (outcome.ok ? undefined : outcome.error);

afterAll(async () => {
  await Promise.all(started.map((environment) => environment.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

describe("the emulated nodejs22.x runtime", () => {
  it("runs the handler on Node 22 and returns its result as JSON", async () => {
    const environment = environmentWith(
      "exports.handler = async (event, context) => ({ node: process.versions.node, echo: event.value, fn: context.functionName });",
    );

    const outcome = await invoke(environment, { value: 7 });

    expect(outcome.ok).toBe(true);
    const result = JSON.parse(outcome.ok ? outcome.payload : "{}") as {
      node: string;
      echo: number;
      fn: string;
    };
    expect(result.node.split(".")[0]).toBe("22");
    expect(result).toMatchObject({ echo: 7, fn: "runtime-test" });
  });

  it("provides the AWS SDK as the runtime does", async () => {
    const environment = environmentWith(
      'const { SSMClient } = require("@aws-sdk/client-ssm"); exports.handler = async () => typeof SSMClient;',
    );

    expect(await invoke(environment)).toEqual({ ok: true, payload: '"function"' });
  });

  it("provides @aws-sdk/* and its dependencies, and none of the packages a bundle must carry itself", () => {
    const lock = JSON.parse(readFileSync(join(repositoryRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, never>;
    };

    const provided = runtimeProvidedPackages(lock.packages);

    expect([...provided]).toEqual(
      expect.arrayContaining(["@aws-sdk/client-ssm", "@aws-sdk/client-ec2", "@smithy/core"]),
    );
    for (const own of ["zod", "@middy/core", "@aws-lambda-powertools/logger", "esbuild"]) {
      expect(provided.has(own), own).toBe(false);
    }
  });

  it("fails with Runtime.ImportModuleError when the bundle requires a package the runtime lacks", async () => {
    const environment = environmentWith('require("zod"); exports.handler = async () => "never";');

    const error = errorOf(await invoke(environment));

    expect(error?.errorType).toBe("Runtime.ImportModuleError");
    expect(error?.errorMessage).toContain("zod");
  });

  it("reports a thrown error's name as errorType, with its message and stack trace", async () => {
    const environment = environmentWith(
      'exports.handler = async () => { const e = new Error("directory d-0123456789 is Impaired"); e.name = "DirectoryNotActive"; throw e; };',
    );

    const outcome = await invoke(environment);

    expect(errorOf(outcome)).toMatchObject({
      errorType: "DirectoryNotActive",
      errorMessage: "directory d-0123456789 is Impaired",
    });
    expect(errorOf(outcome)?.trace[0]).toBe("DirectoryNotActive: directory d-0123456789 is Impaired");
    expect(outcome.ok ? undefined : outcome.origin).toBe("builtin");
  });

  it("names a minified error class by the name it carries, as AWS would", async () => {
    const environment = environmentWith(
      "class pe extends Error {} exports.handler = async () => { throw new (class extends pe { name = pe.name })('bad'); };",
    );

    const outcome = await invoke(environment);

    expect(errorOf(outcome)?.errorType).toBe("pe");
    expect(outcome.ok ? undefined : outcome.origin).toBe("bundle");
  });

  it("fails with Runtime.HandlerNotFound when the export is missing", async () => {
    const environment = environmentWith("exports.other = async () => 1;");

    expect(errorOf(await invoke(environment))?.errorType).toBe("Runtime.HandlerNotFound");
  });

  it("fails with Sandbox.Timedout when the handler outlives the function's timeout", async () => {
    const environment = environmentWith("exports.handler = () => new Promise(() => undefined);");

    const error = errorOf(await invoke(environment, {}, 300));

    expect(error?.errorType).toBe("Sandbox.Timedout");
    expect(environment.alive).toBe(false);
  });

  it("fails with Runtime.ExitError when the process exits during an invoke", async () => {
    const environment = environmentWith("exports.handler = async () => process.exit(3);");

    expect(errorOf(await invoke(environment))).toMatchObject({
      errorType: "Runtime.ExitError",
      errorMessage: "Error: Runtime exited with error: exit status 3",
    });
  });
});

describe("the emulator's per-function credentials and environment", () => {
  const lockInput = {
    run: {
      mode: "reconcile",
      dryRun: false,
      executionId: "arn:aws:states:us-east-1:123456789012:execution:radius-sync-ci:credentials",
      startedAt: "2026-11-24T12:00:00.000Z",
    },
    attempt: 0,
  };
  const release = { run: lockInput.run };

  it("signs a function's calls with the credentials set for it, from a fresh environment", async () => {
    const lambdas = currentLambdas();
    await createStateTable();
    const calls = recordApiCalls();
    /** The access keys that signed one invoke of acquireLock (the lock released again after it). */
    const keysOfOneLock = async () => {
      calls.reset();
      await lambdas.invoke("acquireLock", lockInput);
      const keys = new Set(calls.calls.map((call) => call.accessKeyId));
      await lambdas.invoke("releaseLock", release);
      return keys;
    };

    const before = await keysOfOneLock();
    await lambdas.setCredentials("acquireLock", {
      accessKeyId: "AKIAACQUIRELOCKROLE1",
      secretAccessKey: "role-secret",
      sessionToken: "role-session",
    });
    const withRole = await keysOfOneLock();
    await lambdas.setCredentials("acquireLock", undefined);
    const after = await keysOfOneLock();

    expect(before).toEqual(new Set(["testing"]));
    expect(withRole).toEqual(new Set(["AKIAACQUIRELOCKROLE1"]));
    expect(after).toEqual(new Set(["testing"]));
  });

  it("gives a function the template's environment with its Refs resolved to the seeded stand-ins", () => {
    const discover = currentLambdas().function("discover");

    expect(discover.environment).toMatchObject({
      RADIUS_SYNC_STATE_TABLE: "radius-sync-state",
      RADIUS_SYNC_SSM_DOCUMENT_NAME: "radius-sync-nps",
      RADIUS_SYNC_NPS_TAG: "radius-sync:nps=true",
    });
    expect(discover.runtime).toBe("nodejs22.x");
    expect(discover.handler).toBe("functions/discover/handler.handler");
  });
});
