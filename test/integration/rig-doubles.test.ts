import {
  DescribeDirectoriesCommand,
  type DirectoryDescription,
  EnableRadiusCommand,
  UpdateRadiusCommand,
} from "@aws-sdk/client-directory-service";
import { CreateTagsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  InvalidInstanceId,
  ListCommandInvocationsCommand,
  paginateDescribeInstanceInformation,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import {
  installCommandInvocationDouble,
  installConnectIpDrift,
  installInstanceInformationDouble,
  installRadiusStatusDouble,
  installUpdateRadiusDouble,
  recordApiCalls,
  removeAllTestDoubles,
} from "../support/doubles/index.js";
import { npsTag } from "../support/environment.js";
import { rigClient } from "../support/rig/rig-clients.js";
import { addSecondDirectory, launchInstance, type SeededEstate, seedEnvironment } from "../support/seed.js";

const settings = (servers: string[], secret = "rig-secret-0123456789abcdef") => ({
  RadiusServers: servers,
  RadiusPort: 1812,
  RadiusTimeout: 30,
  RadiusRetries: 1,
  SharedSecret: secret,
  AuthenticationProtocol: "PAP" as const,
});

/** moto answers an operation it lacks with an HTML page and status 500. */
const lackedByMoto = { $metadata: { httpStatusCode: 500 } };

let estate: SeededEstate;
beforeEach(async () => {
  estate = await seedEnvironment();
});

async function describeDirectory(directoryId = estate.directory.directoryId): Promise<DirectoryDescription> {
  const { DirectoryDescriptions } = await clients.ds.send(
    new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }),
  );
  return DirectoryDescriptions?.[0] ?? {};
}
const enableRadius = (servers = ["10.0.1.20"]) =>
  clients.ds.send(
    new EnableRadiusCommand({ DirectoryId: estate.directory.directoryId, RadiusSettings: settings(servers) }),
  );
const updateRadius = (servers: string[], directoryId = estate.directory.directoryId) =>
  clients.ds.send(new UpdateRadiusCommand({ DirectoryId: directoryId, RadiusSettings: settings(servers) }));

describe("the UpdateRadius double", () => {
  it("is needed: moto has no UpdateRadius", async () => {
    await enableRadius();
    await expect(updateRadius(["10.0.2.20"])).rejects.toMatchObject(lackedByMoto);
  });

  it("applies the new settings through moto's DisableRadius and EnableRadius", async () => {
    const double = installUpdateRadiusDouble();
    await enableRadius();
    await updateRadius(["10.0.1.20", "10.0.2.20"]);
    const directory = await describeDirectory();
    expect(directory.RadiusSettings?.RadiusServers).toEqual(["10.0.1.20", "10.0.2.20"]);
    expect(directory.RadiusStatus).toBe("Completed");
    expect(double.updates.map((update) => update.directoryId)).toEqual([estate.directory.directoryId]);
  });

  it("fails for an unknown directory as moto does, and is gone once removed", async () => {
    const double = installUpdateRadiusDouble();
    await expect(updateRadius(["10.0.1.20"], "d-0000000000")).rejects.toThrow(/does not exist/);
    double.remove();
    await enableRadius();
    await expect(updateRadius(["10.0.2.20"])).rejects.toMatchObject(lackedByMoto);
  });
});

