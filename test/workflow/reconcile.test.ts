import { beforeEach, describe, expect, it } from "vitest";
import { radiusSyncEnvironment } from "../support/environment.js";
import { readDirectoryRadius, readSecret, readUdpRules } from "../support/inspect.js";
import { addForeignIngressRule, addSecondDirectory } from "../support/seed.js";
import { runWorkflow } from "../support/workflow.js";
import { estateChanges, npsHostsChanged, prepareWorld, type World } from "../support/world.js";

const sorted = (values: Iterable<string>) => [...values].sort();
/** The client IPs a SendCommand carries (its `Clients` parameter is "name=ip,name=ip"). */
const clientIps = (parameters: unknown) =>
  sorted(
    ((parameters as { Clients?: string[] } | undefined)?.Clients?.[0] ?? "")
      .split(",")
      .filter(Boolean)
      .map((entry) => entry.split("=")[1] ?? ""),
  );
const mutatingOperations = (world: World) => world.calls.mutatingCalls().map((call) => call.operation);

describe("reconcile on an unconfigured estate", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("enables RADIUS on the directory with both NPS servers, PAP, timeout 30, retries 1 and the AWSCURRENT secret", async () => {
    // Act
    const result = await runWorkflow({ mode: "reconcile" });

    // Assess
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const npsIps = sorted(world.estate.npsServers.map((server) => server.privateIp));
    const directory = await readDirectoryRadius(world.estate.directory.directoryId);
    expect(directory.status).toBe("Completed");
    expect(sorted(directory.settings?.RadiusServers ?? [])).toEqual(npsIps);
    expect(directory.settings).toMatchObject({
      RadiusPort: 1812,
      AuthenticationProtocol: "PAP",
      RadiusTimeout: 30,
      RadiusRetries: 1,
    });
    const current = await readSecret("AWSCURRENT");
    const [enable] = world.calls.callsTo("EnableRadius");
    expect(enable?.input.RadiusSettings).toMatchObject({ SharedSecret: current.value });
    expect(current.value).toHaveLength(64);
    const [event] = world.calls.callsTo("PutEvents");
    const entry = (event?.input.Entries as Array<{ Source: string; Detail: string }> | undefined)?.[0];
    expect(entry?.Source).toBe("radius-sync");
    expect(JSON.parse(entry?.Detail ?? "{}")).toMatchObject({ status: "SUCCEEDED", changed: true });
    expect(entry?.Detail).not.toContain(current.value);
  });

  it("sends one SSM command with the project's document to both NPS servers, listing both ConnectIps and no secret", async () => {
    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const sends = world.calls.callsTo("SendCommand");
    expect(sends).toHaveLength(1);
    const [send] = sends;
    expect(send?.input.DocumentName).toBe(radiusSyncEnvironment.RADIUS_SYNC_SSM_DOCUMENT_NAME);
    expect(sorted(send?.input.InstanceIds as string[])).toEqual(
      sorted(world.estate.npsServers.map((server) => server.instanceId)),
    );
    const parameters = JSON.stringify(send?.input.Parameters);
    expect(clientIps(send?.input.Parameters)).toEqual(sorted(world.estate.directory.connectIps));
    const current = await readSecret("AWSCURRENT");
    expect(parameters).toContain(current.versionId);
    expect(parameters).not.toContain(current.value);
    expect(JSON.stringify(result.events)).not.toContain(current.value);
  });

  it("opens UDP 1812 from each NPS server's IP in the directory's security group, marked as ours", async () => {
    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const rules = await readUdpRules(world.estate.directory.securityGroupId);
    const ours = rules.filter((rule) => rule.description?.startsWith("radius-sync:"));
    expect(ours.map((rule) => rule.cidr)).toEqual(
      sorted(world.estate.npsServers.map((server) => `${server.privateIp}/32`)),
    );
    for (const rule of ours) expect(rule).toMatchObject({ fromPort: 1812, toPort: 1812 });
  });

  it("changes nothing on a second execution and reports no changes: it only verifies the NPS servers", async () => {
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    world.calls.reset();

    const second = await runWorkflow({ mode: "reconcile" });

    expect(second.status, second.cause).toBe("SUCCEEDED");
    expect(second.output).toMatchObject({ changed: false, changeCount: 0 });
    // The one call outside radius-sync's own table: the command every run sends every NPS server,
    // one at a time, which changes nothing on a server that agrees.
    expect(estateChanges(world)).toEqual(["SendCommand"]);
    expect(world.calls.callsTo("SendCommand")[0]?.input).toMatchObject({
      MaxConcurrency: "1",
      MaxErrors: "0",
    });
    expect(npsHostsChanged(world)).toEqual([]);
  });

  it("returns the plan and changes nothing on a dry run", async () => {
    const result = await runWorkflow({ mode: "reconcile", dryRun: true });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const output = result.output as { dryRun: boolean; plan: { changeCount: number; summary: string[] } };
    expect(output.dryRun).toBe(true);
    expect(output.plan.changeCount).toBeGreaterThan(0);
    expect(output.plan.summary.join("\n")).toContain(world.estate.directory.directoryId);
    expect(mutatingOperations(world)).toEqual([]);
  });
});

