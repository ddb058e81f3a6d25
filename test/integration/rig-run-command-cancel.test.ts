/**
 * CancelCommand and host doubles on the rig's Run Command model, through the AWS proxy to the real
 * SDK client: what a cancel does to a pending, a running and an ended invocation, a cancel that does
 * not take, the host hooks and what their output becomes, and moto still refusing a caller IAM denies.
 */
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { NPS_EXECUTION_TIMEOUT_SECONDS } from "../../shared/core/time-budget.js";
import { currentMoto } from "../support/current-moto.js";
import {
  type CommandInvocationDouble,
  installCommandInvocationDouble,
  recordApiCalls,
} from "../support/doubles/index.js";
import { enforceIam, relaxIam } from "../support/iam/enforcement.js";
import { userAllowedTo } from "../support/iam/iam-users.js";
import { rigClock } from "../support/rig/clock.js";
import { setRigCredentials } from "../support/rig/rig-clients.js";
import {
  type HostInvocation,
  type HostOutcome,
  registerRunCommandHost,
  runCommandModel,
} from "../support/rig/run-command/index.js";
import { standardErrorLimit, standardOutputLimit } from "../support/rig/ssm-rules.js";
import { type SeededEstate, seedEnvironment } from "../support/seed.js";

let estate: SeededEstate;
let nodes: [string, string];
let invocations: CommandInvocationDouble;

beforeEach(async () => {
  estate = await seedEnvironment();
  nodes = [estate.npsServers[0].instanceId, estate.npsServers[1].instanceId];
  invocations = installCommandInvocationDouble();
});

async function send(input: Partial<SendCommandCommandInput> = {}, client: SSMClient = clients.ssm) {
  const { Command } = await client.send(
    new SendCommandCommand({ DocumentName: estate.documentName, InstanceIds: [...nodes], ...input }),
  );
  return Command?.CommandId ?? "";
}

const invocation = (commandId: string, instanceId: string) =>
  clients.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));

async function statuses(commandId: string) {
  const shown: string[] = [];
  for (const instanceId of nodes) {
    const answer = await invocation(commandId, instanceId);
    shown.push(`${answer.Status}/${answer.StatusDetails}`);
  }
  return shown;
}

const cancel = (commandId: string, instanceIds?: string[]) =>
  clients.ssm.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: instanceIds }));

/** A host double for the NPS document that keeps a log of what it was told. */
function logHost(outcome: (invocation: HostInvocation) => HostOutcome) {
  const log: string[] = [];
  const name = (instanceId: string) => `node-${nodes.indexOf(instanceId)}`;
  registerRunCommandHost(
    { documentName: estate.documentName },
    {
      onStart: async (started) => {
        log.push(`start ${name(started.instanceId)} at ${started.startedAt}`);
        // Asynchronously, as a host that reads from moto would.
        await new Promise((resolve) => setImmediate(resolve));
        return outcome(started);
      },
      onKilled: (killed, reason) => void log.push(`killed ${name(killed.instanceId)} (${reason})`),
      onFinished: (ended, ending) =>
        void log.push(`finished ${name(ended.instanceId)} ${ending.statusDetails} at ${ending.endedAt}`),
    },
  );
  return log;
}

describe("CancelCommand", () => {
  it("ends a pending invocation Cancelled at once; a running one shows Cancelling until the kill", async () => {
    const log = logHost(() => ({ status: "Running" }));
    const commandId = await send({ MaxConcurrency: "1" });
    await rigClock.advance(10);

    await cancel(commandId);
    const atOnce = await statuses(commandId);
    const command = (await clients.ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands?.[0];
    await rigClock.advance(1);

    expect(atOnce).toEqual(["Cancelling/Cancelling", "Cancelled/Cancelled"]);
    expect(command?.Status).toBe("Cancelling");
    expect(await statuses(commandId)).toEqual(["Cancelled/Cancelled", "Cancelled/Cancelled"]);
    expect(log).toEqual([
      "start node-0 at 0",
      "killed node-0 (Cancelled)",
      "finished node-0 Cancelled at 11",
    ]);
    const after = (await clients.ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands?.[0];
    expect(after).toMatchObject({ Status: "Cancelled", CompletedCount: 2 });
  });

  it("cancels only the nodes named, and leaves an invocation that ended as it was", async () => {
    invocations.setOutcome(nodes[1], { pendingPolls: "forever" });
    const commandId = await send();
    expect(await statuses(commandId)).toEqual(["Success/Success", "InProgress/InProgress"]);

    await cancel(commandId, [nodes[0]]);
    await rigClock.advance(5);

    expect(await statuses(commandId)).toEqual(["Success/Success", "InProgress/InProgress"]);
    await cancel(commandId, [nodes[1]]);
    await rigClock.advance(1);
    expect(await statuses(commandId)).toEqual(["Success/Success", "Cancelled/Cancelled"]);
  });

  it("may not take: the invocation shows Cancelling, then ends as its script ends", async () => {
    invocations.setOutcome(nodes[0], { runSeconds: 100 });
    invocations.setCancel(nodes[0], { takes: false });
    const commandId = await send({ InstanceIds: [nodes[0]] });

    await cancel(commandId);
    await rigClock.advance(99);
    const running = (await invocation(commandId, nodes[0])).Status;
    await rigClock.advance(1);

    expect(running).toBe("Cancelling");
    expect((await invocation(commandId, nodes[0])).Status).toBe("Success");
  });

  it("answers InvalidCommandId, ValidationException, DuplicateInstanceId and InvalidInstanceId as SSM's model names them", async () => {
    const commandId = await send({ InstanceIds: [nodes[0]] });

    await expect(cancel("00000000-0000-0000-0000-000000000000")).rejects.toMatchObject({
      name: "InvalidCommandId",
    });
    await expect(cancel("not-a-command-id")).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("commandId"),
    });
    await expect(cancel(commandId, [nodes[0], nodes[0]])).rejects.toMatchObject({
      name: "DuplicateInstanceId",
    });
    await expect(cancel(commandId, [nodes[1]])).rejects.toMatchObject({ name: "InvalidInstanceId" });
  });

  it("is recorded as a mutating call", async () => {
    const calls = recordApiCalls();
    const commandId = await send();

    await cancel(commandId);

    expect(calls.mutatingCalls().map((call) => [call.operation, call.status])).toEqual([
      ["SendCommand", 200],
      ["CancelCommand", 200],
    ]);
  });
});

