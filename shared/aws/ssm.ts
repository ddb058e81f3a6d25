import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  type InstanceInformation,
  type InstanceInformationStringFilter,
  paginateDescribeInstanceInformation,
  paginateListCommandInvocations,
  paginateListCommands,
  SendCommandCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { asWorkflowError, awsErrorName } from "./aws-errors.js";
import * as clients from "./clients/ssm.js";

/** An SSM managed node as radius-sync needs it. */
export interface ManagedNodeView {
  instanceId: string;
  pingStatus: string;
  platformType: string;
  ipAddress?: string;
  computerName?: string;
}

/** What {@link describeManagedNodes} found: the nodes, and the asked-for ids SSM says it does not know. */
export interface ManagedNodes {
  nodes: ManagedNodeView[];
  /** Ids from `selector.instanceIds` that DescribeInstanceInformation refused as `InvalidInstanceId`. */
  unknownInstanceIds: string[];
}

/**
 * A DescribeInstanceInformation filter takes at most 100 values (botocore ssm/2014-11-06
 * service-2.json, `InstanceInformationFilterValueSet` max 100).
 */
const valuesPerFilter = 100;

function toManagedNode(information: InstanceInformation): ManagedNodeView | undefined {
  if (!information.InstanceId) return undefined;
  const node: ManagedNodeView = {
    instanceId: information.InstanceId,
    pingStatus: information.PingStatus ?? "Unknown",
    platformType: information.PlatformType ?? "Unknown",
  };
  if (information.IPAddress) node.ipAddress = information.IPAddress;
  if (information.ComputerName) node.computerName = information.ComputerName;
  return node;
}

async function describeByFilter(filter: InstanceInformationStringFilter, client: SSMClient) {
  const nodes: ManagedNodeView[] = [];
  for await (const page of paginateDescribeInstanceInformation({ client }, { Filters: [filter] })) {
    for (const information of page.InstanceInformationList ?? []) {
      const node = toManagedNode(information);
      if (node) nodes.push(node);
    }
  }
  return nodes;
}

/**
 * Describes the given ids. One unknown id makes AWS refuse the whole call with `InvalidInstanceId`
 * (the operation's documentation: "If you specify a node ID that isn't valid or a node that you
 * don't own, you receive an error"), so a refused batch is halved until the unknown ids stand alone:
 * k unknown ids among n cost about 2·k·log2(n) extra calls, and none when every id is known.
 */
async function describeByIds(instanceIds: string[], client: SSMClient): Promise<ManagedNodes> {
  try {
    return {
      nodes: await describeByFilter({ Key: "InstanceIds", Values: instanceIds }, client),
      unknownInstanceIds: [],
    };
  } catch (error) {
    if (awsErrorName(error) !== "InvalidInstanceId") throw error;
    if (instanceIds.length === 1) return { nodes: [], unknownInstanceIds: [...instanceIds] };
    const half = Math.ceil(instanceIds.length / 2);
    const halves = [
      await describeByIds(instanceIds.slice(0, half), client),
      await describeByIds(instanceIds.slice(half), client),
    ];
    return {
      nodes: halves.flatMap((part) => part.nodes),
      unknownInstanceIds: halves.flatMap((part) => part.unknownInstanceIds),
    };
  }
}

/**
 * Finds managed nodes by id and/or by tag (the union of both), with their ping status. Ids go in
 * batches of the filter's 100-value limit; ids SSM does not know are named, not fatal, so the plan
 * can say which configured server is not a managed node.
 *
 * @example
 * ```ts
 * const { nodes, unknownInstanceIds } = await describeManagedNodes({
 *   instanceIds: ["i-0123456789abcdef0"],
 *   tag: { key: "radius-sync:nps", value: "true" },
 * });
 * ```
 */