describe("reconcile after the estate changed", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    await addForeignIngressRule(world.estate.directory.securityGroupId);
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    world.calls.reset();
  });

  it("adds exactly the second directory's NPS clients and rules, and leaves the first directory alone", async () => {
    // Prepare
    const branch = await addSecondDirectory(world.estate);
    const rulesBefore = await readUdpRules(world.estate.directory.securityGroupId);
    world.calls.reset();

    // Act
    const result = await runWorkflow({ mode: "reconcile" });

    // Assess
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const [send, ...moreSends] = world.calls.callsTo("SendCommand");
    expect(moreSends).toEqual([]);
    expect(clientIps(send?.input.Parameters)).toEqual(
      sorted([...world.estate.directory.connectIps, ...branch.connectIps]),
    );
    const radiusChanges = world.calls.calls.filter((call) =>
      ["EnableRadius", "UpdateRadius"].includes(call.operation),
    );
    expect(radiusChanges.map((call) => [call.operation, call.input.DirectoryId])).toEqual([
      ["EnableRadius", branch.directoryId],
    ]);
    const authorizations = world.calls.callsTo("AuthorizeSecurityGroupIngress");
    expect(new Set(authorizations.map((call) => call.input.GroupId))).toEqual(
      new Set([branch.securityGroupId]),
    );
    expect(authorizations).toHaveLength(1);
    const cidrs = (
      (authorizations[0]?.input.IpPermissions ?? []) as Array<{ IpRanges: Array<{ CidrIp: string }> }>
    ).flatMap((permission) => permission.IpRanges.map((range) => range.CidrIp));
    expect(sorted(cidrs)).toEqual(sorted(world.estate.npsServers.map((server) => `${server.privateIp}/32`)));
    expect(world.calls.callsTo("RevokeSecurityGroupIngress")).toEqual([]);
    expect(await readUdpRules(world.estate.directory.securityGroupId)).toEqual(rulesBefore);
    expect(new Set(estateChanges(world))).toEqual(
      new Set(["AuthorizeSecurityGroupIngress", "SendCommand", "EnableRadius"]),
    );
  });

  it("replaces exactly the changed connector IP's NPS client and touches no rule or directory", async () => {
    // Prepare
    const [kept, replaced] = world.estate.directory.connectIps as [string, string];
    // moto picks connector IPs at random: take a new one that is surely not already in use.
    const moved = ["10.0.2.99", "10.0.2.98"].find((ip) => ip !== kept && ip !== replaced) ?? "10.0.2.97";
    world.drift.setConnectIps(world.estate.directory.directoryId, [kept, moved]);

    // Act
    const result = await runWorkflow({ mode: "reconcile" });

    // Assess
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const [send] = world.calls.callsTo("SendCommand");
    expect(clientIps(send?.input.Parameters)).toEqual(sorted([kept, moved]));
    expect(clientIps(send?.input.Parameters)).not.toContain(replaced);
    expect(estateChanges(world)).toEqual(["SendCommand"]);
    const records = world.calls
      .callsTo("PutItem")
      .map((call) => (call.input.Item as { pk: { S: string } }).pk.S)
      .filter((key) => !key.startsWith("lock#"));
    expect(sorted(new Set(records))).toEqual(
      sorted(world.estate.npsServers.map((server) => `nps#${server.instanceId}`)),
    );
    const summary = (result.output as { summary: string[] }).summary.join("\n");
    expect(summary).toContain(moved);
  });
});
