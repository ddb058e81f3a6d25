import { MetricUnit } from "@aws-lambda-powertools/metrics";
import * as z from "zod";
import { readLastHealthCheck, sendHealthCommand, startReconcile, writeHealthRecords } from "../aws/health.js";
import { cancelCommand, describeManagedNodes, getInvocation, listInvocationStatuses } from "../aws/ssm.js";
import type { Config } from "../config.js";
import { HealthReport, judgeServerHealth, type ServerHealth } from "../core/nps-health.js";
import { InvalidConfiguration, NoNpsServers } from "../errors.js";
import { logger, metrics } from "../observability.js";

/**
 * The read-only health check's two steps (state-machines/health.asl.json): send the health document
 * to every NPS server, then look until every server answered (or the check gives up on the rest and
 * cancels them), judge each report, publish the metrics, record the judgements, and — when a server
 * lets MFA be bypassed — start a reconcile, whose push closes radius-sync's door there (issue 19).
 */

/** Outcome counts start here on the first check: one hour, the default schedule's period. */
const firstWindowSeconds = 3600;
/** The health document's own execution timeout (shared/nps/health-document.cjs) plus SSM's delivery. */
const deliveryTimeoutSeconds = 120;

/** Where a health check stands, carried between its steps. */
export const HealthProgress = z.object({
  status: z.enum(["pending", "done"]),
  commands: z.array(z.object({ commandId: z.string().min(1), instanceIds: z.array(z.string()) })).max(100),
  since: z.string(),
  until: z.string(),
  polls: z.number().int().min(0),
  pollSeconds: z.number().int().min(1),
  maxPolls: z.number().int().min(1),
});
export type HealthProgress = z.infer<typeof HealthProgress>;

/** One server's line in the check's result (names and counts, never a user). */
export interface ServerHealthSummary {
  instanceId: string;
  answered: boolean;
  mfaBypassed: boolean;
  extensionHealthy: boolean;
  extensionVersion: string | null;
  daysToCertificateExpiry: number | null;
  problems: string[];
  why?: string;
}

/** The check's result: per server, per directory, and the reconcile it started (if any). */
export interface HealthResult {
  status: "done";
  checkedAt: string;
  servers: ServerHealthSummary[];
  directories: Array<{ directoryId: string; accepts: number; rejects: number; discards: number }>;
  reconcileStarted?: string;
}

const wholeSeconds = (instant: string) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Sends the health document to every NPS server the configuration selects that SSM knows.
 *
 * @example
 * ```ts
 * const progress = await startHealthCheck({ config: getConfig(), startedAt: "2026-12-07T05:00:00Z" });
 * ```
 */
export async function startHealthCheck(options: {
  config: Config;
  startedAt: string;
}): Promise<HealthProgress> {
  const { config } = options;
  if (config.health.documentName === "")
    throw new InvalidConfiguration(
      "RADIUS_SYNC_HEALTH_DOCUMENT_NAME is required: the NPS health document's name",
    );
  const { nodes } = await describeManagedNodes({ instanceIds: config.nps.instanceIds, tag: config.nps.tag });
  // The health document runs on Windows only (its precondition): another platform would answer nothing.
  const instanceIds = nodes.filter((node) => node.platformType === "Windows").map((node) => node.instanceId);
  if (instanceIds.length === 0) throw new NoNpsServers("the configuration selects no NPS server SSM knows");
  const until = wholeSeconds(options.startedAt);
  const last = await readLastHealthCheck({ tableName: config.stateTable });
  // From where the previous check stopped (never past this one's end), so no event counts twice.
  const since =
    last !== undefined
      ? wholeSeconds(new Date(Math.min(Date.parse(last), Date.parse(until))).toISOString())
      : wholeSeconds(new Date(Date.parse(until) - firstWindowSeconds * 1000).toISOString());
  const commands = await sendHealthCommand({
    documentName: config.health.documentName,
    instanceIds,
    parameters: { NamePrefix: [config.namePrefix], Since: [since], Until: [until] },
    timeoutSeconds: deliveryTimeoutSeconds,
  });
  const pollSeconds = config.waits.pollSeconds;
  return {
    status: "pending",
    commands,
    since,
    until,
    polls: 0,
    pollSeconds,
    // The delivery timeout and the document's 120 s run, then one more look.
    maxPolls: Math.ceil((deliveryTimeoutSeconds + 120) / pollSeconds) + 1,
  };
}

