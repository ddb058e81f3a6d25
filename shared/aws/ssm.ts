import {
  GetCommandInvocationCommand,
  type InstanceInformationStringFilter,
  paginateDescribeInstanceInformation,
  SendCommandCommand,
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

/**
 * Finds managed nodes by id and/or by tag (the union of both), with their ping status.
 *
 * @example
 * ```ts
 * const nodes = await describeManagedNodes({ instanceIds: [], tag: { key: "radius-sync:nps", value: "true" } });
 * ```
 */
export async function describeManagedNodes(
  selector: { instanceIds: string[]; tag?: { key: string; value: string } | undefined },
  client = clients.ssm,
): Promise<ManagedNodeView[]> {
  const filterSets: InstanceInformationStringFilter[][] = [];
  if (selector.instanceIds.length > 0)
    filterSets.push([{ Key: "InstanceIds", Values: selector.instanceIds }]);
  if (selector.tag) filterSets.push([{ Key: `tag:${selector.tag.key}`, Values: [selector.tag.value] }]);
  const nodes = new Map<string, ManagedNodeView>();
  try {
    for (const filters of filterSets) {
      for await (const page of paginateDescribeInstanceInformation({ client }, { Filters: filters })) {
        for (const information of page.InstanceInformationList ?? []) {
          if (!information.InstanceId) continue;
          const node: ManagedNodeView = {
            instanceId: information.InstanceId,
            pingStatus: information.PingStatus ?? "Unknown",
            platformType: information.PlatformType ?? "Unknown",
          };
          if (information.IPAddress) node.ipAddress = information.IPAddress;
          if (information.ComputerName) node.computerName = information.ComputerName;
          nodes.set(node.instanceId, node);
        }
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "DescribeInstanceInformation");
  }
  return [...nodes.values()].sort((left, right) => left.instanceId.localeCompare(right.instanceId));
}

/** SendCommand accepts at most this many instance ids per call. */
const instancesPerCommand = 50;

/**
 * Runs the NPS document on the given instances; one SendCommand per 50 instances.
 * The parameters must already be validated (see shared/nps) and never contain the secret.
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
        }),
      );
      commands.push({ commandId: response.Command?.CommandId ?? "", instanceIds });
    } catch (error) {
      throw asWorkflowError(error, "SendCommand");
    }
  }
  return commands;
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
