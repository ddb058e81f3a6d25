import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordApiCalls } from "../support/doubles/api-calls.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { ExecutionEnvironment, type InvokeOutcome } from "../support/lambda/execution-environment.js";
import { node22Binary } from "../support/lambda/node22.js";
import { ensureRuntimeModules, runtimeProvidedPackages } from "../support/lambda/runtime-modules.js";
import { repositoryRoot } from "../support/paths.js";
import { createStateTable } from "../support/seed.js";

/** A throw-away task folder holding one handler file, as a function's zip would. */
const scratch = mkdtempSync(join(tmpdir(), "radius-sync-runtime-test-"));
const started: ExecutionEnvironment[] = [];

/** An environment running `source` as `handler.cjs`; what it prints is collected in `output`. */
function environmentWith(source: string, options: { timeoutSeconds?: number } = {}) {
  const taskRoot = mkdtempSync(join(scratch, "task-"));
  mkdirSync(taskRoot, { recursive: true });
  writeFileSync(join(taskRoot, "handler.cjs"), source);
  const output: string[] = [];
  const environment = new ExecutionEnvironment({
    node: node22Binary(),
    taskRoot,
    handler: "handler.handler",
    timeoutSeconds: options.timeoutSeconds ?? 10,
    environment: {
      PATH: `${dirname(node22Binary())}:/usr/bin:/bin`,
      LAMBDA_TASK_ROOT: taskRoot,
      NODE_PATH: ensureRuntimeModules(),
      AWS_LAMBDA_FUNCTION_NAME: "runtime-test",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_REGION: "us-east-1",
    },
    logFile: join(scratch, "runtime-test.log"),
    onOutput: (text) => output.push(text),
  });
  started.push(environment);
  return { environment, output };
}

const invoke = (environment: ExecutionEnvironment, event: unknown = {}) =>
  environment.invoke({ event, traceId: "Root=1-00000000-000000000000000000000000;Sampled=0" });

const errorOf = (outcome: InvokeOutcome) => (outcome.ok ? undefined : outcome.error);
const originOf = (outcome: InvokeOutcome) => (outcome.ok ? undefined : outcome.origin);
const resultOf = (outcome: InvokeOutcome) =>
  outcome.ok ? (JSON.parse(outcome.payload) as unknown) : undefined;

