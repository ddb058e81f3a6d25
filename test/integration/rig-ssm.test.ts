/**
 * The rig's SSM answers as AWS's, through the real SDK: Run Command's limits and targets (the
 * proxy's SSM rules) and the DescribeInstanceInformation double's limits.
 */

import { TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import {
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  GetCommandInvocationCommand,
  InvalidInstanceId,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { planNpsPolicies, renderNpsPolicies } from "../../shared/core/nps-policies.js";
import { parseNpsSummary } from "../../shared/nps/index.js";
import {
  installCommandInvocationDouble,
  installInstanceInformationDouble,
  recordApiCalls,
} from "../support/doubles/index.js";
import { installNpsHostDouble } from "../support/doubles/nps-host.js";
import { rigClient } from "../support/rig/rig-clients.js";
import { standardErrorLimit, standardOutputLimit } from "../support/rig/ssm-rules.js";
import { launchInstance, type SeededEstate, seedEnvironment } from "../support/seed.js";

let estate: SeededEstate;
beforeEach(async () => {
  estate = await seedEnvironment();
});

const send = (instanceIds: string[], parameters?: Record<string, string[]>) =>
  clients.ssm.send(
    new SendCommandCommand({
      DocumentName: estate.documentName,
      InstanceIds: instanceIds,
      Parameters: parameters,
    }),
  );
const poll = (commandId: string, instanceId: string) =>
  clients.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
/** Syntactically valid instance ids that no instance has. */
const unknownIds = (count: number) =>
  Array.from({ length: count }, (_, index) => `i-${index.toString(16).padStart(17, "0")}`);

describe("SSM SendCommand on the rig", () => {
  it("refuses more than 50 instance ids with ValidationException, as SSM's model validation does", async () => {
    const calls = recordApiCalls();

    const sending = send(unknownIds(51));

    await expect(sending).rejects.toMatchObject({
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
      message: expect.stringMatching(
        /^1 validation error detected: .* at 'instanceIds' .*less than or equal to 50$/,
      ),
    });
    expect(calls.callsTo("SendCommand").map((call) => [call.status, call.errorCode])).toEqual([
      [400, "ValidationException"],
    ]);
  });

  it("answers InvalidInstanceId for an unknown, an unregistered or a terminated instance", async () => {
    const nodes = installInstanceInformationDouble();
    const [first, second] = estate.npsServers;
    const doomed = await launchInstance({
      imageId: estate.windowsImageId,
      subnet: estate.subnets[0],
      name: "old",
      tagged: true,
    });
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [doomed.instanceId] }));
    nodes.markNotRegistered(second.instanceId);

    for (const target of [unknownIds(1)[0] ?? "", second.instanceId, doomed.instanceId]) {
      await expect(send([first.instanceId, target])).rejects.toSatisfy(
        (error) => error instanceof InvalidInstanceId && error.message.includes(target),
      );
    }
    await expect(send([first.instanceId])).resolves.toMatchObject({
      Command: { InstanceIds: [first.instanceId] },
    });
  });

  it("targets exactly the ids sent: moto adds every instance of the region, AWS does not", async () => {
    const [first, second] = estate.npsServers;
    const request = { DocumentName: estate.documentName, InstanceIds: [first.instanceId] };
    // Prepare: moto on its own lists every instance in the command.
    const direct = await rigClient(SSMClient).send(new SendCommandCommand(request));
    expect(direct.Command?.InstanceIds).toEqual(
      expect.arrayContaining([first.instanceId, second.instanceId]),
    );

    const { Command } = await clients.ssm.send(new SendCommandCommand(request));

    expect(Command).toMatchObject({ InstanceIds: [first.instanceId], TargetCount: 0, CompletedCount: 0 });
    const commandId = Command?.CommandId ?? "";
    expect((await poll(commandId, first.instanceId)).Status).toBe("Success");
    await expect(poll(commandId, second.instanceId)).rejects.toBeInstanceOf(InvocationDoesNotExist);
  });
});

