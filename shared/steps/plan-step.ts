import * as z from "zod";
import type { Config } from "../config.js";
import type { Discovery } from "../core/model.js";
import { type DesiredSettings, type Plan, planChanges } from "../core/plan.js";
import { RotationServer, RotationStrategy } from "../core/rotation.js";
import { createWorkflowError } from "../errors.js";
import { maxClients } from "../nps/index.js";
import type { Run } from "../run.js";
import { BaseRadiusSettings } from "./rotation-phases.js";

/** The slice of the plan the apply states need, kept small for the Step Functions payload limit. */
export const Work = z.object({
  changeCount: z.number().int(),
  summary: z.array(z.string()),
  secret: z.discriminatedUnion("action", [
    z.object({ action: z.literal("create"), name: z.string() }),
    z.object({ action: z.literal("keep"), arn: z.string(), versionId: z.string() }),
  ]),
  securityGroups: z.array(
    z.object({
      groupId: z.string(),
      directoryId: z.string(),
      authorize: z.array(z.object({ cidr: z.string(), port: z.number(), description: z.string() })),
      revoke: z.array(z.object({ cidr: z.string(), port: z.number(), description: z.string() })),
    }),
  ),
  pushNps: z.boolean(),
  npsServerIds: z.array(z.string()),
  npsClients: z.array(z.object({ name: z.string(), ip: z.string() })),
  updateDirectories: z.boolean(),
  directories: z.array(
    z.object({
      directoryId: z.string(),
      action: z.enum(["enable", "update"]),
      // The last schema before EnableRadius/UpdateRadius: Directory Service's ranges hold here too.
      settings: BaseRadiusSettings.extend({ servers: z.array(z.string()), protocol: z.string() }),
      settingsFingerprint: z.string(),
    }),
  ),
  waits: z.object({ pollSeconds: z.number(), maxNpsPolls: z.number(), maxRadiusPolls: z.number() }),
  /** Present in rotate mode: what the rotation covers (every eligible NPS server and directory). */
  rotation: z
    .object({
      strategy: RotationStrategy,
      servers: z.array(RotationServer),
      directoryIds: z.array(z.string()),
      settings: BaseRadiusSettings,
    })
    .optional(),
});
export type Work = z.infer<typeof Work>;

/**
 * The desired settings the planner compares against, from the configuration.
 *
 * @example
 * ```ts
 * const desired = desiredSettingsFrom(getConfig());
 * ```
 */
export function desiredSettingsFrom(config: Readonly<Config>): DesiredSettings {
  return {
    namePrefix: config.namePrefix,
    radius: { ...config.radius },
    nps: {
      accessMode: config.nps.accessMode,
      adGroup: config.nps.adGroup,
      requireMessageAuthenticator: config.nps.requireMessageAuthenticator,
      manageSecurityGroup: config.nps.manageSecurityGroup,
      refreshHours: config.nps.refreshHours,
    },
  };
}

/**
 * Plans the run. A dry run returns the whole plan (problems included). Otherwise problems stop
 * the run before any change, with the first problem's error name and every problem in the message,
 * and the apply states get the small {@link Work} slice.
 *
 * @example
 * ```ts
 * const result = planRun({ config, run, discovery });
 * if ("plan" in result) console.log(result.plan.summary);
 * ```
 */
export function planRun(options: {
  config: Readonly<Config>;
  run: Run;
  discovery: Discovery;
}): { run: Run; plan: Plan; secretStatus: SecretStatus } | { run: Run; work: Work } {
  const { config, run, discovery } = options;
  const plan = withCommandLimit(
    withRotation(
      restrictToRequested(
        planChanges({ desired: desiredSettingsFrom(config), discovery, now: run.startedAt }),
        run.directoryIds,
      ),
      run,
      discovery,
    ),
  );
  if (run.dryRun) {
    return {
      run,
      plan: { ...plan, summary: capSummary(plan.summary) },
      secretStatus: describeSecretStatus(discovery, run),
    };
  }
  const [firstProblem] = plan.problems;
  if (firstProblem) {
    const details = plan.problems.map((problem) => `${problem.error}: ${problem.message}`).join("; ");
    throw createWorkflowError(firstProblem.error, `nothing was changed: ${details}`);
  }
  return { run, work: toWork(plan, config, run.mode) };
}

/** The secret's age and how the last rotation ended, shown with a dry run's plan. */
export interface SecretStatus {
  currentVersionId?: string;
  createdAt?: string;
  ageDays?: number;
  lastRotation?: Discovery["lastRotation"];
}

function describeSecretStatus(discovery: Discovery, run: Run): SecretStatus {
  const { secret, lastRotation } = discovery;
  const status: SecretStatus = lastRotation ? { lastRotation } : {};
  if (!secret.exists) return status;
  status.currentVersionId = secret.currentVersionId;
  if (secret.currentVersionCreatedAt) {
    status.createdAt = secret.currentVersionCreatedAt;
    status.ageDays = Math.floor(
      (Date.parse(run.startedAt) - Date.parse(secret.currentVersionCreatedAt)) / 86_400_000,
    );
  }
  return status;
}