describe("the DescribeInstanceInformation double", () => {
  it("is needed: moto has no DescribeInstanceInformation", async () => {
    await expect(clients.ssm.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject(
      lackedByMoto,
    );
  });

  it("lists EC2 instances as Online managed nodes with platform, IP and computer name", async () => {
    installInstanceInformationDouble();
    const linux = await launchInstance({
      imageId: estate.linuxImageId,
      subnet: estate.subnets[0],
      name: "web",
      tagged: false,
    });
    const { InstanceInformationList } = await clients.ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: `tag:${npsTag.key}`, Values: [npsTag.value] }],
      }),
    );
    expect(
      InstanceInformationList?.map((node) => [
        node.InstanceId,
        node.PingStatus,
        node.PlatformType,
        node.IPAddress,
        node.ComputerName,
      ]),
    ).toEqual(
      estate.npsServers
        .map((server) => [server.instanceId, "Online", "Windows", server.privateIp, server.name])
        .sort((left, right) => String(left[0]).localeCompare(String(right[0]))),
    );
    expect(InstanceInformationList?.map((node) => node.InstanceId)).not.toContain(linux.instanceId);
  });

  it("honours InstanceIds in Filters and InstanceInformationFilterList, ping status and registration", async () => {
    const double = installInstanceInformationDouble();
    const [first, second] = estate.npsServers;
    double.setPingStatus(second.instanceId, "ConnectionLost");
    const byFilter = await clients.ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: "InstanceIds", Values: [second.instanceId] }],
      }),
    );
    expect(byFilter.InstanceInformationList?.map((node) => [node.InstanceId, node.PingStatus])).toEqual([
      [second.instanceId, "ConnectionLost"],
    ]);
    double.markNotRegistered(first.instanceId);
    const byTag = await clients.ssm.send(
      new DescribeInstanceInformationCommand({
        InstanceInformationFilterList: [{ key: "PingStatus", valueSet: ["Online", "ConnectionLost"] }],
      }),
    );
    expect(byTag.InstanceInformationList?.map((node) => node.InstanceId)).toEqual([second.instanceId]);
  });

  it("answers InvalidInstanceId, as AWS does, when an InstanceIds filter names no managed node", async () => {
    const double = installInstanceInformationDouble();
    const [first, second] = estate.npsServers;
    double.markNotRegistered(first.instanceId);
    const ask = (ids: string[]) =>
      clients.ssm.send(
        new DescribeInstanceInformationCommand({
          InstanceInformationFilterList: [{ key: "InstanceIds", valueSet: ids }],
        }),
      );
    await expect(ask([first.instanceId, second.instanceId])).rejects.toMatchObject({
      name: "InvalidInstanceId",
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining(first.instanceId),
    });
    await expect(ask(["i-0123456789abcdef0"])).rejects.toBeInstanceOf(InvalidInstanceId);
    double.omitUnknownInstanceIds();
    expect(
      (await ask([first.instanceId, second.instanceId])).InstanceInformationList?.map(
        (node) => node.InstanceId,
      ),
    ).toEqual([second.instanceId]);
  });

  it("reports Linux for a non-Windows image, pages with MaxResults, and rejects filters it cannot honour", async () => {
    installInstanceInformationDouble();
    for (const name of ["a", "b", "c", "d"]) {
      await launchInstance({ imageId: estate.windowsImageId, subnet: estate.subnets[1], name, tagged: true });
    }
    const linux = await launchInstance({
      imageId: estate.linuxImageId,
      subnet: estate.subnets[1],
      name: "linux",
      tagged: true,
    });
    const pages = [];
    for await (const page of paginateDescribeInstanceInformation({ client: clients.ssm, pageSize: 5 }, {})) {
      pages.push(page.InstanceInformationList ?? []);
    }
    expect(pages.map((page) => page.length)).toEqual([5, 2]);
    expect(pages.flat().find((node) => node.InstanceId === linux.instanceId)?.PlatformType).toBe("Linux");
    const unsupported = clients.ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: "AssociationStatus", Values: ["Success"] }],
      }),
    );
    await expect(unsupported).rejects.toThrow(/does not support filter AssociationStatus/);
  });
});

/** Sends the seeded document to every seeded NPS server; the command id the doubles answer for. */
async function sendToNps(): Promise<string> {
  const { Command } = await clients.ssm.send(
    new SendCommandCommand({
      DocumentName: estate.documentName,
      InstanceIds: estate.npsServers.map((s) => s.instanceId),
    }),
  );
  return Command?.CommandId ?? "";
}

describe("GetCommandInvocation's outcomes (the Run Command model's knobs)", () => {
  const poll = (commandId: string, instanceId: string) =>
    clients.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));

  it("passes through to moto's immediate Success by default", async () => {
    installCommandInvocationDouble();
    const commandId = await sendToNps();
    expect((await poll(commandId, estate.npsServers[0].instanceId)).Status).toBe("Success");
    await expect(
      poll("00000000-0000-0000-0000-000000000000", estate.npsServers[0].instanceId),
    ).rejects.toMatchObject({ name: "InvalidCommandId" });
  });

  it("reports InProgress for N polls, then the outcome; or Failed with stderr; or InProgress forever", async () => {
    const double = installCommandInvocationDouble();
    const [slow, broken] = estate.npsServers;
    double.setOutcome(slow.instanceId, { pendingPolls: 2, standardOutputContent: '{"changed":1}' });
    double.setOutcome(broken.instanceId, {
      status: "Failed",
      responseCode: 3,
      standardErrorContent: "NPS stopped",
    });
    const commandId = await sendToNps();
    const slowPolls = [
      await poll(commandId, slow.instanceId),
      await poll(commandId, slow.instanceId),
      await poll(commandId, slow.instanceId),
    ];
    expect(slowPolls.map((answer) => answer.Status)).toEqual(["InProgress", "InProgress", "Success"]);
    expect(slowPolls[2]?.StandardOutputContent).toBe('{"changed":1}');
    expect(await poll(commandId, broken.instanceId)).toMatchObject({
      Status: "Failed",
      ResponseCode: 3,
      StandardErrorContent: "NPS stopped",
    });
    // An invocation that ended stays ended: the next command is the one that runs for ever.
    double.setOutcome(broken.instanceId, { pendingPolls: "forever" });
    const next = await sendToNps();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await poll(next, broken.instanceId)).Status).toBe("InProgress");
    }
    expect((await poll(commandId, broken.instanceId)).Status).toBe("Failed");
    expect(double.pollCount(next, broken.instanceId)).toBe(5);
    expect(double.pollCount(commandId, broken.instanceId)).toBe(2);
  });
});

