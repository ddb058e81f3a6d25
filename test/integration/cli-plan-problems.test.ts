/**
 * `radius-sync plan` tells a script or a CI job whether the plan can be applied: exit 0 when it
 * can, 3 (and the problems printed) when a problem found while planning would stop `start` before
 * any change. The dry run is the real workflow on moto, started through the Step Functions double
 * (test/support/doubles/step-functions.ts), as in cli.test.ts.
 */
import { readFileSync } from "node:fs";
import { CreateStateMachineCommand } from "@aws-sdk/client-sfn";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliClients, createCliClients } from "../../shared/cli/clients.js";
import { exitCodes } from "../../shared/cli/errors.js";
import { runCli } from "../../shared/cli/main.js";
import { installStepFunctionsDouble, type StepFunctionsDouble } from "../support/doubles/step-functions.js";
import { testRegion } from "../support/environment.js";
import { definitionPath } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

class Captured {
  text = "";
  readonly isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

let world: World;
let clients: CliClients;
let executions: StepFunctionsDouble;

async function cli(...argv: string[]) {
  const stdout = new Captured();
  const stderr = new Captured();
  const exitCode = await runCli(argv, { stdout, stderr, clients, pollIntervalMs: 20 });
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

beforeEach(async () => {
  world = await prepareWorld();
  clients = createCliClients({ endpoint: process.env.AWS_ENDPOINT_URL ?? "", region: testRegion });
  await clients.sfn.send(
    new CreateStateMachineCommand({
      name: "radius-sync-dev",
      definition: readFileSync(definitionPath, "utf8"),
      roleArn: "arn:aws:iam::123456789012:role/radius-sync-dev-states",
    }),
  );
  executions = installStepFunctionsDouble();
});

afterEach(async () => {
  await executions.settled();
});

describe("radius-sync plan exit codes", () => {
  it("exits 3 and prints the problem when an NPS server is offline, changing nothing", async () => {
    const offline = world.estate.npsServers[1].instanceId;
    world.nodes.setPingStatus(offline, "ConnectionLost");

    const result = await cli("plan");

    expect(result.exitCode, result.stderr).toBe(exitCodes.planHasProblems);
    expect(exitCodes.planHasProblems).toBe(3);
    expect(result.stdout).toMatch(
      new RegExp(
        `Problems \\(the plan cannot be applied until these are fixed\\)\\n {2}! NpsServerOffline \\(${offline}\\): .*ConnectionLost`,
      ),
    );
    expect(result.stderr).toContain("The plan has 1 problem(s) that forbid applying it");
    // The recorder on the rig's proxy sees the CLI's own Step Functions calls too (creating the
    // machine, starting the dry run); neither changes the estate, nor does the lock bookkeeping.
    expect(
      world.calls.mutatingCalls().filter((call) => !["dynamodb", "states"].includes(call.service)),
    ).toEqual([]);
  });

  it("exits 0 when the plan can be applied, and again once it has been (no changes)", async () => {
    expect((await cli("plan")).exitCode).toBe(exitCodes.ok);
    expect((await cli("start", "--follow")).exitCode).toBe(exitCodes.ok);

    const result = await cli("plan");

    expect(result.exitCode, result.stderr).toBe(exitCodes.ok);
    expect(result.stdout).toContain("No changes: the estate already matches.");
    expect(result.stderr).not.toContain("problem(s)");
  });

  it("exits 3 from a followed dry run with a problem too, with the problem in its summary", async () => {
    const offline = world.estate.npsServers[0].instanceId;
    world.nodes.setPingStatus(offline, "ConnectionLost");

    const result = await cli("start", "--dry-run", "--follow");

    expect(result.exitCode).toBe(exitCodes.planHasProblems);
    expect(result.stderr).toContain("Execution SUCCEEDED");
    expect(result.stderr).toMatch(new RegExp(`problem NpsServerOffline \\(${offline}\\)`));
    expect(result.stderr).toContain("The plan has 1 problem(s) that forbid applying it");
  });
});