/**
 * One SSM command carries every NPS client: more than it can carry is a problem found while
 * planning, so the run stops before any change instead of failing half-way at the push.
 */
function withCommandLimit(plan: Plan): Plan {
  if (plan.npsClients.length <= maxClients) return plan;
  const problem = {
    error: "InvalidConfiguration",
    subject: "NPS clients",
    message:
      `the managed directories send RADIUS from ${plan.npsClients.length} addresses, but one NPS command ` +
      `carries at most ${maxClients} clients: manage fewer directories per deployment (directoryIds or directoryTag)`,
  };
  return {
    ...plan,
    problems: [...plan.problems, problem],
    summary: [...plan.summary, `problem ${problem.error}: ${problem.message}`],
  };
}

/** Most summary lines a state carries; every action keeps its own reason in the plan regardless. */
const maxSummaryLines = 100;

/** Keeps the state small on large estates: the first lines, then how many more there were. */
function capSummary(summary: string[]): string[] {
  if (summary.length <= maxSummaryLines) return summary;
  return [...summary.slice(0, maxSummaryLines), `… and ${summary.length - maxSummaryLines} more`];
}

/** In rotate mode the rotation is one more change, described with the secret's age. */
function withRotation(plan: Plan, run: Run, discovery: Discovery): Plan {
  if (run.mode !== "rotate") return plan;
  const secret = discovery.secret;
  const age =
    secret.exists && secret.currentVersionCreatedAt
      ? `; AWSCURRENT ${secret.currentVersionId} was created at ${secret.currentVersionCreatedAt} ` +
        `(${Math.floor((Date.parse(run.startedAt) - Date.parse(secret.currentVersionCreatedAt)) / 86_400_000)} days before this run)`
      : "";
  const line = `rotate the shared secret${age}`;
  return { ...plan, changeCount: plan.changeCount + 1, summary: [...plan.summary, line] };
}

/** With `directoryIds` in the input, only those directories (and their rules) are changed. */
function restrictToRequested(plan: Plan, directoryIds: string[] | undefined): Plan {
  if (!directoryIds) return plan;
  const wanted = new Set(directoryIds);
  const directories = plan.directories.filter((directory) => wanted.has(directory.directoryId));
  const securityGroupRules = plan.securityGroupRules.filter((rule) => wanted.has(rule.directoryId));
  const changeCount =
    (plan.secret.action === "create" ? 1 : 0) +
    securityGroupRules.length +
    plan.npsServers.filter((server) => server.action === "push").length +
    directories.filter((directory) => directory.action !== "none").length;
  return { ...plan, directories, securityGroupRules, changeCount };
}

function toWork(plan: Plan, config: Readonly<Config>, runMode: Run["mode"]): Work {
  const groups = new Map<string, Work["securityGroups"][number]>();
  for (const rule of plan.securityGroupRules) {
    const group = groups.get(rule.groupId) ?? {
      groupId: rule.groupId,
      directoryId: rule.directoryId,
      authorize: [],
      revoke: [],
    };
    group[rule.action].push({ cidr: rule.cidr, port: rule.port, description: rule.description });
    groups.set(rule.groupId, group);
  }
  const npsServerIds = plan.npsServers
    .filter((server) => server.action === "push")
    .map((server) => server.instanceId);
  const directories = plan.directories.flatMap((directory) =>
    directory.action === "none"
      ? []
      : [
          {
            directoryId: directory.directoryId,
            action: directory.action,
            settings: directory.settings,
            settingsFingerprint: directory.settingsFingerprint,
          },
        ],
  );
  const { pollSeconds, maxNpsWaitSeconds, maxRadiusWaitSeconds } = config.waits;
  const eligible = plan.directories.map((directory) => directory.directoryId);
  const rotation =
    runMode === "rotate"
      ? {
          strategy: config.rotation.strategy,
          servers: plan.npsServers.map((server) => ({ instanceId: server.instanceId, ip: server.ipAddress })),
          directoryIds: eligible,
          settings: { ...config.radius },
        }
      : undefined;
  return {
    ...(rotation ? { rotation } : {}),
    changeCount: plan.changeCount,
    summary: capSummary(plan.summary),
    secret:
      plan.secret.action === "create"
        ? { action: "create", name: plan.secret.name }
        : { action: "keep", arn: plan.secret.arn, versionId: plan.secret.versionId },
    securityGroups: [...groups.values()],
    pushNps: npsServerIds.length > 0,
    npsServerIds,
    npsClients: plan.npsClients.map(({ name, ip }) => ({ name, ip })),
    updateDirectories: directories.length > 0,
    directories,
    waits: {
      pollSeconds,
      maxNpsPolls: Math.ceil(maxNpsWaitSeconds / pollSeconds),
      maxRadiusPolls: Math.ceil(maxRadiusWaitSeconds / pollSeconds),
    },
  };
}
