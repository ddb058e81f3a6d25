import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { ServerHealth } from "../core/nps-health.js";
import { asWorkflowError, awsErrorName } from "./aws-errors.js";
import * as dynamodbClients from "./clients/dynamodb.js";
import * as sfnClients from "./clients/sfn.js";
import * as ssmClients from "./clients/ssm.js";
import { sendDocumentCommand } from "./ssm.js";
import { putRecord } from "./state-table.js";

/**
 * The health check's AWS calls: its SSM command, its records in the state table (`health#last`, when
 * the previous check counted up to; `health#<instance id>`, each server's last judgement — counts and
 * names, never a user), and the reconcile it starts when a server lets MFA be bypassed.
 */

const lastKey = "health#last";
const serverKey = (instanceId: string) => `health#${instanceId}`;

/**
 * Sends the read-only health document to the servers. It writes and restarts nothing, so the servers
 * are checked side by side (MaxConcurrency 50, SSM's default, stated) and one failing server stops
 * none of the others (MaxErrors 100%): a check must reach every server it can (botocore
 * ssm/2014-11-06 `SendCommandRequest.MaxConcurrency`, `MaxErrors`).
 *
 * @example
 * ```ts
 * const commands = await sendHealthCommand({ documentName, instanceIds, parameters: { NamePrefix: ["radius-sync"], … } });
 * ```
 */
export async function sendHealthCommand(
  options: {
    documentName: string;
    instanceIds: string[];
    parameters: Record<string, string[]>;
    timeoutSeconds: number;
  },
  client = ssmClients.ssm,
): Promise<Array<{ commandId: string; instanceIds: string[] }>> {
  return sendDocumentCommand(
    { ...options, comment: "radius-sync health check", rate: { maxConcurrency: "50", maxErrors: "100%" } },
    client,
  );
}

/**
 * When the previous health check counted outcomes up to (`undefined` before the first).
 *
 * @example
 * ```ts
 * const since = (await readLastHealthCheck({ tableName })) ?? oneHourBefore(now);
 * ```
 */
export async function readLastHealthCheck(
  options: { tableName: string },
  client = dynamodbClients.dynamodb,
): Promise<string | undefined> {
  try {
    const response = await client.send(
      new GetItemCommand({ TableName: options.tableName, Key: { pk: { S: lastKey } }, ConsistentRead: true }),
    );
    const data = response.Item?.data?.S;
    if (data === undefined) return undefined;
    const until = (JSON.parse(data) as { until?: unknown }).until;
    return typeof until === "string" && !Number.isNaN(Date.parse(until)) ? until : undefined;
  } catch (error) {
    throw asWorkflowError(error, "GetItem");
  }
}

/**
 * Records each server's judgement and how far outcomes were counted.
 *
 * @example
 * ```ts
 * await writeHealthRecords({ tableName, servers, until: run.startedAt });
 * ```
 */
export async function writeHealthRecords(
  options: { tableName: string; servers: ServerHealth[]; until: string },
  client = dynamodbClients.dynamodb,
): Promise<void> {
  for (const server of options.servers)
    await putRecord(options.tableName, serverKey(server.instanceId), server, client);
  await putRecord(options.tableName, lastKey, { until: options.until }, client);
}

/**
 * Starts a reconcile (whose push closes radius-sync's door on a server that would let MFA be
 * bypassed). The name is derived from the health execution, so a retried step finds the execution
 * it started (`ExecutionAlreadyExists`) instead of starting a second one.
 *
 * @example
 * ```ts
 * const arn = await startReconcile({ stateMachineArn, name: "health-…" });
 * ```
 */
export async function startReconcile(
  options: { stateMachineArn: string; name: string },
  client = sfnClients.sfn,
): Promise<string> {
  try {
    const response = await client.send(
      new StartExecutionCommand({
        stateMachineArn: options.stateMachineArn,
        name: options.name.slice(0, 80),
        input: JSON.stringify({ mode: "reconcile" }),
      }),
    );
    return response.executionArn ?? "";
  } catch (error) {
    if (awsErrorName(error) === "ExecutionAlreadyExists")
      return `${options.stateMachineArn.replace(":stateMachine:", ":execution:")}:${options.name.slice(0, 80)}`;
    throw asWorkflowError(error, "StartExecution");
  }
}