describe("ListCommandInvocations (the Run Command model)", () => {
  const list = (input: { CommandId: string; MaxResults?: number; NextToken?: string }) =>
    clients.ssm.send(new ListCommandInvocationsCommand(input));
  const statuses = async (commandId: string) =>
    ((await list({ CommandId: commandId })).CommandInvocations ?? []).map(
      (invocation) => `${invocation.InstanceId} ${invocation.Status}`,
    );

  it("is needed: moto has no ListCommandInvocations", async () => {
    const commandId = await sendToNps();
    // Straight to moto, past the proxy that always answers it.
    const moto = rigClient(SSMClient);
    await expect(
      moto.send(new ListCommandInvocationsCommand({ CommandId: commandId })),
    ).rejects.toMatchObject(lackedByMoto);
  });

  it("lists one invocation per server the command targets, with the latency and outcomes GetCommandInvocation has", async () => {
    const double = installCommandInvocationDouble();
    const [slow, broken] = estate.npsServers;
    double.setLatency({ pendingPolls: 1 });
    double.setOutcome(broken.instanceId, { status: "Failed" });
    const commandId = await sendToNps();

    const first = await statuses(commandId);
    const second = await statuses(commandId);

    expect(first).toEqual([`${slow.instanceId} InProgress`, `${broken.instanceId} Failed`]);
    expect(second).toEqual([`${slow.instanceId} Success`, `${broken.instanceId} Failed`]);
    // Looks are shared: a GetCommandInvocation after the listing sees the same, later status.
    const polled = await clients.ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: slow.instanceId }),
    );
    expect(polled.Status).toBe("Success");
    expect(double.pollCount(commandId, slow.instanceId)).toBe(3);
  });

  it("pages with MaxResults 1-50, refuses others as SSM's model does, and names an unknown command", async () => {
    installCommandInvocationDouble();
    const commandId = await sendToNps();

    const page = await list({ CommandId: commandId, MaxResults: 1 });
    const next = await list({ CommandId: commandId, MaxResults: 1, NextToken: page.NextToken ?? "" });

    expect([page.CommandInvocations?.length, next.CommandInvocations?.length, next.NextToken]).toEqual([
      1,
      1,
      undefined,
    ]);
    await expect(list({ CommandId: commandId, MaxResults: 51 })).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("maxResults"),
    });
    await expect(list({ CommandId: "00000000-0000-0000-0000-000000000000" })).rejects.toMatchObject({
      name: "InvalidCommandId",
    });
  });
});

