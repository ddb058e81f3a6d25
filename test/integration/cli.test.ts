import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateStateMachineCommand } from "@aws-sdk/client-sfn";
import type { Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliClients, createCliClients } from "../../shared/cli/clients.js";
import { runCli } from "../../shared/cli/main.js";
import { installInterceptor } from "../support/doubles/registry.js";
import { installStepFunctionsDouble, type StepFunctionsDouble } from "../support/doubles/step-functions.js";
import { testRegion } from "../support/environment.js";
import { readDirectoryRadius, readSecret } from "../support/inspect.js";
import { repositoryRoot } from "../support/paths.js";
import { definitionPath } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/** What a command printed, with the streams as a pipe (not a terminal) sees them. */
class Captured {
  text = "";
  constructor(readonly isTTY = false) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

interface BadInputCase {
  case: string;
  argv: string[];
  expected: string[];
}
const badInputs = JSON.parse(
  readFileSync(join(repositoryRoot, "test/fixtures/cli/bad-inputs.json"), "utf8"),
) as BadInputCase[];

const endpoint = () => process.env.AWS_ENDPOINT_URL ?? "";

let world: World;
let clients: CliClients;
let executions: StepFunctionsDouble;
let sfnOperations: string[];
let historyTokens: unknown[];

async function cli(...argv: string[]) {
  return await cliOn(new Captured(), argv);
}

async function cliOn(stdout: Captured, argv: string[]) {
  const stderr = new Captured();
  const exitCode = await runCli(argv, { stdout, stderr, clients, pollIntervalMs: 20, historyPageSize: 7 });
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

beforeEach(async () => {
  world = await prepareWorld();
  clients = createCliClients({ endpoint: endpoint(), region: testRegion });
  // The machine lives in moto, found by name (radius-sync-<stage>) as in a deployed account.
  await clients.sfn.send(
    new CreateStateMachineCommand({
      name: "radius-sync-dev",
      definition: readFileSync(definitionPath, "utf8"),
      roleArn: "arn:aws:iam::123456789012:role/radius-sync-dev-states",
    }),
  );
  sfnOperations = [];
  historyTokens = [];
  installInterceptor(
    { service: "states" },
    "cli-sfn-calls",
    async (call, next) => {
      sfnOperations.push(call.operation);
      if (call.operation === "GetExecutionHistory") historyTokens.push(call.input.nextToken);
      return await next();
    },
    "high",
  );
  executions = installStepFunctionsDouble();
});

afterEach(async () => {
  // A background execution must end before moto is reset for the next test.
  await executions.settled();
});

describe("radius-sync start", () => {
  it("prints the execution ARN, each step as it ends and the changes, exits 0 and changes the estate", async () => {
    const result = await cli("start", "--follow");

    expect(result.exitCode, result.stderr).toBe(0);
    const [arn] = result.stdout.split("\n");
    expect(arn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:radius-sync-dev:/);
    for (const step of [
      "ValidateInput",
      "DiscoverAndPlan",
      "AcquireLock",
      "EnsureSecret",
      "ApplySecurityGroupRules",
      "PushToNpsServers",
      "UpdateDirectories",
      "ReportChanges",
    ]) {
      expect(result.stdout).toMatch(new RegExp(`✓ ${step} +\\d+\\.\\d s`));
    }
    expect(result.stdout).not.toContain("IsDryRun");
    // The phase loop's bookkeeping (Pass states) is not a step.
    expect(result.stdout).not.toContain("SelectPhase");
    expect(result.stdout).toContain("Execution SUCCEEDED");
    expect(result.stdout).toMatch(/Applied \d+ change\(s\):/);
    expect(result.stdout).toContain(`enable RADIUS on ${world.estate.directory.directoryId}`);
    // Small pages (7 events): the history is read page by page with nextToken, each event once.
    expect(historyTokens.filter((token) => token !== undefined).length).toBeGreaterThan(3);
    for (const once of ["ValidateInput", "EnsureSecret", "ReportChanges"]) {
      expect(result.stdout.match(new RegExp(`✓ ${once} `, "g"))).toHaveLength(1);
    }
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).status).toBe("Completed");
    const secret = await readSecret("AWSCURRENT");
    expect(result.stdout).toContain(`Secret version in use: ${secret.versionId}`);
    expect(result.stdout + result.stderr).not.toContain(secret.value);
  });

  it("exits 1 and prints the error name and cause when an NPS server is offline", async () => {
    const offline = world.estate.npsServers[1].instanceId;
    world.nodes.setPingStatus(offline, "ConnectionLost");

    const result = await cli("start", "--follow");

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/✗ \w+ +\d+\.\d s {2}NpsServerOffline/);
    expect(result.stderr).toContain("Execution FAILED");
    expect(result.stderr).toContain("Error: NpsServerOffline");
    expect(result.stderr).toMatch(new RegExp(`Cause: .*${offline}.*ConnectionLost`));
    expect(world.calls.callsTo("EnableRadius")).toEqual([]);
  });