function parseReport(stdout: string): HealthReport | string {
  const line = stdout.split(/\r?\n/).find((entry) => entry.startsWith('{"radiusSyncHealth"'));
  if (line === undefined) return "printed no health report";
  try {
    const parsed = HealthReport.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : "printed a health report radius-sync cannot read";
  } catch {
    return "printed a health report that is not JSON";
  }
}

/**
 * One metric with one dimension. Powertools publishes a single metric as soon as it is added and then
 * clears its dimensions, so each metric gets its own single-metric object.
 */
function emit(name: string, dimension: [string, string], value: number): void {
  const single = metrics.singleMetric();
  single.addDimension(...dimension);
  single.addMetric(name, MetricUnit.Count, value);
}

function publish(servers: ServerHealth[], unanswered: string[]): void {
  for (const server of servers) {
    const dimension: [string, string] = ["InstanceId", server.instanceId];
    emit("NpsExtensionHealthy", dimension, server.extensionHealthy ? 1 : 0);
    emit("NpsMfaBypassed", dimension, server.mfaBypassed ? 1 : 0);
    emit("NpsHealthProblems", dimension, server.problems.length);
    if (server.daysToCertificateExpiry !== null)
      emit("DaysToCertificateExpiry", dimension, server.daysToCertificateExpiry);
  }
  // A server that did not answer is not known healthy.
  for (const instanceId of unanswered) emit("NpsExtensionHealthy", ["InstanceId", instanceId], 0);
  for (const directory of directoryTotals(servers)) {
    const dimension: [string, string] = ["DirectoryId", directory.directoryId];
    emit("MfaAccepts", dimension, directory.accepts);
    emit("MfaRejects", dimension, directory.rejects);
    emit("MfaDiscards", dimension, directory.discards);
    const requests = directory.accepts + directory.rejects + directory.discards;
    emit("MfaRequests", dimension, requests);
    // What the no-accept alarm watches: requests in a check that accepted none.
    emit("MfaRequestsWithoutAccept", dimension, directory.accepts === 0 ? requests : 0);
  }
}

function directoryTotals(servers: ServerHealth[]): HealthResult["directories"] {
  const totals = new Map<string, HealthResult["directories"][number]>();
  for (const outcome of servers.flatMap((server) => server.outcomes)) {
    const total = totals.get(outcome.directoryId) ?? {
      directoryId: outcome.directoryId,
      accepts: 0,
      rejects: 0,
      discards: 0,
    };
    total.accepts += outcome.accepts;
    total.rejects += outcome.rejects;
    total.discards += outcome.discards;
    totals.set(outcome.directoryId, total);
  }
  return [...totals.values()].sort((left, right) => left.directoryId.localeCompare(right.directoryId));
}

const summaryOf = (server: ServerHealth): ServerHealthSummary => ({
  instanceId: server.instanceId,
  answered: true,
  mfaBypassed: server.mfaBypassed,
  extensionHealthy: server.extensionHealthy,
  extensionVersion: server.extensionVersion,
  daysToCertificateExpiry: server.daysToCertificateExpiry,
  problems: server.problems.map((problem) => problem.name),
});

const finished = new Set([
  "Success",
  "Failed",
  "Cancelled",
  "TimedOut",
  "DeliveryTimedOut",
  "ExecutionTimedOut",
  "Undeliverable",
  "Terminated",
  "InvalidPlatform",
  "AccessDenied",
]);