describe("SSM GetCommandInvocation on the rig", () => {
  it("reports only the first 24,000 characters of stdout and 8,000 of stderr", async () => {
    const invocations = installCommandInvocationDouble();
    const [server] = estate.npsServers;
    const stdout = `${"o".repeat(standardOutputLimit - 1)}<cut here>${"x".repeat(5_000)}`;
    const stderr = `${"e".repeat(standardErrorLimit)}lost`;
    invocations.setOutcome(server.instanceId, {
      status: "Failed",
      standardOutputContent: stdout,
      standardErrorContent: stderr,
    });
    const { Command } = await send([server.instanceId]);

    const invocation = await poll(Command?.CommandId ?? "", server.instanceId);

    expect(standardOutputLimit).toBe(24_000);
    expect(standardErrorLimit).toBe(8_000);
    expect(invocation.StandardOutputContent).toBe(stdout.slice(0, 24_000));
    expect(invocation.StandardOutputContent?.endsWith("o<")).toBe(true);
    expect(invocation.StandardErrorContent).toBe(stderr.slice(0, 8_000));
  });

  it("passes the NPS host's summary through the same cut: at 400 clients it stays far below 24,000 characters", async () => {
    // The first summary format listed every client and a proof per client: 400 clients made it about
    // 65,000 characters, which this cut broke. The format the script prints now stays small.
    installNpsHostDouble();
    const [server] = estate.npsServers;
    const { ARN } = await clients.secretsManager.send(
      new CreateSecretCommand({ Name: "rig-ssm-secret", SecretString: "a-rig-secret-0123456789" }),
    );
    const names = Array.from(
      { length: 400 },
      (_, index) => `radius-sync-d-0123456789-10-0-${index >> 8}-${index & 255}`,
    );
    const clientsParameter = names
      .map((name, index) => `${name}=10.0.${index >> 8}.${index & 255}`)
      .join(",");
    const { Command } = await send([server.instanceId], {
      NamePrefix: ["radius-sync"],
      SecretArn: [ARN ?? ""],
      SecretVersion: ["AWSCURRENT"],
      Clients: [clientsParameter],
      RequireMessageAuthenticator: ["false"],
      Policies: [
        renderNpsPolicies(
          planNpsPolicies({ namePrefix: "radius-sync", accessMode: "push", protocol: "PAP", adGroup: "" }),
        ),
      ],
      Nonce: ["0123456789abcdef0123456789abcdef"],
      Sequence: ["2026-01-10T12:00:00.000Z/000"],
    });

    const invocation = await poll(Command?.CommandId ?? "", server.instanceId);

    const output = invocation.StandardOutputContent ?? "";
    expect(output.length).toBeLessThan(standardOutputLimit / 10);
    expect(parseNpsSummary(output)).toMatchObject({ radiusSyncSummary: 3, created: 400, held: 400 });
  });
});

describe("the NPS host's failures as SSM lists them", () => {
  it("lists a script that failed closed as Failed in ListCommandInvocations, as GetCommandInvocation reports it", async () => {
    // The NPS host first (outermost), then the invocation double that answers ListCommandInvocations.
    const hosts = installNpsHostDouble();
    installCommandInvocationDouble();
    const [server] = estate.npsServers;
    hosts.modelOf(server.instanceId).extension.registered = false;
    const { ARN } = await clients.secretsManager.send(
      new CreateSecretCommand({ Name: "rig-ssm-failed-secret", SecretString: "a-rig-secret-0123456789" }),
    );
    const { Command } = await send([server.instanceId], {
      NamePrefix: ["radius-sync"],
      SecretArn: [ARN ?? ""],
      SecretVersion: ["AWSCURRENT"],
      Clients: ["radius-sync-d-0123456789-10-0-1-5=10.0.1.5"],
      RequireMessageAuthenticator: ["false"],
      Policies: [
        renderNpsPolicies(
          planNpsPolicies({ namePrefix: "radius-sync", accessMode: "push", protocol: "PAP", adGroup: "" }),
        ),
      ],
      Nonce: ["0123456789abcdef0123456789abcdef"],
    });
    const commandId = Command?.CommandId ?? "";

    const listed = await clients.ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId }));
    const invocation = await poll(commandId, server.instanceId);

    expect(listed.CommandInvocations?.map((entry) => [entry.InstanceId, entry.Status])).toEqual([
      [server.instanceId, "Failed"],
    ]);
    expect(invocation.Status).toBe("Failed");
    expect(invocation.StandardErrorContent).toMatch(
      /^radius-sync NPS sync failed \[NpsMfaExtensionMissing\]/,
    );
  });
});

describe("the DescribeInstanceInformation double's limits", () => {
  const describeNodes = (input: DescribeInstanceInformationCommandInput) =>
    clients.ssm.send(new DescribeInstanceInformationCommand(input));

  it("refuses a filter with more than 100 values, and MaxResults outside 5-50, with ValidationException", async () => {
    installInstanceInformationDouble();

    await expect(
      describeNodes({ Filters: [{ Key: "InstanceIds", Values: unknownIds(101) }] }),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining(
        "at 'filters.1.member.values' failed to satisfy constraint: Member must have length less than or equal to 100",
      ),
    });
    for (const MaxResults of [4, 51]) {
      await expect(describeNodes({ MaxResults })).rejects.toMatchObject({
        name: "ValidationException",
        message: expect.stringContaining(`Value '${MaxResults}' at 'maxResults'`),
      });
    }
    await expect(describeNodes({ MaxResults: 5 })).resolves.toBeDefined();
  });

  it("pages 10 nodes at a time when MaxResults is absent", async () => {
    installInstanceInformationDouble();
    for (let index = 0; index < 10; index += 1) {
      await launchInstance({
        imageId: estate.linuxImageId,
        subnet: estate.subnets[1],
        name: `web-${index}`,
        tagged: false,
      });
    }

    const first = await describeNodes({});

    expect(first.InstanceInformationList).toHaveLength(10);
    const second = await describeNodes({ NextToken: first.NextToken });
    expect(second.InstanceInformationList).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
  });
});
