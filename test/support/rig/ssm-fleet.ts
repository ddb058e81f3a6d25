/**
 * Which EC2 instances are SSM managed nodes, and how their agents answer: the state behind the
 * DescribeInstanceInformation double and the SendCommand rule. moto has no SSM agent registry, so
 * the rig derives one from moto's EC2 instances: every instance is a registered node whose agent is
 * `Online`, unless a test says otherwise (`setPingStatus`, `markNotRegistered`).
 *
 * From the SSM API reference: a node is a valid target while its instance is running, pending,
 * stopped or stopping (shutting-down and terminated are not: `InvalidInstanceId`, botocore
 * ssm/2014-11-06 shape `InvalidInstanceId`), and DescribeInstanceInformation "does not return
 * information for nodes that are either Stopped or Terminated".
 */
import { DescribeInstancesCommand, EC2Client, type Filter, type Instance } from "@aws-sdk/client-ec2";
import { rigClient } from "./rig-clients.js";

/** SSM agent ping states. */
export type PingStatus = "Online" | "ConnectionLost" | "Inactive";

const pingStatuses = new Map<string, PingStatus>();
const unregistered = new Set<string>();

/** What the fleet knows about one instance. */
export interface FleetNode {
  instance: Instance;
  pingStatus: PingStatus;
  /** Registered with SSM and in a state SSM accepts as a target. */
  managed: boolean;
  /** Listed by DescribeInstanceInformation (managed, and neither stopped nor stopping). */
  listed: boolean;
}

/**
 * The rig's SSM agent registry; reset when the instance-information double is removed.
 *
 * @example
 * ```ts
 * ssmFleet.setPingStatus("i-0123456789abcdef0", "ConnectionLost");
 * ```
 */
export const ssmFleet = {
  setPingStatus(instanceId: string, status: PingStatus): void {
    pingStatuses.set(instanceId, status);
  },
  /** The instance has no (registered) SSM agent: it is not a managed node. */
  markNotRegistered(instanceId: string): void {
    unregistered.add(instanceId);
  },
  markRegistered(instanceId: string): void {
    unregistered.delete(instanceId);
  },
  /** Every instance back to registered and Online. */
  reset(): void {
    pingStatuses.clear();
    unregistered.clear();
  },
};

function describe(instance: Instance): FleetNode {
  const id = instance.InstanceId ?? "";
  const state = instance.State?.Name ?? "";
  const managed = !unregistered.has(id) && state !== "terminated" && state !== "shutting-down";
  return {
    instance,
    pingStatus: pingStatuses.get(id) ?? "Online",
    managed,
    listed: managed && state !== "stopped" && state !== "stopping",
  };
}

/**
 * Every EC2 instance moto holds (or those with the given ids), as fleet nodes, sorted by id.
 *
 * @example
 * ```ts
 * const nodes = await fleetNodes(["i-0123456789abcdef0"]);
 * ```
 */
export async function fleetNodes(instanceIds?: readonly string[]): Promise<FleetNode[]> {
  if (instanceIds?.length === 0) return [];
  const ec2 = rigClient(EC2Client);
  const filters: Filter[] = instanceIds ? [{ Name: "instance-id", Values: [...instanceIds] }] : [];
  const nodes: FleetNode[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken: nextToken }));
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) nodes.push(describe(instance));
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return nodes.sort((left, right) =>
    (left.instance.InstanceId ?? "").localeCompare(right.instance.InstanceId ?? ""),
  );
}

/**
 * The ids among `instanceIds` that are not managed nodes (unknown, unregistered, terminated).
 *
 * @example
 * ```ts
 * await unmanagedInstanceIds(["i-0123456789abcdef0"]); // [] when it is a managed node
 * ```
 */
export async function unmanagedInstanceIds(instanceIds: readonly string[]): Promise<string[]> {
  const managed = new Set(
    (await fleetNodes(instanceIds)).filter((node) => node.managed).map((node) => node.instance.InstanceId),
  );
  return instanceIds.filter((id) => !managed.has(id));
}