export async function describeManagedNodes(
  selector: { instanceIds: string[]; tag?: { key: string; value: string } | undefined },
  client = clients.ssm,
): Promise<ManagedNodes> {
  const nodes = new Map<string, ManagedNodeView>();
  const unknownInstanceIds: string[] = [];
  const ids = [...new Set(selector.instanceIds)];
  try {
    for (let start = 0; start < ids.length; start += valuesPerFilter) {
      const batch = await describeByIds(ids.slice(start, start + valuesPerFilter), client);
      for (const node of batch.nodes) nodes.set(node.instanceId, node);
      unknownInstanceIds.push(...batch.unknownInstanceIds);
    }
    if (selector.tag) {
      const filter = { Key: `tag:${selector.tag.key}`, Values: [selector.tag.value] };
      for (const node of await describeByFilter(filter, client)) nodes.set(node.instanceId, node);
    }
  } catch (error) {
    throw asWorkflowError(error, "DescribeInstanceInformation");
  }
  return {
    nodes: [...nodes.values()].sort((left, right) => left.instanceId.localeCompare(right.instanceId)),
    unknownInstanceIds: unknownInstanceIds.sort(),
  };
}

/** SendCommand accepts at most this many instance ids per call. */
const instancesPerCommand = 50;

/**
 * Runs a document on the given instances, by default one instance at a time (MaxConcurrency 1) and no
 * further after a failure (MaxErrors 0), as the NPS document must; a read-only document may pass its
 * own `rate`. One SendCommand per 50 instances, so past 50 servers two commands run side by side. The
 * parameters must already be validated (see shared/nps) and never contain the secret.
 *
 * @example
 * ```ts
 * const commands = await sendDocumentCommand({ documentName, instanceIds, parameters, comment: "radius-sync reconcile" });
 * ```
 */
export async function sendDocumentCommand(
  options: {
    documentName: string;
    instanceIds: string[];
    parameters: Record<string, string[]>;
    comment: string;
    timeoutSeconds: number;
    rate?: { maxConcurrency: string; maxErrors: string };
  },
  client = clients.ssm,
): Promise<Array<{ commandId: string; instanceIds: string[] }>> {
  const commands: Array<{ commandId: string; instanceIds: string[] }> = [];
  for (let start = 0; start < options.instanceIds.length; start += instancesPerCommand) {
    const instanceIds = options.instanceIds.slice(start, start + instancesPerCommand);
    try {
      const response = await client.send(
        new SendCommandCommand({
          DocumentName: options.documentName,
          InstanceIds: instanceIds,
          Parameters: options.parameters,
          Comment: options.comment.slice(0, 100),
          TimeoutSeconds: options.timeoutSeconds,
          // One server at a time (the default is 50 at once), and none after a failure (MaxErrors 0 is
          // the default, stated anyway): NPS restarts on one server while the others answer, and a
          // configuration that fails on one server never reaches the next (botocore ssm/2014-11-06
          // `SendCommandRequest.MaxConcurrency`, `MaxErrors`).
          MaxConcurrency: options.rate?.maxConcurrency ?? "1",
          MaxErrors: options.rate?.maxErrors ?? "0",
        }),
      );
      commands.push({ commandId: response.Command?.CommandId ?? "", instanceIds });
    } catch (error) {
      throw asWorkflowError(error, "SendCommand");
    }
  }
  return commands;
}

/** A command SSM already has, as {@link findCommandsByComment} returns it. */
export interface SentCommand {
  commandId: string;
  instanceIds: string[];
  parameters: Record<string, string[]>;
}

/**
 * A timestamp in the form SSM's documentation gives for the `InvokedAfter`/`InvokedBefore` command
 * filters, whole seconds in UTC (botocore ssm/2014-11-06 `CommandFilter.value`: "specify
 * `2024-07-07T00:00:00Z`"), rounded down so that "at or after" still holds for the instant given.
 *
 * @example
 * ```ts
 * toCommandFilterTimestamp("2026-01-10T12:00:00.987Z"); // "2026-01-10T12:00:00Z"
 * ```
 */