describe("host doubles", () => {
  it("run an invocation when it starts; its output shows once it has finished, cut to AWS's limits", async () => {
    const stdout = `${"o".repeat(standardOutputLimit)}lost`;
    const stderr = `${"e".repeat(standardErrorLimit)}lost`;
    const log = logHost((started) =>
      started.instanceId === nodes[0]
        ? { status: "Success", stdout }
        : { status: "Failed", exitCode: 3, stderr, stdout: "partial" },
    );
    invocations.setLatency({ pendingPolls: 1 });
    const commandId = await send({ Parameters: { Nonce: ["0123456789abcdef0123456789abcdef"] } });

    const running = await invocation(commandId, nodes[0]);
    const succeeded = await invocation(commandId, nodes[0]);
    await invocation(commandId, nodes[1]);
    const failed = await invocation(commandId, nodes[1]);

    expect(running).toMatchObject({ Status: "InProgress", ResponseCode: -1, StandardOutputContent: "" });
    expect(succeeded).toMatchObject({ Status: "Success", ResponseCode: 0 });
    expect(succeeded.StandardOutputContent).toBe(stdout.slice(0, standardOutputLimit));
    expect(failed).toMatchObject({ Status: "Failed", ResponseCode: 3, StandardOutputContent: "partial" });
    expect(failed.StandardErrorContent).toBe(stderr.slice(0, standardErrorLimit));
    expect(log.filter((line) => line.startsWith("start"))).toEqual([
      "start node-0 at 0",
      "start node-1 at 0",
    ]);
  });

  it("are killed when the execution timeout passes while the script still runs", async () => {
    const log = logHost(() => ({ status: "Running" }));
    const commandId = await send({ InstanceIds: [nodes[0]] });

    // The NPS document's execution timeout (shared/nps/ssm-document.cjs).
    await rigClock.advance(NPS_EXECUTION_TIMEOUT_SECONDS - 1);
    expect((await invocation(commandId, nodes[0])).Status).toBe("InProgress");
    await rigClock.advance(1);

    expect((await invocation(commandId, nodes[0])).StatusDetails).toBe("ExecutionTimedOut");
    expect(log).toEqual([
      "start node-0 at 0",
      "killed node-0 (ExecutionTimedOut)",
      `finished node-0 ExecutionTimedOut at ${NPS_EXECUTION_TIMEOUT_SECONDS}`,
    ]);
  });

  it("run only the document they registered for; one for every document serves the rest", async () => {
    const npsLog = logHost(() => ({ status: "Success", stdout: "nps" }));
    const others: string[] = [];
    registerRunCommandHost(
      {},
      {
        onStart: (started) => {
          others.push(started.documentName);
          return { status: "Success" };
        },
      },
    );
    const nps = await send({ InstanceIds: [nodes[0]] });
    await send({ DocumentName: "AWS-RunPowerShellScript", InstanceIds: [nodes[0]] });

    expect((await invocation(nps, nodes[0])).StandardOutputContent).toBe("nps");
    expect(npsLog).toHaveLength(2);
    expect(others).toEqual(["AWS-RunPowerShellScript"]);
    expect(runCommandModel.events().filter((event) => event.kind === "started")).toHaveLength(2);
  });
});

describe("ListCommandInvocations and CancelCommand still ask moto first", () => {
  it("refuse a caller IAM denies with moto's refusal, and answer one it allows", async () => {
    // The rig's own calls (the fleet, the document's timeout) sign as an admin while enforcement is on.
    setRigCredentials(await userAllowedTo("rig-admin", ["*"]));
    const sender = await userAllowedTo("sender", ["ssm:SendCommand", "ssm:GetCommandInvocation"]);
    const operator = await userAllowedTo("operator", ["ssm:ListCommandInvocations", "ssm:CancelCommand"]);
    const as = (credentials: typeof sender) => new SSMClient({ credentials, maxAttempts: 1 });
    try {
      await enforceIam(currentMoto().endpoint);
      const commandId = await send({}, as(sender));

      const listing = as(sender).send(new ListCommandInvocationsCommand({ CommandId: commandId }));
      await expect(listing).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      const cancelling = as(sender).send(new CancelCommandCommand({ CommandId: commandId }));
      await expect(cancelling).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      const listed = await as(operator).send(new ListCommandInvocationsCommand({ CommandId: commandId }));
      expect(listed.CommandInvocations).toHaveLength(2);
      await as(operator).send(new CancelCommandCommand({ CommandId: commandId }));
    } finally {
      await relaxIam(currentMoto().endpoint);
      setRigCredentials(undefined);
    }
  });
});