  it("starts without waiting, and follow shows the same execution to its end", async () => {
    const started = await cli("start", "--dry-run");
    expect(started.exitCode, started.stderr).toBe(0);
    const arn = started.stdout.trim();
    expect(arn).toMatch(/^arn:aws:states:/);
    expect(started.stdout).not.toContain("✓");

    const followed = await cli("follow", arn);

    expect(followed.exitCode, followed.stderr).toBe(0);
    expect(followed.stdout).toMatch(/✓ DiscoverAndPlan/);
    expect(followed.stdout).toMatch(/Dry run: \d+ change\(s\) planned, nothing applied/);
    expect(executions.executions).toHaveLength(1);
  });
});

describe("radius-sync follow after a retried step", () => {
  it("shows the step once, as done after the error its Retry got past", async () => {
    // Prepare: ValidateInput is throttled once, then the real handler answers (Retry on AwsThrottled).
    const { handler } = await import("../../functions/validate-input/handler.js");
    let calls = 0;
    const throttledOnce = async (input: unknown) => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error("Rate exceeded"), { name: "AwsThrottled" });
      return handler(input as Parameters<typeof handler>[0], { awsRequestId: "retry-test" } as Context);
    };
    executions.remove();
    executions = installStepFunctionsDouble({ taskOverrides: { ValidateInput: throttledOnce } });

    const result = await cli("start", "--dry-run", "--follow");

    expect(result.exitCode, result.stderr).toBe(0);
    expect(calls).toBe(2);
    expect(result.stdout).toMatch(/✓ ValidateInput +\d+\.\d s {2}\(retried after AwsThrottled\)/);
    expect(result.stdout.match(/ValidateInput/g)).toHaveLength(1);
  });
});

describe("radius-sync follow on a terminal", () => {
  it("redraws a spinner line in place and still prints every finished step", async () => {
    const terminal = new Captured(true);

    const result = await cliOn(terminal, ["start", "--dry-run", "--follow"]);

    expect(result.exitCode, result.stderr).toBe(0);
    const clearLine = "\r\x1b[2K";
    const redraws = result.stdout.split(clearLine);
    // A spinner frame with the running step's name and elapsed time, drawn over the previous one.
    expect(redraws.some((chunk) => /^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] [A-Z]\w+.* \d+\.\d s$/.test(chunk))).toBe(true);
    expect(redraws.some((chunk) => /^ {2}✓ DiscoverAndPlan +\d+\.\d s\n/.test(chunk))).toBe(true);
    expect(result.stdout).toContain("Execution SUCCEEDED");
  });
});

describe("radius-sync plan", () => {
  it("prints the directory enable, the two NPS pushes and the two security-group rules as a diff", async () => {
    const result = await cli("plan");

    expect(result.exitCode, result.stderr).toBe(0);
    const { directory, npsServers } = world.estate;
    expect(result.stdout).toContain(`Directories\n  + ${directory.directoryId}: enable RADIUS`);
    for (const server of npsServers) {
      expect(result.stdout).toContain(`  ~ ${server.instanceId} (${server.privateIp}): push configuration`);
      expect(result.stdout).toContain(
        `  + ${directory.securityGroupId} (${directory.directoryId}): UDP 1812 from ${server.privateIp}/32`,
      );
    }
    for (const ip of directory.connectIps) expect(result.stdout).toMatch(new RegExp(`\\+ client \\S+ ${ip}`));
    expect(result.stdout).toMatch(/Secret\n {2}\+ create radius-sync\/shared-secret/);
    expect(result.stdout).toMatch(/\d+ change\(s\) planned/);
    expect(JSON.parse(executions.executions[0]?.input ?? "{}")).toMatchObject({ dryRun: true });
    // The recorder sees the CLI's own Step Functions calls too (creating the machine, starting the dry
    // run); neither changes the estate, and neither does the dry run's lock bookkeeping.
    const changes = world.calls
      .mutatingCalls()
      .filter((call) => !["dynamodb", "states"].includes(call.service));
    expect(changes).toEqual([]);
  });
});