/**
 * One look at the health command. While a server has not finished and the check has looks left, it
 * answers `pending`; then it cancels what is still running, judges every report and concludes.
 *
 * @example
 * ```ts
 * const next = await checkHealth({ config, progress, executionName: "health-…" });
 * ```
 */
export async function checkHealth(options: {
  config: Config;
  progress: HealthProgress;
  executionName: string;
}): Promise<HealthProgress | HealthResult> {
  const { config, progress } = options;
  const statuses = new Map<string, { commandId: string; status: string }>();
  for (const command of progress.commands) {
    const listed = await listInvocationStatuses(command.commandId);
    for (const instanceId of command.instanceIds)
      statuses.set(instanceId, { commandId: command.commandId, status: listed.get(instanceId) ?? "Pending" });
  }
  const running = [...statuses].filter(([, entry]) => !finished.has(entry.status));
  const polls = progress.polls + 1;
  if (running.length > 0 && polls < progress.maxPolls) return { ...progress, polls };
  for (const command of progress.commands) {
    const stuck = running.filter(([, entry]) => entry.commandId === command.commandId).map(([id]) => id);
    // What the check gives up on is stopped: it only reads, but nothing outlives its wait.
    if (stuck.length > 0) await cancelCommand({ commandId: command.commandId, instanceIds: stuck });
  }
  const now = new Date(progress.until);
  const judged: ServerHealth[] = [];
  const summaries: ServerHealthSummary[] = [];
  for (const [instanceId, entry] of statuses) {
    const why = async (): Promise<string | HealthReport> => {
      if (!finished.has(entry.status)) return "did not answer within the check's wait (cancelled)";
      const invocation = await getInvocation({ commandId: entry.commandId, instanceId });
      if (invocation.status !== "Success")
        return `ended ${invocation.status}: ${invocation.standardError.split(/\r?\n/)[0] ?? ""}`.slice(
          0,
          300,
        );
      return parseReport(invocation.standardOutput);
    };
    const report = await why();
    if (typeof report === "string") {
      summaries.push({
        instanceId,
        answered: false,
        mfaBypassed: false,
        extensionHealthy: false,
        extensionVersion: null,
        daysToCertificateExpiry: null,
        problems: ["HealthCheckUnanswered"],
        why: report,
      });
      continue;
    }
    const server = judgeServerHealth({
      instanceId,
      report,
      now,
      namePrefix: config.namePrefix,
      targets: config.targets.filter((target) => !target.home),
    });
    judged.push(server);
    summaries.push(summaryOf(server));
  }
  publish(
    judged,
    summaries.filter((summary) => !summary.answered).map((summary) => summary.instanceId),
  );
  await writeHealthRecords({ tableName: config.stateTable, servers: judged, until: progress.until });
  for (const server of judged)
    for (const problem of server.problems)
      logger.warn("NPS health problem", {
        instanceId: server.instanceId,
        problem: problem.name,
        detail: problem.message,
      });
  const result: HealthResult = {
    status: "done",
    checkedAt: progress.until,
    servers: summaries.sort((left, right) => left.instanceId.localeCompare(right.instanceId)),
    directories: directoryTotals(judged),
  };
  if (judged.some((server) => server.mfaBypassed)) {
    if (config.health.reconcileStateMachineArn === "")
      throw new InvalidConfiguration(
        "RADIUS_SYNC_RECONCILE_STATE_MACHINE_ARN is required to react to MFA bypassed",
      );
    result.reconcileStarted = await startReconcile({
      stateMachineArn: config.health.reconcileStateMachineArn,
      name: `mfa-bypassed-${options.executionName}`,
    });
    logger.warn("MFA bypassed on an NPS server: started a reconcile, whose push closes radius-sync's door", {
      execution: result.reconcileStarted,
    });
  }
  return result;
}
