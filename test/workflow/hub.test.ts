/**
 * A hub (issue 23): one deployment in the NPS servers' account and region manages its own directory
 * and the directories of two member accounts in two regions each, through the member role, on moto
 * with several accounts (test/support/seed-member.ts, test/support/rig/accounts.ts).
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DescribeDirectoriesCommand as DescribeDsDirectories } from "@aws-sdk/client-directory-service";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { replayMismatchWindow } from "../../bench/measure.js";
import { forgetMemberClients } from "../../shared/aws/clients/member.js";
import { clients } from "../../shared/aws/clients.js";
import { npsClientName } from "../../shared/core/naming.js";
import { targetCode } from "../../shared/core/targets.js";
import { metrics } from "../../shared/observability.js";
import { readCloudTrailSamples, readTriggerPatterns } from "../fixtures/cloudtrail/samples.js";
import { memberAccountCalls } from "../fixtures/iam/member-calls.js";
import { radiusSyncEnvironment } from "../support/environment.js";
import { ruleToQueue } from "../support/event-rules.js";
import { readDirectoryRadius, readSecret } from "../support/inspect.js";
import { repositoryRoot } from "../support/paths.js";
import { homeScope } from "../support/rig/accounts.js";
import { faults } from "../support/rig/faults.js";
import { clientsIn, type SeededMemberEstate, seedMemberEstate } from "../support/seed-member.js";
import { runWorkflow } from "../support/workflow.js";
import { estateChanges, npsHostsChanged, prepareWorld, type World } from "../support/world.js";

const sorted = (values: Iterable<string>) => [...values].sort();

/** Two member accounts, each in two regions: four targets beside the hub's own account and region. */
const memberScopes = [
  { account: "111111111111", region: "eu-west-1" },
  { account: "111111111111", region: "us-west-2" },
  { account: "222222222222", region: "eu-west-1" },
  { account: "222222222222", region: "us-west-2" },
] as const;
const keyOf = (scope: { account: string; region: string }) => `${scope.account}:${scope.region}`;

/** The client names a SendCommand carries (its `Clients` parameter is "name=ip,name=ip"). */
const clientsSent = (world: World) =>
  world.calls
    .callsTo("SendCommand")
    .filter((call) => call.input.DocumentName === radiusSyncEnvironment.RADIUS_SYNC_SSM_DOCUMENT_NAME)
    .map((call) =>
      sorted(
        ((call.input.Parameters as { Clients?: string[] } | undefined)?.Clients?.[0] ?? "")
          .split(",")
          .filter(Boolean),
      ),
    );

async function memberRadius(member: SeededMemberEstate, directoryId: string) {
  const answer = await clientsIn(member).ds.send(new DescribeDsDirectories({ DirectoryIds: [directoryId] }));
  return answer.DirectoryDescriptions?.[0];
}

async function memberUdpRules(member: SeededMemberEstate, groupId: string) {
  const answer = await clientsIn(member).ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (answer.SecurityGroups?.[0]?.IpPermissions ?? [])
    .filter((permission) => permission.IpProtocol === "udp")
    .flatMap((permission) =>
      (permission.IpRanges ?? []).map((range) => ({
        cidr: range.CidrIp ?? "",
        port: permission.FromPort,
        description: range.Description ?? "",
      })),
    );
}

