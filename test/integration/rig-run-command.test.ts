/**
 * SSM Run Command over time, as the rig's Run Command model answers it through the AWS proxy to the
 * real SDK client: rate controls, the delivery and execution timeouts, late agents, and clock order
 * across commands. The clock is the rig's (test/support/rig/clock.ts): seconds of AWS time.
 */
import {
  CreateDocumentCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
} from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { type CommandInvocationDouble, installCommandInvocationDouble } from "../support/doubles/index.js";
import { rigClock } from "../support/rig/clock.js";
import { registerRunCommandHost, runCommandModel } from "../support/rig/run-command/index.js";
import { launchInstance, type SeededEstate, seedEnvironment } from "../support/seed.js";

let estate: SeededEstate;
let nodes: string[];
let invocations: CommandInvocationDouble;

/** A Command document whose script step may run `timeoutSeconds` (a number or a `{{ parameter }}`). */
async function createDocument(name: string, timeoutSeconds: string, parameters: object = {}) {
  const content = {
    schemaVersion: "2.2",
    description: "rig test document",
    parameters,
    mainSteps: [
      { action: "aws:runPowerShellScript", name: "Run", inputs: { timeoutSeconds, runCommand: ["exit 0"] } },
    ],
  };
  await clients.ssm.send(
    new CreateDocumentCommand({ Name: name, Content: JSON.stringify(content), DocumentType: "Command" }),
  );
}

beforeEach(async () => {
  estate = await seedEnvironment();
  const [a, b] = estate.subnets;
  const more = [
    await launchInstance({ imageId: estate.windowsImageId, subnet: a, name: "nps-3", tagged: true }),
    await launchInstance({ imageId: estate.windowsImageId, subnet: b, name: "nps-4", tagged: true }),
  ];
  nodes = [...estate.npsServers, ...more].map((server) => server.instanceId);
  invocations = installCommandInvocationDouble();
  await createDocument("rig-short", "120");
});

async function send(input: Partial<SendCommandCommandInput> & { InstanceIds: string[] }) {
  const { Command } = await clients.ssm.send(new SendCommandCommand({ DocumentName: "rig-short", ...input }));
  return Command ?? {};
}

/** What each node's invocation of the command shows now (each is a look). */
async function statuses(commandId: string, instanceIds = nodes) {
  const shown: string[] = [];
  for (const instanceId of instanceIds) {
    const invocation = await clients.ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    shown.push(`${invocation.Status}/${invocation.StatusDetails}`);
  }
  return shown;
}

describe("MaxConcurrency", () => {
  it("with 1, starts each node's invocation only after the one before it ended, in the order sent", async () => {
    invocations.setLatency({ pendingPolls: 0, runSeconds: 60 });
    const { CommandId = "" } = await send({ InstanceIds: nodes.slice(0, 3), MaxConcurrency: "1" });
    const started = (await statuses(CommandId, nodes.slice(0, 3))).join(" ");

    await rigClock.advance(60);
    const second = (await statuses(CommandId, nodes.slice(0, 3))).join(" ");
    await rigClock.advance(120);

    expect(started).toBe("InProgress/InProgress Pending/Pending Pending/Pending");
    expect(second).toBe("Success/Success InProgress/InProgress Pending/Pending");
    const replay = runCommandModel
      .events()
      .filter((event) => event.kind === "started" || event.kind === "ended")
      .map((event) => `${event.time} ${event.kind} ${nodes.indexOf(event.instanceId ?? "")}`);
    expect(replay).toEqual([
      "0 started 0",
      "60 ended 0",
      "60 started 1",
      "120 ended 1",
      "120 started 2",
      "180 ended 2",
    ]);
  });

  it("as a percentage of the targets: 50% of four nodes runs two at a time", async () => {
    invocations.setLatency({ pendingPolls: 0, runSeconds: 30 });
    const { CommandId = "" } = await send({ InstanceIds: nodes, MaxConcurrency: "50%" });

    expect(await statuses(CommandId)).toEqual([
      "InProgress/InProgress",
      "InProgress/InProgress",
      "Pending/Pending",
      "Pending/Pending",
    ]);
    await rigClock.advance(30);
    expect((await statuses(CommandId)).slice(2)).toEqual(["InProgress/InProgress", "InProgress/InProgress"]);
  });

  it("defaults to 50: every node at once, and SendCommand answers Pending with the values it used", async () => {
    invocations.setLatency({ pendingPolls: 0, runSeconds: 30 });

    const command = await send({ InstanceIds: nodes });

    expect(command).toMatchObject({
      Status: "Pending",
      MaxConcurrency: "50",
      MaxErrors: "0",
      TimeoutSeconds: 3600,
    });
    expect(await statuses(command.CommandId ?? "")).toEqual(Array(4).fill("InProgress/InProgress"));
  });
});

