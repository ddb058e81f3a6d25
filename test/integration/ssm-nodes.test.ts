import { RunInstancesCommand } from "@aws-sdk/client-ec2";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { describeManagedNodes } from "../../shared/aws/ssm.js";
import {
  type InstanceInformationDouble,
  installInstanceInformationDouble,
  recordApiCalls,
} from "../support/doubles/index.js";
import { npsTag } from "../support/environment.js";
import { type SeededEstate, seedEnvironment } from "../support/seed.js";

/** Launches `count` Windows instances in the estate's first subnet, in one call. */
async function launchInstances(estate: SeededEstate, count: number): Promise<string[]> {
  const { Instances } = await clients.ec2.send(
    new RunInstancesCommand({
      ImageId: estate.windowsImageId,
      InstanceType: "t3.medium",
      MinCount: count,
      MaxCount: count,
      SubnetId: estate.subnets[0]?.subnetId,
    }),
  );
  return (Instances ?? []).map((instance) => instance.InstanceId ?? "").sort();
}

describe("describeManagedNodes (DescribeInstanceInformation as strict as AWS)", () => {
  let estate: SeededEstate;
  let nodes: InstanceInformationDouble;
  beforeEach(async () => {
    estate = await seedEnvironment();
    nodes = installInstanceInformationDouble();
  });

  it("asks for more than 100 configured ids in batches of the filter's 100 values", async () => {
    // Prepare: 103 managed nodes, configured by id.
    const ids = [
      ...(await launchInstances(estate, 101)),
      ...estate.npsServers.map((server) => server.instanceId),
    ];
    const calls = recordApiCalls();

    // Act
    const found = await describeManagedNodes({ instanceIds: ids });

    // Assess
    expect(found.nodes.map((node) => node.instanceId)).toEqual([...ids].sort());
    expect(found.unknownInstanceIds).toEqual([]);
    const batches = calls
      .callsTo("DescribeInstanceInformation")
      .map((call) => (call.input.Filters as Array<{ Values: string[] }>)[0]?.Values.length);
    expect(Math.max(...(batches as number[]))).toBeLessThanOrEqual(100);
    expect(calls.callsTo("DescribeInstanceInformation").filter((call) => call.errorCode)).toEqual([]);
  });

  it("names exactly the ids SSM refuses with InvalidInstanceId, and still describes the others", async () => {
    // Prepare: one id no instance has, one instance without an SSM agent, two managed nodes.
    const [first, second] = estate.npsServers;
    const agentless = (await launchInstances(estate, 1))[0] ?? "";
    nodes.markNotRegistered(agentless);
    const unknown = "i-0123456789abcdef0";
    const calls = recordApiCalls();

    // Act
    const found = await describeManagedNodes({
      instanceIds: [first.instanceId, unknown, agentless, second.instanceId],
    });

    // Assess
    expect(found.nodes.map((node) => node.instanceId)).toEqual([first.instanceId, second.instanceId].sort());
    expect(found.unknownInstanceIds).toEqual([agentless, unknown].sort());
    expect(
      calls.callsTo("DescribeInstanceInformation").some((call) => call.errorCode === "InvalidInstanceId"),
    ).toBe(true);
  });

  it("finds tagged nodes beside configured ids, with no InstanceIds filter for the tag", async () => {
    const [first] = estate.npsServers;

    const found = await describeManagedNodes({
      instanceIds: [first.instanceId],
      tag: npsTag,
    });

    expect(found.nodes.map((node) => node.instanceId)).toEqual(
      estate.npsServers.map((server) => server.instanceId).sort(),
    );
  });
});