describe("radius-sync status", () => {
  it("prints a table per directory with RADIUS Completed, the servers, the secret version and the last execution", async () => {
    expect((await cli("start", "--follow")).exitCode).toBe(0);

    const result = await cli("status");

    expect(result.exitCode, result.stderr).toBe(0);
    const servers = world.estate.npsServers.map((server) => server.privateIp).sort();
    const secret = await readSecret("AWSCURRENT");
    expect(result.stdout).toContain(`Directory ${world.estate.directory.directoryId}`);
    expect(result.stdout).toMatch(/RADIUS status +Completed/);
    expect(result.stdout).toMatch(new RegExp(`RADIUS servers +${servers.join(", ")} \\(port 1812\\)`));
    expect(result.stdout).toMatch(/Protocol +PAP/);
    expect(result.stdout).toMatch(/Timeout \/ retries +30 s \/ 1/);
    expect(result.stdout).toMatch(
      new RegExp(`Secret version +${secret.versionId} \\(AWSCURRENT, created .*, 0 min old\\)`),
    );
    expect(result.stdout).toMatch(/Last execution +SUCCEEDED/);
    expect(result.stdout).not.toContain(secret.value);
    expect(sfnOperations).toContain("ListExecutions");
  });

  it("lists WorkSpaces-only (wsd-) directories as not managed and never sends them to Directory Service", async () => {
    // Prepare: the seeded estate lists three wsd- directories beside the AD Connector.
    const foreign = world.estate.workspacesOnlyDirectoryIds;
    expect(foreign).toHaveLength(3);

    // Act
    const result = await cli("status");

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Directory ${world.estate.directory.directoryId}`);
    for (const directoryId of foreign) {
      expect(result.stdout).toMatch(
        new RegExp(
          `Directory ${directoryId}\n +Not managed +a WorkSpaces directory .*not an AWS Directory Service directory`,
        ),
      );
    }
    const described = world.calls
      .callsTo("DescribeDirectories")
      .flatMap((call) => call.input.DirectoryIds as string[]);
    expect(described).toEqual([world.estate.directory.directoryId]);
  });

  it("reports RADIUS not enabled and no execution on an untouched estate", async () => {
    const result = await cli("status");

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/RADIUS status +not enabled/);
    expect(result.stdout).toMatch(/Secret version +none/);
    expect(result.stdout).toMatch(/Last execution +none yet/);
  });
});

describe("radius-sync refuses bad input before calling AWS", () => {
  it.each(badInputs)("$case: prints each bad field and exits 2", async ({ argv, expected }) => {
    const result = await cli(...argv);

    expect(result.exitCode).toBe(2);
    for (const text of expected) expect(result.stderr).toContain(text);
    expect(sfnOperations).toEqual([]);
    expect(executions.executions).toEqual([]);
  });
});

describe("radius-sync as a command", () => {
  const bin = join(repositoryRoot, "bin", "radius-sync.mjs");
  const run = promisify(execFile);

  it("prints the help and exits 0", async () => {
    const { stdout } = await run(process.execPath, [bin, "--help"], { cwd: repositoryRoot });

    for (const command of ["start", "follow", "plan", "status"])
      expect(stdout).toContain(`radius-sync ${command}`);
    expect(stdout).toContain("--state-machine-arn");
  });

  it("exits 2 on a bad input given through the real entry point, with --endpoint", async () => {
    const failure = await run(process.execPath, [bin, "--endpoint", endpoint(), "start", "--mode", "bogus"], {
      cwd: repositoryRoot,
    }).catch((error: { code: number; stderr: string }) => error);

    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("--mode (mode): must be");
  });

  it("finds the state machine by stage through the real entry point and names the missing one", async () => {
    const failure = await run(
      process.execPath,
      [bin, "--endpoint", endpoint(), "--region", testRegion, "--stage", "prod", "start"],
      { cwd: repositoryRoot },
    ).catch((error: { code: number; stderr: string }) => error);

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("no state machine named radius-sync-prod");
  });
});
