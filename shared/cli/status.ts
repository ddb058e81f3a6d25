import { DescribeExecutionCommand, ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { type DirectoryView, describeRadiusTargets } from "../aws/directory-service.js";
import { describeSharedSecret } from "../aws/secrets.js";
import { listRegisteredDirectories } from "../aws/workspaces.js";
import { type SkippedDirectory, splitRegisteredDirectories } from "../core/registered-directories.js";
import type { CliClients } from "./clients.js";
import { formatAge } from "./output.js";
import { readableCause } from "./result.js";

/** The newest execution of the state machine, reduced to what a person checks first. */
interface LastExecution {
  text: string;
}

async function describeLastExecution(
  sfn: CliClients["sfn"],
  stateMachineArn: string | undefined,
): Promise<LastExecution> {
  if (!stateMachineArn) return { text: "unknown (no state machine found)" };
  // ListExecutions lists newest first.
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
  const newest = listed.executions?.[0];
  if (!newest?.executionArn) return { text: "none yet" };
  const started = newest.startDate ? `, started ${newest.startDate.toISOString()}` : "";
  let detail = "";
  if (newest.status === "FAILED") {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: newest.executionArn }));
    detail = `: ${described.error ?? "error"} — ${readableCause(described.cause)}`;
  }
  return { text: `${newest.status ?? "UNKNOWN"} (${newest.name ?? newest.executionArn}${started})${detail}` };
}

async function describeSecretVersion(
  secretsManager: CliClients["secretsManager"],
  secretName: string,
  now: Date,
): Promise<string> {
  // Metadata only (DescribeSecret + ListSecretVersionIds): the value is never read.
  const secret = await describeSharedSecret(secretName, secretsManager);
  if (!secret.exists) return `none (no secret named ${secretName} yet)`;
  const created = secret.currentVersionCreatedAt;
  const age = created ? `, created ${created}, ${formatAge(now.getTime() - Date.parse(created))} old` : "";
  const pending = secret.pendingVersionId ? `; ${secret.pendingVersionId} is AWSPENDING` : "";
  return `${secret.currentVersionId} (AWSCURRENT${age})${pending}`;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

function directoryTable(directory: DirectoryView, secret: string, last: LastExecution): string[] {
  const settings = directory.radiusSettings;
  return [
    `Directory ${directory.directoryId}  ${directory.name} (${directory.type}, ${directory.stage})`,
    ...table([
      ["RADIUS status", directory.radiusStatus ?? "not enabled"],
      ["RADIUS servers", settings ? `${settings.servers.join(", ")} (port ${settings.port})` : "none"],
      ["Protocol", settings?.protocol ?? "-"],
      ["Timeout / retries", settings ? `${settings.timeoutSeconds} s / ${settings.retries}` : "-"],
      ["Secret version", secret],
      ["Last execution", last.text],
    ]),
    "",
  ];
}

function notManagedTable(directory: SkippedDirectory): string[] {
  return [`Directory ${directory.directoryId}`, ...table([["Not managed", directory.reason]]), ""];
}

/**
 * The status report: one table per WorkSpaces directory (or per `directoryIds`) with its RADIUS
 * status, servers and settings, the shared secret's AWSCURRENT version and age, and the newest
 * execution with its result. WorkSpaces-only directories (`wsd-…`) are listed as not managed and
 * never sent to Directory Service, which would refuse their ids (and with them the whole report).
 *
 * @example
 * ```ts
 * const lines = await reportStatus({ clients, stateMachineArn, secretName: "radius-sync/shared-secret", now: new Date() });
 * ```
 */
export async function reportStatus(options: {
  clients: CliClients;
  stateMachineArn: string | undefined;
  secretName: string;
  directoryIds?: readonly string[];
  now: Date;
}): Promise<string[]> {
  const { clients } = options;
  const registered =
    options.directoryIds && options.directoryIds.length > 0
      ? options.directoryIds.map((directoryId) => ({ directoryId }))
      : await listRegisteredDirectories(clients.workspaces);
  const { directoryServiceIds: ids, skipped } = splitRegisteredDirectories(registered);
  const [directories, secret, last] = await Promise.all([
    ids.length > 0 ? describeRadiusTargets(ids, clients.ds) : Promise.resolve([]),
    describeSecretVersion(clients.secretsManager, options.secretName, options.now),
    describeLastExecution(clients.sfn, options.stateMachineArn),
  ]);
  const notManaged = skipped.flatMap(notManagedTable);
  if (directories.length === 0) {
    return [
      skipped.length === 0
        ? "No WorkSpaces directories found."
        : "No WorkSpaces directory is an AWS Directory Service directory.",
      ...table([
        ["Secret version", secret],
        ["Last execution", last.text],
      ]),
      ...(notManaged.length > 0 ? ["", ...notManaged] : []),
    ];
  }
  return [...directories.flatMap((directory) => directoryTable(directory, secret, last)), ...notManaged];
}
