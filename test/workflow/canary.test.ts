/**
 * Invariant 1, as a canary: after reconciles, rotations and a failed rotation whose rollback failed
 * too, no secret value that ever existed appears anywhere the run produced — state input and output
 * in the event log, log lines (at DEBUG), metrics, SSM command parameters and output, error texts,
 * result events — nor in the packaged template.
 */
import { GetSecretValueCommand, ListSecretVersionIdsCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { installInterceptor } from "../support/doubles/registry.js";
import { secretName } from "../support/inspect.js";
import { packageService } from "../support/package-template.js";
import { runWorkflow, type WorkflowResult } from "../support/workflow.js";
import { prepareWorld } from "../support/world.js";

// Before any handler (and so the Powertools logger and metrics) is loaded: log everything, emit metrics.
process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
process.env.POWERTOOLS_DEV = "false";
process.env.POWERTOOLS_METRICS_DISABLED = "false";

class InjectedFault extends Error {
  override name = "InjectedFault";
}

const written: string[] = [];
const originalWrites = {
  stdout: process.stdout.write.bind(process.stdout),
  stderr: process.stderr.write.bind(process.stderr),
};

async function everySecretValue(): Promise<string[]> {
  const { Versions = [] } = await clients.secretsManager.send(
    new ListSecretVersionIdsCommand({ SecretId: secretName(), IncludeDeprecated: true }),
  );
  const values: string[] = [];
  for (const { VersionId } of Versions) {
    const { SecretString } = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: secretName(), VersionId }),
    );
    if (SecretString) values.push(SecretString);
  }
  return values;
}

describe("the shared secret", () => {
  const results: WorkflowResult[] = [];
  const commandOutputs: unknown[] = [];
  let sentEverywhere = "";
  let secrets: string[] = [];

  beforeAll(async () => {
    const world = await prepareWorld();
    const outputs = installInterceptor({ service: "ssm" }, "canary:command-output", async (_call, next) => {
      const reply = await next();
      commandOutputs.push(reply.output);
      return reply;
    });
    // Captured, not passed through: Powertools writes straight to process.stdout, past vitest's
    // console capture, so passing it on would print every DEBUG line of a passing run.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      results.push(await runWorkflow({ mode: "reconcile" }));
      results.push(await runWorkflow({ mode: "rotate" }));
      results.push(await runWorkflow({ mode: "rotate", dryRun: true }));
      // The rotation fails at its first directory check, then its rollback's directory update fails too.
      let failures = 0;
      results.push(
        await runWorkflow(
          { mode: "rotate" },
          {
            intercept: async (state, _input, next) => {
              const output = await next();
              const failing =
                (failures === 0 && state === "CheckDirectories") ||
                (failures === 1 && state === "UpdateDirectories");
              if (failing) {
                failures += 1;
                throw new InjectedFault(`injected after ${state}`);
              }
              return output;
            },
          },
        ),
      );
      results.push(await runWorkflow({ mode: "reconcile" }));
    } finally {
      process.stdout.write = originalWrites.stdout;
      process.stderr.write = originalWrites.stderr;
      outputs.remove();
    }
    // What radius-sync sent to AWS, except where a secret must go: Directory Service's RADIUS
    // settings and Secrets Manager's own writes.
    sentEverywhere = JSON.stringify(
      world.calls.calls.filter(
        (call) =>
          !["EnableRadius", "UpdateRadius", "CreateSecret", "PutSecretValue"].includes(call.operation),
      ),
    );
    secrets = await everySecretValue();
  });

  afterAll(() => {
    process.stdout.write = originalWrites.stdout;
    process.stderr.write = originalWrites.stderr;
  });

  it("existed in three versions and the runs ended as planned", () => {
    expect(secrets).toHaveLength(3);
    expect(results.map((result) => `${result.status} ${result.error ?? ""}`.trim())).toEqual([
      "SUCCEEDED",
      "SUCCEEDED",
      "SUCCEEDED",
      "FAILED RollbackFailed",
      "SUCCEEDED",
    ]);
    expect(written.join("").length).toBeGreaterThan(0);
    expect(written.join("")).toContain('"_aws"');
  });

  it.each([
    [
      "every state's input and output in the event logs",
      () => JSON.stringify(results.map((result) => result.events)),
    ],
    [
      "the execution outputs and error texts",
      () => JSON.stringify(results.map(({ output, error, cause }) => ({ output, error, cause }))),
    ],
    ["every log line and metric written", () => written.join("")],
    [
      "every call radius-sync sent elsewhere (SSM parameters, records, result events, …)",
      () => sentEverywhere,
    ],
    ["every SSM answer (command output included)", () => JSON.stringify(commandOutputs)],
  ])("appears nowhere in %s", (_where, haystack) => {
    const text = haystack();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(text.includes(secret)).toBe(false);
      expect(text.includes(secret.slice(0, 16))).toBe(false);
    }
  });

  it("appears nowhere in the packaged template", async () => {
    const { template } = await packageService();
    const text = JSON.stringify(template);
    for (const secret of secrets) expect(text.includes(secret.slice(0, 16))).toBe(false);
    // osls package, as the package project allows it: past 60 s on a loaded 2-core machine.
  }, 180_000);
});