describe("MaxErrors", () => {
  it("with 0, ends every invocation not yet started Cancelled/Terminated after the first failure", async () => {
    invocations.setOutcome(nodes[0] ?? "", { status: "Failed", standardErrorContent: "NPS stopped" });
    const { CommandId = "" } = await send({ InstanceIds: nodes, MaxConcurrency: "1", MaxErrors: "0" });

    expect(await statuses(CommandId)).toEqual([
      "Failed/Failed",
      "Cancelled/Terminated",
      "Cancelled/Terminated",
      "Cancelled/Terminated",
    ]);
    const { Commands } = await clients.ssm.send(new ListCommandsCommand({ CommandId }));
    expect(Commands?.[0]).toMatchObject({
      Status: "Failed",
      TargetCount: 4,
      CompletedCount: 4,
      ErrorCount: 1,
      DeliveryTimedOutCount: 0,
    });
  });

  it("with 1, goes on after one failure and stops after the second", async () => {
    invocations.setOutcome(nodes[0] ?? "", { status: "Failed" });
    invocations.setOutcome(nodes[1] ?? "", { status: "Failed" });
    const { CommandId = "" } = await send({ InstanceIds: nodes, MaxConcurrency: "1", MaxErrors: "1" });

    expect(await statuses(CommandId)).toEqual([
      "Failed/Failed",
      "Failed/Failed",
      "Cancelled/Terminated",
      "Cancelled/Terminated",
    ]);
  });
});

describe("SendCommand's rate controls and delivery timeout as SSM's model validates them", () => {
  it("refuses values outside the MaxConcurrency, MaxErrors and TimeoutSeconds shapes, naming each", async () => {
    const refused = send({ InstanceIds: nodes, MaxConcurrency: "0", MaxErrors: "101%", TimeoutSeconds: 29 });

    await expect(refused).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(
        /^3 validation errors detected: .*maxConcurrency.*maxErrors.*timeoutSeconds/,
      ),
    });
    await expect(send({ InstanceIds: nodes, MaxConcurrency: "150%" })).rejects.toMatchObject({
      name: "ValidationException",
    });
    await expect(send({ InstanceIds: nodes, TimeoutSeconds: 2_592_001 })).rejects.toMatchObject({
      name: "ValidationException",
    });
    const { Commands } = await clients.ssm.send(new ListCommandsCommand({}));
    expect(Commands).toEqual([]);
  });
});

describe("the delivery timeout and a late start", () => {
  it("starts a late agent's command before TimeoutSeconds has passed, and never from then on", async () => {
    const [early, late] = nodes;
    invocations.setStartDelay(early ?? "", 59);
    invocations.setStartDelay(late ?? "", 60);
    const started: string[] = [];
    registerRunCommandHost(
      { documentName: "rig-short" },
      {
        onStart: (invocation) => {
          started.push(`${invocation.instanceId === early ? "early" : "late"} at ${invocation.startedAt}`);
          return { status: "Success" };
        },
      },
    );
    const command = await send({ InstanceIds: [early ?? "", late ?? ""], TimeoutSeconds: 60 });
    const commandId = command.CommandId ?? "";

    await rigClock.advance(59);
    const at59 = await statuses(commandId, [early ?? "", late ?? ""]);
    await rigClock.advance(120);
    const at179 = await statuses(commandId, [late ?? ""]);
    await rigClock.advance(1);

    expect(at59).toEqual(["Success/Success", "Pending/Pending"]);
    // Pending until the command expires: sent + TimeoutSeconds + the document's 120 s.
    expect(at179).toEqual(["Pending/Pending"]);
    expect(await statuses(commandId, [late ?? ""])).toEqual(["TimedOut/DeliveryTimedOut"]);
    expect(started).toEqual(["early at 59"]);
    const expiresIn = (command.ExpiresAfter?.getTime() ?? 0) - (command.RequestedDateTime?.getTime() ?? 0);
    expect(Math.round(expiresIn / 1000)).toBe(180);
    const { Commands } = await clients.ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    expect(Commands?.[0]).toMatchObject({ CompletedCount: 2, ErrorCount: 0, DeliveryTimedOutCount: 1 });
  });
});

