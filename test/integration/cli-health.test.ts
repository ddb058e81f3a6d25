import { readFileSync } from "node:fs";
import { CreateStateMachineCommand } from "@aws-sdk/client-sfn";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliClients, createCliClients } from "../../shared/cli/clients.js";
import { runCli } from "../../shared/cli/main.js";
import { installStepFunctionsDouble, type StepFunctionsDouble } from "../support/doubles/step-functions.js";
import { testRegion } from "../support/environment.js";
import { definitionPath, healthDefinitionPath, runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/**
 * `radius-sync health` and the health section of `radius-sync status`, against both state machines
 * in moto (found by name, as in a deployed account) run by the Step Functions double.
 */

class Captured {
  text = "";
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

let world: World;
let clients: CliClients;
let executions: StepFunctionsDouble;

async function cli(...argv: string[]) {
  const [stdout, stderr] = [new Captured(), new Captured()];
  const exitCode = await runCli(argv, { stdout, stderr, clients, pollIntervalMs: 20 });
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

beforeEach(async () => {
  world = await prepareWorld();
  clients = createCliClients({ endpoint: process.env.AWS_ENDPOINT_URL ?? "", region: testRegion });
  for (const [name, path] of [
    ["radius-sync-dev", definitionPath],
    ["radius-sync-dev-health", healthDefinitionPath],
  ] as const) {
    await clients.sfn.send(
      new CreateStateMachineCommand({
        name,
        definition: readFileSync(path, "utf8"),
        roleArn: `arn:aws:iam::123456789012:role/${name}-states`,
      }),
    );
  }
  executions = installStepFunctionsDouble();
  expect((await runWorkflow({ mode: "reconcile" })).status).toBe("SUCCEEDED");
});

afterEach(async () => {
  await executions.settled();
});

describe("radius-sync health", () => {
  it("runs the health check, prints each server's certificate days and problems, and exits 1 on a problem", async () => {
    const [server] = world.estate.npsServers;
    const model = world.npsHosts.modelOf(server.instanceId);
    const [certificate] = model.certificates ?? [];
    if (certificate === undefined) throw new Error("the model has a certificate");
    certificate.notAfter = new Date(Date.now() + 20.5 * 86_400_000).toISOString();

    const result = await cli("health");

    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `${server.instanceId}\\s+extension 1\\.2\\.2216\\.1 healthy; certificate expires in 20 days; problems: CertificateExpiresSoon`,
      ),
    );
    expect(result.stdout).toContain("MFA outcomes since the previous check (counts only)");
    expect(result.stderr).toContain(":execution:radius-sync-dev-health:");
  });

  it("exits 0 when every server is healthy", async () => {
    const result = await cli("health");
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.match(/no problems/g)).toHaveLength(world.estate.npsServers.length);
  });
});

describe("radius-sync status", () => {
  it("shows the last health check's report after the directories", async () => {
    const [server] = world.estate.npsServers;
    const [certificate] = world.npsHosts.modelOf(server.instanceId).certificates ?? [];
    if (certificate === undefined) throw new Error("the model has a certificate");
    certificate.notAfter = new Date(Date.now() + 20.5 * 86_400_000).toISOString();
    expect((await cli("status")).stdout).toContain("NPS health: no health check has succeeded yet");
    await cli("health");

    const result = await cli("status");

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Directory ${world.estate.directory.directoryId}`);
    expect(result.stdout).toContain("NPS health, checked ");
    expect(result.stdout).toMatch(new RegExp(`${server.instanceId}.*certificate expires in 20 days`));
  });
});