afterAll(async () => {
  await Promise.all(started.map((environment) => environment.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

describe("the nodejs22.x runtime: aws-lambda-ric behind aws-lambda-rie", () => {
  it("runs the handler on Node 22 and returns its result as JSON", async () => {
    const { environment } = environmentWith(
      "exports.handler = async (event, context) => ({ node: process.versions.node, echo: event.value, fn: context.functionName });",
    );

    const outcome = await invoke(environment, { value: 7 });

    expect(outcome.ok).toBe(true);
    const result = resultOf(outcome) as { node: string; echo: number; fn: string };
    expect(result.node.split(".")[0]).toBe("22");
    expect(result).toMatchObject({ echo: 7, fn: "runtime-test" });
  });

  it("is AWS's client that runs it: its Runtime API, its request ids, its log lines", async () => {
    const { environment, output } = environmentWith(
      'exports.handler = async (event, context) => { console.log("hello from", context.awsRequestId); return { api: process.env.AWS_LAMBDA_RUNTIME_API, id: context.awsRequestId }; };',
    );

    const result = resultOf(await invoke(environment)) as { api: string; id: string };

    expect(result.api).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
    // The client's console: time, request id, level, message, as in a Lambda log stream.
    expect(output.join("")).toMatch(
      new RegExp(`\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${result.id}\\tINFO\\thello from ${result.id}`),
    );
    // The emulator's own report of the invoke.
    expect(output.join("")).toContain(`END RequestId: ${result.id}`);
  });

  it("provides the AWS SDK as the runtime does", async () => {
    const { environment } = environmentWith(
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
    for (const own of ["zod", "@middy/core", "@aws-lambda-powertools/logger", "esbuild", "aws-lambda-ric"]) {
      expect(provided.has(own), own).toBe(false);
    }
  });

  it("fails with Runtime.ImportModuleError when the bundle requires a package the runtime lacks", async () => {
    const { environment } = environmentWith('require("zod"); exports.handler = async () => "never";');

    const outcome = await invoke(environment);

    expect(errorOf(outcome)?.errorType).toBe("Runtime.ImportModuleError");
    expect(errorOf(outcome)?.errorMessage).toContain("zod");
    expect(originOf(outcome)).toBe("runtime");
  });

  it("reports a thrown error's name as errorType, with its message and stack trace", async () => {
    const { environment } = environmentWith(
      'exports.handler = async () => { const e = new Error("directory d-0123456789 is Impaired"); e.name = "DirectoryNotActive"; throw e; };',
    );

    const outcome = await invoke(environment);

    expect(errorOf(outcome)).toMatchObject({
      errorType: "DirectoryNotActive",
      errorMessage: "directory d-0123456789 is Impaired",
    });
    expect(errorOf(outcome)?.trace[0]).toBe("DirectoryNotActive: directory d-0123456789 is Impaired");
    expect(originOf(outcome)).toBe("bundle");
  });

  it("names a minified error class by the name it carries, as AWS would", async () => {
    const { environment } = environmentWith(
      "class pe extends Error {} exports.handler = async () => { throw new (class extends pe { name = pe.name })('bad'); };",
    );

    const outcome = await invoke(environment);

    expect(errorOf(outcome)?.errorType).toBe("pe");
    expect(originOf(outcome)).toBe("bundle");
  });

  it("reports a thrown value that is no Error by its type, whatever name it carries", async () => {
    const { environment } = environmentWith(
      'exports.handler = async () => { throw { name: "DirectoryNotActive", message: "not an Error" }; };',
    );

    expect(errorOf(await invoke(environment))).toMatchObject({
      errorType: "object",
      errorMessage: "[object Object]",
    });
  });

  it("tells a result that looks like an error payload from an error", async () => {
    const { environment } = environmentWith(
      'exports.handler = async () => ({ errorType: "DirectoryNotActive", errorMessage: "only data" });',
    );

    const outcome = await invoke(environment);

    expect(outcome.ok).toBe(true);
    expect(resultOf(outcome)).toEqual({ errorType: "DirectoryNotActive", errorMessage: "only data" });
  });

  it("attributes an error the AWS SDK made to the SDK, whatever its name", async () => {
    // A service that answers every call with SSM's throttling error, in its wire shape.
    const service = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify({ __type: "ThrottlingException", message: "slow down" }));
      });
    });
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", () => resolve()));
    const { environment } = environmentWith(
      'const { SSMClient, DescribeInstanceInformationCommand } = require("@aws-sdk/client-ssm"); ' +
        "exports.handler = async (event) => new SSMClient({ endpoint: event.endpoint, region: 'us-east-1', " +
        "maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).send(new DescribeInstanceInformationCommand({}));",
    );

    try {
      const endpoint = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
      const outcome = await invoke(environment, { endpoint });

      expect(errorOf(outcome)?.errorType).toBe("ThrottlingException");
      expect(originOf(outcome)).toBe("aws-sdk");
    } finally {
      service.close();
    }
  });

  it("fails with Runtime.HandlerNotFound when the export is missing", async () => {
    const { environment } = environmentWith("exports.other = async () => 1;");

    expect(errorOf(await invoke(environment))?.errorType).toBe("Runtime.HandlerNotFound");
  });

  it("fails with Sandbox.Timedout when the handler outlives the function's timeout, then starts afresh", async () => {
    const { environment } = environmentWith(
      "let invokes = 0; exports.handler = async (event) => { invokes += 1; if (event.hang) await new Promise(() => setInterval(() => undefined, 1000)); return invokes; };",
      { timeoutSeconds: 1 },
    );

    const before = resultOf(await invoke(environment, {}));
    const error = errorOf(await invoke(environment, { hang: true }));
    const after = resultOf(await invoke(environment, {}));

    expect(before).toBe(1);
    expect(error?.errorType).toBe("Sandbox.Timedout");
    expect(error?.errorMessage).toMatch(
      /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/,
    );
    // Lambda ends a timed-out environment's runtime: the next invoke initialises the module again.
    expect(after).toBe(1);
  });

  it("fails with Runtime.ExitError when the process exits during an invoke", async () => {
    const { environment } = environmentWith("exports.handler = async () => process.exit(3);");

    expect(errorOf(await invoke(environment))).toMatchObject({
      errorType: "Runtime.ExitError",
      errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Runtime exited with error: exit status 3$/),
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