describe("the execution timeout", () => {
  it("ends a run TimedOut/ExecutionTimedOut when the document's timeoutSeconds passes", async () => {
    invocations.setOutcome(nodes[0] ?? "", { pendingPolls: "forever" });
    const { CommandId = "" } = await send({ InstanceIds: [nodes[0] ?? ""] });

    await rigClock.advance(119);
    const before = await statuses(CommandId, [nodes[0] ?? ""]);
    await rigClock.advance(1);

    expect(before).toEqual(["InProgress/InProgress"]);
    expect(await statuses(CommandId, [nodes[0] ?? ""])).toEqual(["TimedOut/ExecutionTimedOut"]);
  });

  it("reads a {{ parameter }} timeout from the command's parameters, else the document's default", async () => {
    const executionTimeout = { type: "String", default: "200" };
    await createDocument("rig-parameter", "{{ executionTimeout }}", { executionTimeout });
    const sendIt = (parameters: Record<string, string[]>) =>
      send({ DocumentName: "rig-parameter", InstanceIds: [nodes[0] ?? ""], Parameters: parameters });

    const given = await sendIt({ executionTimeout: ["90"] });
    const defaulted = await sendIt({});
    const nps = await send({ DocumentName: estate.documentName, InstanceIds: [nodes[0] ?? ""] });

    expect(runCommandModel.command(given.CommandId ?? "")?.executionTimeoutSeconds).toBe(90);
    expect(runCommandModel.command(defaulted.CommandId ?? "")?.executionTimeoutSeconds).toBe(200);
    // The NPS document's own limit (shared/nps/ssm-document.cjs).
    expect(runCommandModel.command(nps.CommandId ?? "")?.executionTimeoutSeconds).toBe(300);
  });
});

describe("settling in clock order across commands", () => {
  it("applies an earlier command's late start at its second, between a later command's start and end", async () => {
    const [slow, quick] = nodes;
    invocations.setStartDelay(slow ?? "", 100);
    invocations.setLatency({ pendingPolls: 0, runSeconds: 40 });
    const first = await send({ InstanceIds: [slow ?? ""] });
    await rigClock.advance(80);
    const second = await send({ InstanceIds: [quick ?? ""] });

    // One jump past both commands' changes: the model still applies them in clock order.
    await rigClock.advance(200);

    const story = runCommandModel
      .events()
      .map(
        (event) => `${event.time} ${event.kind} ${event.commandId === first.CommandId ? "first" : "second"}`,
      );
    expect(story).toEqual([
      "0 sent first",
      "80 sent second",
      "80 started second",
      "100 started first",
      "120 ended second",
      "140 ended first",
    ]);
    expect(runCommandModel.events().map((event) => event.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(second.CommandId).not.toBe(first.CommandId);
  });
});

describe("ListCommandInvocations on the model", () => {
  it("lists every node in the order sent with its status, each listing a look like GetCommandInvocation", async () => {
    invocations.setLatency({ pendingPolls: 1 });
    const { CommandId = "" } = await send({ InstanceIds: nodes.slice(0, 2) });
    const list = async () =>
      (await clients.ssm.send(new ListCommandInvocationsCommand({ CommandId }))).CommandInvocations?.map(
        (invocation) => `${nodes.indexOf(invocation.InstanceId ?? "")} ${invocation.Status}`,
      );

    expect(await list()).toEqual(["0 InProgress", "1 InProgress"]);
    expect(await list()).toEqual(["0 Success", "1 Success"]);
    expect(invocations.pollCount(CommandId, nodes[0] ?? "")).toBe(2);
  });
});
