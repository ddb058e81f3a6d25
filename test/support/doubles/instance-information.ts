import { DescribeInstancesCommand, EC2Client, type Instance } from "@aws-sdk/client-ec2";
import { clients } from "../../../shared/aws/clients.js";
import {
  answer,
  combineRemovables,
  installInterceptor,
  operationName,
  type Removable,
  trackRemovable,
} from "./registry.js";

/** SSM agent ping states. */
export type PingStatus = "Online" | "ConnectionLost" | "Inactive";

/**
 * Test double for SSM `DescribeInstanceInformation`, which moto lacks.
 *
 * Answers from moto's EC2 `DescribeInstances` (through a private client, so the recorder
 * sees only the SSM call): one managed node per instance that is not terminated, with
 * `PingStatus` (set per instance by the test, default `Online`), `PlatformType`
 * (`Windows` when EC2 says platform windows, else `Linux`), `IPAddress` (private IP),
 * `ComputerName` (the `Name` tag, else the private DNS name) and `ResourceType` EC2Instance.
 * An instance marked "not registered" is absent, as when the SSM agent is missing.
 *
 * Honours `Filters` keys `InstanceIds`, `PingStatus`, `PlatformTypes`, `ResourceType`,
 * `tag:<key>`, `tag-key`, the same keys in `InstanceInformationFilterList`, and
 * `MaxResults`/`NextToken` paging. Any other filter key throws, rather than being ignored.
 *
 * @example
 * ```ts
 * const ssmNodes = installInstanceInformationDouble();
 * ssmNodes.setPingStatus(estate.npsServers[1].instanceId, "ConnectionLost");
 * ssmNodes.markNotRegistered(estate.npsServers[0].instanceId);
 * ```
 */
export interface InstanceInformationDouble extends Removable {
  setPingStatus(instanceId: string, status: PingStatus): void;
  /** The instance has no (registered) SSM agent: it disappears from the answer. */
  markNotRegistered(instanceId: string): void;
  markRegistered(instanceId: string): void;
}

type NodeInformation = Record<string, unknown> & { InstanceId: string };
type Filter = { key: string; values: string[] };

function describeNode(instance: Instance, pingStatus: PingStatus): NodeInformation {
  // EC2 (and moto) answer "windows" in lower case, unlike the SDK's enum.
  const windows = String(instance.Platform ?? "").toLowerCase() === "windows";
  const name = instance.Tags?.find((tag) => tag.Key === "Name")?.Value;
  return {
    InstanceId: instance.InstanceId ?? "",
    PingStatus: pingStatus,
    LastPingDateTime: new Date(),
    AgentVersion: "3.3.1142.0",
    IsLatestVersion: true,
    PlatformType: windows ? "Windows" : "Linux",
    PlatformName: windows ? "Microsoft Windows Server 2022 Datacenter" : "Amazon Linux",
    PlatformVersion: windows ? "10.0.20348" : "2023",
    ResourceType: "EC2Instance",
    IPAddress: instance.PrivateIpAddress,
    ComputerName: name ?? instance.PrivateDnsName,
    Tags: instance.Tags ?? [],
  };
}

function matches(node: NodeInformation, filter: Filter): boolean {
  const tags = (node.Tags ?? []) as Array<{ Key?: string; Value?: string }>;
  const wanted = new Set(filter.values);
  switch (filter.key) {
    case "InstanceIds":
      return wanted.has(node.InstanceId);
    case "PingStatus":
      return wanted.has(String(node.PingStatus));
    case "PlatformTypes":
      return wanted.has(String(node.PlatformType));
    case "ResourceType":
      return wanted.has(String(node.ResourceType));
    case "tag-key":
      return tags.some((tag) => wanted.has(tag.Key ?? ""));
    default:
      if (filter.key.startsWith("tag:")) {
        const key = filter.key.slice("tag:".length);
        return tags.some((tag) => tag.Key === key && wanted.has(tag.Value ?? ""));
      }
      throw new Error(`the DescribeInstanceInformation test double does not support filter ${filter.key}`);
  }
}

function readFilters(input: Record<string, unknown>): Filter[] {
  const filters = (input.Filters ?? []) as Array<{ Key?: string; Values?: string[] }>;
  const legacy = (input.InstanceInformationFilterList ?? []) as Array<{ key?: string; valueSet?: string[] }>;
  return [
    ...filters.map((filter) => ({ key: filter.Key ?? "", values: filter.Values ?? [] })),
    ...legacy.map((filter) => ({ key: filter.key ?? "", values: filter.valueSet ?? [] })),
  ];
}

/** Installs the {@link InstanceInformationDouble} on `clients.ssm`. */
export function installInstanceInformationDouble(): InstanceInformationDouble {
  let ec2: EC2Client | undefined;
  const pingStatuses = new Map<string, PingStatus>();
  const unregistered = new Set<string>();

  async function listNodes(): Promise<NodeInformation[]> {
    ec2 ??= new EC2Client({});
    const nodes: NodeInformation[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ NextToken: nextToken }));
      for (const instance of (page.Reservations ?? []).flatMap(
        (reservation) => reservation.Instances ?? [],
      )) {
        const id = instance.InstanceId ?? "";
        const state = instance.State?.Name;
        if (unregistered.has(id) || state === "terminated" || state === "shutting-down") continue;
        nodes.push(describeNode(instance, pingStatuses.get(id) ?? "Online"));
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return nodes.sort((left, right) => left.InstanceId.localeCompare(right.InstanceId));
  }

  const handle = installInterceptor(
    clients.ssm,
    "describe-instance-information",
    async (args, next, context) => {
      if (operationName(context) !== "DescribeInstanceInformation") return next(args);
      const filters = readFilters(args.input);
      const nodes = (await listNodes()).filter((node) => filters.every((filter) => matches(node, filter)));
      const pageSize = Number(args.input.MaxResults ?? 50);
      const start = Number(args.input.NextToken ?? 0);
      const page = nodes.slice(start, start + pageSize).map(({ Tags: _tags, ...node }) => node);
      const more = start + pageSize < nodes.length;
      return answer({
        InstanceInformationList: page,
        ...(more ? { NextToken: String(start + pageSize) } : {}),
      });
    },
  );
  const privateClient = trackRemovable(() => ec2?.destroy());
  const both = combineRemovables([handle, privateClient]);

  return {
    setPingStatus(instanceId, status) {
      pingStatuses.set(instanceId, status);
    },
    markNotRegistered(instanceId) {
      unregistered.add(instanceId);
    },
    markRegistered(instanceId) {
      unregistered.delete(instanceId);
    },
    remove: () => both.remove(),
  };
}