export function toCommandFilterTimestamp(instant: string): string {
  const milliseconds = Date.parse(instant);
  if (Number.isNaN(milliseconds)) throw new RangeError(`not a timestamp: ${instant}`);
  return new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Finds the commands of one document whose Comment is exactly `comment`, sent at or after
 * `invokedAfter`. SendCommand takes no idempotency token, so a caller that puts a deterministic
 * token in the Comment can find a command it sent before its response was lost. The DocumentName
 * and InvokedAfter filters narrow the listing on AWS (botocore ssm `CommandFilterKey`); the Comment
 * and the document are checked here too, because a listing may hold more (moto ignores filters).
 *
 * @example
 * ```ts
 * const earlier = await findCommandsByComment({ documentName, comment, invokedAfter: "2026-01-10T12:00:00.000Z" });
 * ```
 */
export async function findCommandsByComment(
  options: { documentName: string; comment: string; invokedAfter: string },
  client = clients.ssm,
): Promise<SentCommand[]> {
  const found: SentCommand[] = [];
  const filters = [
    { key: "DocumentName" as const, value: options.documentName },
    { key: "InvokedAfter" as const, value: toCommandFilterTimestamp(options.invokedAfter) },
  ];
  try {
    for await (const page of paginateListCommands({ client, pageSize: 50 }, { Filters: filters })) {
      for (const command of page.Commands ?? []) {
        if (command.Comment !== options.comment || command.DocumentName !== options.documentName) continue;
        if (!command.CommandId) continue;
        found.push({
          commandId: command.CommandId,
          instanceIds: command.InstanceIds ?? [],
          parameters: command.Parameters ?? {},
        });
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "ListCommands");
  }
  return found;
}

/**
 * The status of every invocation of one command, by instance, in one paged listing: a poll of a
 * command sent to many servers costs one call per 50 servers (ListCommandInvocations `MaxResults`
 * 1–50, botocore ssm/2014-11-06 `CommandMaxResults`), not one per server. Without `Details` the
 * listing carries no output; {@link getInvocation} reads a finished server's output. An invocation
 * SSM has not created yet is simply not listed.
 *
 * @example
 * ```ts
 * const statuses = await listInvocationStatuses("0b1c…"); // Map { "i-0a…" => "InProgress", "i-0b…" => "Success" }
 * ```
 */
export async function listInvocationStatuses(
  commandId: string,
  client = clients.ssm,
): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  try {
    const pages = paginateListCommandInvocations(
      { client, pageSize: 50 },
      { CommandId: commandId, Details: false },
    );
    for await (const page of pages) {
      for (const invocation of page.CommandInvocations ?? []) {
        if (invocation.InstanceId) statuses.set(invocation.InstanceId, invocation.Status ?? "Pending");
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "ListCommandInvocations");
  }
  return statuses;
}

/**
 * Asks SSM to stop a command on the given instances: one that has not started will not, one that
 * runs is killed ("There is no guarantee that the command will be terminated", CancelCommand's
 * documentation); either way its invocation ends Cancelled, which the caller waits to see.
 *
 * @example
 * ```ts
 * await cancelCommand({ commandId: "0b1c…", instanceIds: ["i-0a…"] });
 * ```
 */
export async function cancelCommand(
  options: { commandId: string; instanceIds: string[] },
  client = clients.ssm,
): Promise<void> {
  try {
    await client.send(
      new CancelCommandCommand({ CommandId: options.commandId, InstanceIds: options.instanceIds }),
    );
  } catch (error) {
    throw asWorkflowError(error, "CancelCommand");
  }
}

/** What one instance reported for a command. */
export interface InvocationView {
  status: string;
  statusDetails?: string;
  responseCode?: number;
  standardOutput: string;
  standardError: string;
}

/**
 * Reads one instance's invocation of a command. An invocation SSM has not created yet
 * (`InvocationDoesNotExist`, common right after SendCommand) reads as Pending.
 *
 * @example
 * ```ts
 * const invocation = await getInvocation({ commandId, instanceId }); // { status: "Success", … }
 * ```
 */
export async function getInvocation(
  options: { commandId: string; instanceId: string },
  client = clients.ssm,
): Promise<InvocationView> {
  try {
    const response = await client.send(
      new GetCommandInvocationCommand({ CommandId: options.commandId, InstanceId: options.instanceId }),
    );
    const view: InvocationView = {
      status: response.Status ?? "Pending",
      standardOutput: response.StandardOutputContent ?? "",
      standardError: response.StandardErrorContent ?? "",
    };
    if (response.StatusDetails) view.statusDetails = response.StatusDetails;
    if (response.ResponseCode !== undefined) view.responseCode = response.ResponseCode;
    return view;
  } catch (error) {
    if (awsErrorName(error) === "InvocationDoesNotExist") {
      return { status: "Pending", standardOutput: "", standardError: "" };
    }
    throw asWorkflowError(error, "GetCommandInvocation");
  }
}
