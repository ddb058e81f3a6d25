import { setTimeout as sleep } from "node:timers/promises";
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { HealthResult } from "../steps/nps-health.js";
import { CliLookupError } from "./errors.js";
import { findStateMachineArn } from "./state-machine.js";

/** The name serverless.yml gives the health-check state machine: `${service}-${stage}-health`. */
export const healthStateMachineName = (stage: string) => `radius-sync-${stage}-health`;

/**
 * The health-check state machine named `radius-sync-<stage>-health` (ListStateMachines, every page).
 *
 * @example
 * ```ts
 * const arn = await resolveHealthStateMachineArn(clients.sfn, "prod");
 * ```
 */
export async function resolveHealthStateMachineArn(sfn: SFNClient, stage: string): Promise<string> {
  return findStateMachineArn(sfn, healthStateMachineName(stage), "or pick another with --stage");
}

const dayText = (days: number) => (days === 1 ? "1 day" : `${days} days`);

/**
 * A health result as a person reads it: one line per server, then the MFA outcomes per directory.
 *
 * @example
 * ```ts
 * renderHealth(result); // ["NPS health, checked 2026-12-07T05:00:00Z", "  i-0a…  extension 1.2.2216.1 healthy; …"]
 * ```
 */
export function renderHealth(result: HealthResult): string[] {
  const lines = [`NPS health, checked ${result.checkedAt}`];
  const width = Math.max(0, ...result.servers.map((server) => server.instanceId.length));
  for (const server of result.servers) {
    const parts: string[] = [];
    if (!server.answered) parts.push(`did not answer: ${server.why ?? "unknown"}`);
    else {
      if (server.mfaBypassed) parts.push("MFA BYPASSED (a reconcile closes radius-sync's door)");
      parts.push(
        `extension ${server.extensionVersion ?? "(version unknown)"} ${server.extensionHealthy ? "healthy" : "UNHEALTHY"}`,
      );
      parts.push(
        server.daysToCertificateExpiry === null
          ? "no usable certificate"
          : `certificate expires in ${dayText(server.daysToCertificateExpiry)}`,
      );
    }
    parts.push(server.problems.length > 0 ? `problems: ${server.problems.join(", ")}` : "no problems");
    lines.push(`  ${server.instanceId.padEnd(width)}  ${parts.join("; ")}`);
  }
  lines.push("MFA outcomes since the previous check (counts only)");
  if (result.directories.length === 0) lines.push("  none");
  for (const directory of result.directories)
    lines.push(
      `  ${directory.directoryId}  accepts ${directory.accepts}, rejects ${directory.rejects}, discards ${directory.discards}`,
    );
  if (result.reconcileStarted) lines.push(`Reconcile started: ${result.reconcileStarted}`);
  return lines;
}

/** Whether a result names any problem (the CLI's exit code). */
export const hasHealthProblems = (result: HealthResult) =>
  result.servers.some((server) => server.problems.length > 0);

/**
 * Starts a health check and waits for its end (DescribeExecution every `pollIntervalMs`).
 *
 * @example
 * ```ts
 * const { status, result } = await runHealthCheck({ sfn, stateMachineArn, pollIntervalMs: 2000 });
 * ```
 */
export async function runHealthCheck(options: {
  sfn: SFNClient;
  stateMachineArn: string;
  pollIntervalMs: number;
}): Promise<{ executionArn: string; status: string; result?: HealthResult; error?: string; cause?: string }> {
  const started = await options.sfn.send(
    new StartExecutionCommand({ stateMachineArn: options.stateMachineArn, input: "{}" }),
  );
  const executionArn = started.executionArn ?? "";
  for (;;) {
    const described = await options.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") {
      return {
        executionArn,
        status: described.status ?? "UNKNOWN",
        ...(described.output ? { result: JSON.parse(described.output) as HealthResult } : {}),
        ...(described.error ? { error: described.error } : {}),
        ...(described.cause ? { cause: described.cause } : {}),
      };
    }
    await sleep(options.pollIntervalMs);
  }
}

/**
 * The newest successful health check's report, for `radius-sync status`; a line saying why not otherwise.
 *
 * @example
 * ```ts
 * const lines = await lastHealthReport(clients.sfn, "prod");
 * ```
 */
export async function lastHealthReport(sfn: SFNClient, stage: string): Promise<string[]> {
  let stateMachineArn: string;
  try {
    stateMachineArn = await resolveHealthStateMachineArn(sfn, stage);
  } catch (error) {
    if (error instanceof CliLookupError) return ["NPS health: unknown (no health-check state machine found)"];
    throw error;
  }
  const listed = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn, statusFilter: "SUCCEEDED", maxResults: 1 }),
  );
  const newest = listed.executions?.[0]?.executionArn;
  if (!newest) return ["NPS health: no health check has succeeded yet (radius-sync health)"];
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: newest }));
  if (!described.output) return ["NPS health: the last health check reported nothing"];
  return renderHealth(JSON.parse(described.output) as HealthResult);
}