describe("the RadiusStatus double", () => {
  it("keeps every directory Creating for k looks after each change with the latency knob, unless it has a sequence", async () => {
    installUpdateRadiusDouble();
    const double = installRadiusStatusDouble();
    const branch = await addSecondDirectory(estate);
    double.setLatency({ creatingPolls: 2 });
    double.setSequence(branch.directoryId, ["Failed"]);
    await enableRadius();
    await clients.ds.send(
      new EnableRadiusCommand({ DirectoryId: branch.directoryId, RadiusSettings: settings(["10.0.1.20"]) }),
    );

    const looks = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      looks.push([
        (await describeDirectory()).RadiusStatus,
        (await describeDirectory(branch.directoryId)).RadiusStatus,
      ]);
    }
    await updateRadius(["10.0.2.20"]);
    const afterUpdate = [(await describeDirectory()).RadiusStatus, (await describeDirectory()).RadiusStatus];

    expect(looks).toEqual([
      ["Creating", "Failed"],
      ["Creating", "Failed"],
      ["Completed", "Failed"],
    ]);
    expect(afterUpdate).toEqual(["Creating", "Creating"]);
  });

  it("reports the sequence from the next EnableRadius on, repeating its last status", async () => {
    const double = installRadiusStatusDouble();
    double.setSequence(estate.directory.directoryId, ["Creating", "Creating", "Completed"]);
    expect((await describeDirectory()).RadiusStatus).toBeUndefined();
    await enableRadius();
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await describeDirectory()).RadiusStatus);
    expect(statuses).toEqual(["Creating", "Creating", "Completed", "Completed"]);
  });

  it("restarts on UpdateRadius (answered by the UpdateRadius double), for Failed or Creating forever", async () => {
    installUpdateRadiusDouble();
    const double = installRadiusStatusDouble();
    await enableRadius();
    double.setSequence(estate.directory.directoryId, ["Failed"], { startNow: true });
    expect((await describeDirectory()).RadiusStatus).toBe("Failed");
    double.setSequence(estate.directory.directoryId, ["Creating"]);
    expect((await describeDirectory()).RadiusStatus).toBe("Completed");
    await updateRadius(["10.0.2.20"]);
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect((await describeDirectory()).RadiusStatus).toBe("Creating");
    double.clear(estate.directory.directoryId);
    expect((await describeDirectory()).RadiusStatus).toBe("Completed");
  });
});

describe("the connect-IP drift double", () => {
  it("replaces one directory's ConnectIps and composes with the RadiusStatus double", async () => {
    const branch = await addSecondDirectory(estate);
    const drift = installConnectIpDrift();
    const radiusStatus = installRadiusStatusDouble();
    drift.setConnectIps(estate.directory.directoryId, ["10.0.1.77", "10.0.2.88"]);
    radiusStatus.setSequence(estate.directory.directoryId, ["Creating"]);
    await enableRadius();
    const { DirectoryDescriptions } = await clients.ds.send(new DescribeDirectoriesCommand({}));
    const byId = new Map(DirectoryDescriptions?.map((directory) => [directory.DirectoryId, directory]));
    expect(byId.get(estate.directory.directoryId)?.ConnectSettings?.ConnectIps).toEqual([
      "10.0.1.77",
      "10.0.2.88",
    ]);
    expect(byId.get(estate.directory.directoryId)?.RadiusStatus).toBe("Creating");
    expect(byId.get(branch.directoryId)?.ConnectSettings?.ConnectIps).toEqual(branch.connectIps);
    drift.remove();
    expect((await describeDirectory()).ConnectSettings?.ConnectIps).toEqual(estate.directory.connectIps);
  });
});

describe("the API call recorder", () => {
  it("records service, operation and input as sent, including calls a double answers", async () => {
    installUpdateRadiusDouble();
    const recorder = recordApiCalls();
    await enableRadius();
    const tags = [{ Key: "Owner", Value: "rig" }];
    await clients.ec2.send(new CreateTagsCommand({ Resources: [estate.vpcId], Tags: tags }));
    tags[0] = { Key: "Changed", Value: "after sending" };
    await clients.ec2.send(new DescribeVpcsCommand({}));
    await updateRadius(["10.0.2.20"]);
    expect(recorder.calls.map((call) => `${call.service}:${call.operation}`)).toEqual([
      "ds:EnableRadius",
      "ec2:CreateTags",
      "ec2:DescribeVpcs",
      "ds:UpdateRadius",
    ]);
    expect(recorder.callsTo("CreateTags")[0]?.input.Tags).toEqual([{ Key: "Owner", Value: "rig" }]);
    expect(recorder.mutatingCalls().map((call) => call.operation)).toEqual([
      "EnableRadius",
      "CreateTags",
      "UpdateRadius",
    ]);
    recorder.reset();
    await describeDirectory();
    expect(recorder.calls.map((call) => call.operation)).toEqual(["DescribeDirectories"]);
    expect(recorder.mutatingCalls()).toEqual([]);
  });

  it("stops recording when removed, and removeAllTestDoubles takes every double off", async () => {
    const recorder = recordApiCalls();
    installUpdateRadiusDouble();
    removeAllTestDoubles();
    await enableRadius();
    expect(recorder.calls).toEqual([]);
    await expect(updateRadius(["10.0.2.20"])).rejects.toMatchObject(lackedByMoto);
  });
});
