import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { runWorkflow } from "../support/workflow.js";
import { estateChanges, npsHostsChanged, prepareWorld, type World } from "../support/world.js";

/** The security group the seed gives the NPS servers (UDP 1812 from the VPC's 10.0.0.0/16). */
async function npsGroupOf(instanceId: string): Promise<string> {
  const { Reservations } = await clients.ec2.send(
    new DescribeInstancesCommand({ InstanceIds: [instanceId] }),
  );
  const groupId = Reservations?.[0]?.Instances?.[0]?.SecurityGroups?.[0]?.GroupId;
  if (!groupId) throw new Error(`instance ${instanceId} has no security group`);
  return groupId;
}

async function udpRulesOf(groupId: string) {
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
  );
  return (SecurityGroups?.[0]?.IpPermissions ?? [])
    .filter((permission) => permission.IpProtocol === "udp")
    .flatMap((permission) =>
      (permission.IpRanges ?? []).map((range) => ({ cidr: range.CidrIp, description: range.Description })),
    );
}

describe("the network path from the directory to NPS", () => {
  let world: World;
  let groupId: string;
  beforeEach(async () => {
    world = await prepareWorld();
    groupId = await npsGroupOf(world.estate.npsServers[0].instanceId);
    // The NPS servers' group loses its RADIUS rule: nothing admits the connector IPs any more.
    await clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: "udp", FromPort: 1812, ToPort: 1812, IpRanges: [{ CidrIp: "10.0.0.0/16" }] },
        ],
      }),
    );
    world.calls.reset();
  });
  afterEach(() => {
    delete process.env.RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP;
  });

  it("is a plan problem naming the server, its group and the missing rule, and nothing is changed", async () => {
    const [connectIp] = world.estate.directory.connectIps;

    const plan = await runWorkflow({ mode: "reconcile", dryRun: true });
    const result = await runWorkflow({ mode: "reconcile" });

    const problems = (plan.output as { plan: { problems: Array<{ error: string; message: string }> } }).plan
      .problems;
    const blocked = problems.filter((problem) => problem.error === "NpsNetworkPathBlocked");
    expect(blocked).toHaveLength(2);
    expect(blocked[0]?.message).toContain(groupId);
    expect(blocked[0]?.message).toContain(
      `UDP 1812 from ${connectIp}/32 (directory ${world.estate.directory.directoryId})`,
    );
    expect(result.error).toBe("NpsNetworkPathBlocked");
    expect(estateChanges(world)).toEqual([]);
  });

  it("with manageNpsSecurityGroup, is fixed with rules marked ours, and a second run is a no-op", async () => {
    process.env.RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP = "true";

    const first = await runWorkflow({ mode: "reconcile" });
    world.calls.reset();
    const second = await runWorkflow({ mode: "reconcile" });

    expect(first.status).toBe("SUCCEEDED");
    const rules = await udpRulesOf(groupId);
    expect(rules.map((rule) => rule.cidr).sort()).toEqual(
      world.estate.directory.connectIps.map((ip) => `${ip}/32`).sort(),
    );
    for (const rule of rules)
      expect(rule.description).toBe(
        `radius-sync: RADIUS from directory ${world.estate.directory.directoryId}`,
      );
    expect(second.status).toBe("SUCCEEDED");
    // The second run only verifies the NPS servers (its command changes nothing on them).
    expect(estateChanges(world)).toEqual(["SendCommand"]);
    expect(npsHostsChanged(world)).toEqual([]);
  });
});
