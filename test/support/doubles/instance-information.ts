import type { Instance } from "@aws-sdk/client-ec2";
import { fleetNodes, type PingStatus, ssmFleet } from "../rig/ssm-fleet.js";
import { checkLength, checkRange, type Violation, validationError } from "../rig/validation.js";
import {
  answer,
  awsError,
  combineRemovables,
  installInterceptor,
  type Removable,
  refusedByMoto,
  trackRemovable,
} from "./registry.js";

export type { PingStatus } from "../rig/ssm-fleet.js";

/**
 * Test double for SSM `DescribeInstanceInformation`, which moto lacks.
 *
 * Answers from moto's EC2 instances (read by the rig itself, straight from moto, so the recorder
 * sees only the SSM call; the call itself reaches moto first, so that IAM enforcement can refuse it) and the rig's SSM agent registry (`test/support/rig/ssm-fleet.ts`): one
 * managed node per instance that is registered and neither terminated nor stopped, with
 * `PingStatus` (set per instance by the test, default `Online`), `PlatformType` (`Windows` when
 * EC2 says platform windows, else `Linux`), `IPAddress` (private IP), `ComputerName` (the `Name`
 * tag, else the private DNS name) and `ResourceType` EC2Instance. An instance marked "not
 * registered" is no managed node, as when the SSM agent is missing.
 *
 * Honours `Filters` keys `InstanceIds`, `PingStatus`, `PlatformTypes`, `ResourceType`,
 * `tag:<key>`, `tag-key`, the same keys in `InstanceInformationFilterList`, and
 * `MaxResults`/`NextToken` paging. Any other filter key fails the call (status 500, code
 * `RigInterceptorFailed`) rather than being ignored.
 *
 * As strict as AWS (botocore ssm/2014-11-06, `DescribeInstanceInformationRequest`):
 * - `MaxResults` is 5–50 (shape `MaxResultsEC2Compatible`), 10 when absent (its documentation);
 * - each filter takes 1–100 values (`InstanceInformationFilterValueSet`);
 *   violations answer `ValidationException`, as SSM's model validation does;
 * - an id in an `InstanceIds` filter that is not a managed node (unknown, unregistered, terminated)
 *   answers `InvalidInstanceId` ("If you specify a node ID that isn't valid or a node that you don't
 *   own, you receive an error" — the operation's documentation).
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
  /** The instance has no (registered) SSM agent: it is no managed node. */
  markNotRegistered(instanceId: string): void;
  markRegistered(instanceId: string): void;
  /**
   * KINDER THAN AWS, for product tests written before radius-sync handled `InvalidInstanceId`
   * (issue 8): ids in an `InstanceIds` filter that are no managed node are left out of the answer
   * instead of failing the call.
   */
  omitUnknownInstanceIds(): void;
}

type NodeInformation = Record<string, unknown> & { InstanceId: string };
type Filter = { key: string; values: string[] };

/** `MaxResults` when the request has none (DescribeInstanceInformationRequest.MaxResults). */
const defaultPageSize = 10;

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

function readFilters(input: Record<string, unknown>): { filters: Filter[]; violations: Violation[] } {
  const filters = (input.Filters ?? []) as Array<{ Key?: string; Values?: string[] }>;
  const legacy = (input.InstanceInformationFilterList ?? []) as Array<{ key?: string; valueSet?: string[] }>;
  const violations = [
    ...filters.flatMap((filter, index) =>
      checkLength(`filters.${index + 1}.member.values`, filter.Values ?? [], { min: 1, max: 100 }),
    ),
    ...legacy.flatMap((filter, index) =>
      checkLength(`instanceInformationFilterList.${index + 1}.member.valueSet`, filter.valueSet ?? [], {
        min: 1,
        max: 100,
      }),
    ),
    ...checkRange("maxResults", input.MaxResults, { min: 5, max: 50 }),
  ];
  return {
    filters: [
      ...filters.map((filter) => ({ key: filter.Key ?? "", values: filter.Values ?? [] })),
      ...legacy.map((filter) => ({ key: filter.key ?? "", values: filter.valueSet ?? [] })),
    ],
    violations,
  };
}

/** Installs the {@link InstanceInformationDouble} on the AWS proxy. */
export function installInstanceInformationDouble(): InstanceInformationDouble {
  let rejectUnknownIds = true;
  const handle = installInterceptor(
    { service: "ssm", operation: "DescribeInstanceInformation" },
    "describe-instance-information",
    async (call, next) => {
      const refused = await refusedByMoto(next);
      if (refused) return refused;
      const { filters, violations } = readFilters(call.input);
      const invalid = validationError(call, violations);
      if (invalid) return invalid;
      const fleet = await fleetNodes();
      const managed = new Set(fleet.filter((node) => node.managed).map((node) => node.instance.InstanceId));
      const unknown = filters
        .filter((filter) => filter.key === "InstanceIds")
        .flatMap((filter) => filter.values)
        .filter((id) => !managed.has(id));
      if (rejectUnknownIds && unknown.length > 0) {
        return awsError(call, {
          code: "InvalidInstanceId",
          message: `Instance ids [${unknown.join(", ")}] are not managed nodes of this account and region`,
        });
      }
      const nodes = fleet
        .filter((node) => node.listed)
        .map((node) => describeNode(node.instance, node.pingStatus))
        .filter((node) => filters.every((filter) => matches(node, filter)));
      const pageSize = Number(call.input.MaxResults ?? defaultPageSize);
      const start = Number(call.input.NextToken ?? 0);
      const page = nodes.slice(start, start + pageSize).map(({ Tags: _tags, ...node }) => node);
      const more = start + pageSize < nodes.length;
      return answer({
        InstanceInformationList: page,
        ...(more ? { NextToken: String(start + pageSize) } : {}),
      });
    },
  );
  const registry = trackRemovable(() => ssmFleet.reset());
  const both = combineRemovables([handle, registry]);

  return {
    setPingStatus: (instanceId, status) => ssmFleet.setPingStatus(instanceId, status),
    markNotRegistered: (instanceId) => ssmFleet.markNotRegistered(instanceId),
    markRegistered: (instanceId) => ssmFleet.markRegistered(instanceId),
    omitUnknownInstanceIds() {
      rejectUnknownIds = false;
    },
    remove: () => both.remove(),
  };
}