describe("a hub managing two accounts × two regions", () => {
  let world: World;
  let members: SeededMemberEstate[];

  beforeEach(async () => {
    world = await prepareWorld();
    members = [];
    for (const scope of memberScopes) members.push(await seedMemberEstate({ ...scope, directories: 1 }));
    process.env.RADIUS_SYNC_TARGETS = memberScopes.map(keyOf).join(",");
    // The members' connectors send RADIUS from their own VPCs: the hub opens the NPS servers' group to them.
    process.env.RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP = "true";
  });

  afterEach(() => {
    delete process.env.RADIUS_SYNC_TARGETS;
    delete process.env.RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP;
  });

  it("configures every target's directory, security group and NPS clients from one run", async () => {
    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const npsIps = sorted(world.estate.npsServers.map((server) => server.privateIp));
    const current = await readSecret("AWSCURRENT");
    for (const member of members) {
      const [directory] = member.directories;
      if (!directory) throw new Error("seeded no directory");
      const described = await memberRadius(member, directory.directoryId);
      expect(described?.RadiusStatus, keyOf(member)).toBe("Completed");
      expect(sorted(described?.RadiusSettings?.RadiusServers ?? []), keyOf(member)).toEqual(npsIps);
      expect(described?.RadiusSettings?.SharedSecret, keyOf(member)).toBe(current.value);
      const ours = (await memberUdpRules(member, directory.securityGroupId)).filter((rule) =>
        rule.description.startsWith("radius-sync:"),
      );
      expect(sorted(ours.map((rule) => rule.cidr)), keyOf(member)).toEqual(npsIps.map((ip) => `${ip}/32`));
      // Each member's calls were made in its own account and region.
      expect(world.calls.callsTo("EnableRadius", member), keyOf(member)).toHaveLength(1);
      // Its state record is kept under account, region and id.
      const record = await clients.dynamodb.send(
        new GetItemCommand({
          TableName: radiusSyncEnvironment.RADIUS_SYNC_STATE_TABLE,
          Key: { pk: { S: `directory#${keyOf(member)}:${directory.directoryId}` } },
        }),
      );
      expect(record.Item, keyOf(member)).toBeDefined();
    }
    // The hub's own directory as before: its own account, its own name.
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).status).toBe("Completed");
    expect(world.calls.callsTo("EnableRadius", homeScope)).toHaveLength(1);
    // One push carries every target's clients, each member's named with its target's code.
    const [sent, ...more] = clientsSent(world);
    expect(more).toEqual([]);
    const wanted = [
      ...world.estate.directory.connectIps.map(
        (ip) =>
          `${npsClientName({ namePrefix: "radius-sync", directoryId: world.estate.directory.directoryId, ip })}=${ip}`,
      ),
      ...members.flatMap((member) =>
        member.directories.flatMap((directory) =>
          directory.connectIps.map(
            (ip) =>
              `${npsClientName({
                namePrefix: "radius-sync",
                directoryId: directory.directoryId,
                ip,
                targetCode: targetCode(keyOf(member)),
              })}=${ip}`,
          ),
        ),
      ),
    ];
    expect(sent).toEqual(sorted(wanted));
    // Every NPS server holds every target's clients.
    for (const server of world.estate.npsServers) {
      expect(sorted(world.npsHosts.clientsOf(server.instanceId).keys())).toEqual(
        sorted(wanted.map((entry) => entry.split("=")[0] ?? "")),
      );
    }
    // Every call the hub made with a member's credentials is one the member role allows (and the
    // member role allows nothing else: test/package/member-role.test.ts).
    const allowed = new Set(memberAccountCalls.map((call) => call.action));
    const inMembers = world.calls.calls.filter(
      (call) => call.account !== homeScope.account || call.region !== homeScope.region,
    );
    expect(inMembers.length).toBeGreaterThan(0);
    expect(
      [...new Set(inMembers.map((call) => `${call.service}:${call.operation}`))].filter(
        (action) => !allowed.has(action),
      ),
    ).toEqual([]);
    // The plan said how each target went.
    const summary = (result.output as { summary: string[] }).summary;
    for (const scope of memberScopes) {
      expect(summary).toContain(
        `note: target ${scope.account} ${scope.region}: reached, 1 managed directory`,
      );
    }
  });

  it("changes nothing on a second run", async () => {
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    world.calls.reset();

    const second = await runWorkflow({ mode: "reconcile" });

    expect(second.status, second.cause).toBe("SUCCEEDED");
    expect(second.output).toMatchObject({ changed: false, changeCount: 0 });
    // The run verifies the NPS servers (one command) and changes nothing anywhere.
    expect(estateChanges(world)).toEqual(["SendCommand"]);
    expect(npsHostsChanged(world)).toEqual([]);
  });

  it("applies the other targets when one account's role lacks a needed action, naming that target", async () => {
    const [denied] = memberScopes;
    // The member role in account 111111111111 lacks ec2:DescribeSecurityGroups (one role per account,
    // so both of its regions are refused).
    faults.deny({ service: "ec2", operation: "DescribeSecurityGroups", account: denied.account });
    const recorded = vi.spyOn(metrics, "addMetric");

    const result = await runWorkflow({ mode: "reconcile" });

    // Both regions of the account are counted for the TargetsUnreachable alarm, once per execution.
    expect(recorded.mock.calls.filter(([name]) => name === "TargetsUnreachable")).toEqual([
      ["TargetsUnreachable", "Count", 2],
    ]);
    recorded.mockRestore();

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const summary = (result.output as { summary: string[] }).summary;
    for (const member of members) {
      const [directory] = member.directories;
      if (!directory) throw new Error("seeded no directory");
      const described = await memberRadius(member, directory.directoryId);
      if (member.account === denied.account) {
        expect(described?.RadiusSettings?.RadiusServers ?? [], keyOf(member)).toEqual([]);
        expect(summary.join("\n"), keyOf(member)).toContain(
          `TargetUnreachable: target ${member.account} ${member.region} is unreachable (UnauthorizedOperation: `,
        );
      } else {
        expect(described?.RadiusStatus, keyOf(member)).toBe("Completed");
        expect(summary, keyOf(member)).toContain(
          `note: target ${member.account} ${member.region}: reached, 1 managed directory`,
        );
      }
    }
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).status).toBe("Completed");
    // Nothing was changed in the refused account.
    expect(world.calls.mutatingCalls().filter((call) => call.account === denied.account)).toEqual([]);
  });

  it("changes every other directory when a member role refuses EnableRadius, then fails naming that target", async () => {
    const [denied] = memberScopes;
    faults.deny({ service: "ds", operation: "EnableRadius", account: denied.account });

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("TargetUnreachable");
    for (const member of members) {
      const [directory] = member.directories;
      if (!directory) throw new Error("seeded no directory");
      const described = await memberRadius(member, directory.directoryId);
      if (member.account === denied.account) {
        expect(result.cause, keyOf(member)).toContain(
          `${directory.directoryId} (${member.account} ${member.region}): AccessDeniedException`,
        );
        expect(described?.RadiusSettings?.RadiusServers ?? [], keyOf(member)).toEqual([]);
      } else {
        expect(described?.RadiusStatus, keyOf(member)).toBe("Completed");
      }
    }
    expect((await readDirectoryRadius(world.estate.directory.directoryId)).status).toBe("Completed");
    expect(result.cause).toContain("the other 3 director(ies) of the phase were changed");
  });

  it("rotates blue/green across every target with no directory ever on a server of the other secret (replayed)", async () => {
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
    world.calls.reset();
    const before = await readSecret("AWSCURRENT");

    const result = await runWorkflow({ mode: "rotate" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(result.output).toMatchObject({ strategy: "blue-green" });
    const after = await readSecret("AWSCURRENT");
    const values = new Map([
      [before.value, before.versionId],
      [after.value, after.versionId],
    ]);
    const npsIps = world.estate.npsServers.map((server) => server.privateIp);
    const directoryIds = [
      world.estate.directory.directoryId,
      ...members.flatMap((member) => member.directories.map((directory) => directory.directoryId)),
    ];
    const replayed = replayMismatchWindow(world.calls.calls, {
      ipOfInstance: new Map(world.estate.npsServers.map((server) => [server.instanceId, server.privateIp])),
      serversOfDirectory: new Map(directoryIds.map((directoryId) => [directoryId, [...npsIps]])),
      versionId: before.versionId,
      versionOfValue: (value) => values.get(value) ?? "unknown",
    });
    // Every directory, in every target, was moved (3 phases each), and never onto a mismatch.
    const directories = 1 + members.length;
    expect(replayed.changes).toBeGreaterThanOrEqual(3 * directories);
    expect(replayed).toMatchObject({ mismatchedSteps: 0, mismatchedPairs: 0 });
    for (const member of members) {
      const [directory] = member.directories;
      if (!directory) throw new Error("seeded no directory");
      expect(world.calls.callsTo("UpdateRadius", member).length, keyOf(member)).toBeGreaterThanOrEqual(3);
      expect((await memberRadius(member, directory.directoryId))?.RadiusSettings?.SharedSecret).toBe(
        after.value,
      );
    }
  });

  it("does not rotate while a target cannot be reached, and changes nothing", async () => {
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
    world.calls.reset();
    const before = await readSecret("AWSCURRENT");
    // The member role of 222222222222 is gone (or no longer trusts the hub): new Lambda containers
    // cannot assume it (the old ones' credentials would still work until they expire).
    faults.deny({ service: "sts", operation: "AssumeRole", account: "222222222222" });
    forgetMemberClients();

    const result = await runWorkflow({ mode: "rotate" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("TargetUnreachable");
    expect(result.cause).toContain("222222222222:eu-west-1, 222222222222:us-west-2 could not be read");
    expect((await readSecret("AWSCURRENT")).versionId).toBe(before.versionId);
    expect(estateChanges(world)).toEqual([]);
  });

  it("keeps an unreachable target's NPS clients in the push instead of removing them", async () => {
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
    const [server] = world.estate.npsServers;
    if (!server) throw new Error("no NPS server");
    const heldBefore = sorted(world.npsHosts.clientsOf(server.instanceId).keys());
    world.calls.reset();
    // The member role of 222222222222 is gone (or no longer trusts the hub): new Lambda containers
    // cannot assume it (the old ones' credentials would still work until they expire).
    faults.deny({ service: "sts", operation: "AssumeRole", account: "222222222222" });
    forgetMemberClients();

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    for (const instance of world.estate.npsServers) {
      expect(sorted(world.npsHosts.clientsOf(instance.instanceId).keys())).toEqual(heldBefore);
    }
    const summary = (result.output as { summary: string[] }).summary.join("\n");
    expect(summary).toContain(
      "TargetUnreachable: target 222222222222 eu-west-1 is unreachable (AccessDenied: ",
    );
    expect(summary).toContain("its 2 NPS client(s) are kept as last pushed");
  });

  it("reconciles when a directory changes in a member account: the member's event matches the hub's rule", async () => {
    const [member] = members;
    if (!member) throw new Error("seeded no member");
    // The hub's directory-change rule as deployed (this stage's pattern, its target's input), with a
    // queue in the state machine's place: moto cannot deliver to Step Functions.
    const { directoryChanges } = await readTriggerPatterns({ service: "radius-sync", stage: "test" });
    const template = await readFile(join(repositoryRoot, "serverless.yml"), "utf8");
    const input = /DirectoryChangesRule:[\s\S]*?Input: '([^']*)'/.exec(template)?.[1];
    expect(input).toBe('{"mode":"reconcile"}');
    const sqs = new SQSClient({});
    // moto hands an SQS target the whole event whatever its Input; an input transformer without paths
    // delivers the rule's constant input, as EventBridge delivers Input to the state machine.
    const QueueUrl = await ruleToQueue({
      events: clients.eventBridge,
      sqs,
      name: "hub-directory-changes",
      pattern: directoryChanges,
      inputTransformer: { InputTemplate: input },
    });
    // A connector created in the member account, as its forwarding rule (member-role/member-events.yml,
    // test/integration/member-events.test.ts) puts it on the hub's bus: every account id the member's.
    const { match } = await readCloudTrailSamples();
    const sample = match.find((candidate) => candidate.name === "ds-connect-directory");
    if (!sample) throw new Error("no ds-connect-directory sample");
    const event = JSON.parse(JSON.stringify(sample.event).replaceAll("123456789012", member.account));
    await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: event.source,
            DetailType: event["detail-type"],
            Detail: JSON.stringify({ ...event.detail, awsRegion: member.region }),
          },
        ],
      }),
    );
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const starts = (received.Messages ?? []).map((message) => JSON.parse(message.Body ?? "{}"));
    expect(starts).toEqual([{ mode: "reconcile" }]);

    const result = await runWorkflow(starts[0]);

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const [directory] = member.directories;
    if (!directory) throw new Error("seeded no directory");
    expect((await memberRadius(member, directory.directoryId))?.RadiusStatus).toBe("Completed");
  });
});
