import * as z from "zod";
import type { Config } from "../config.js";
import { BUDGETED_NPS_SERVERS, estateBoundsFor, historyBudgetProblems } from "../core/history-budget.js";
import type { Discovery, NetworkType } from "../core/model.js";
import { DirectoryTargets, WorkflowPhase } from "../core/phases.js";
import { type DesiredSettings, type Plan, planChanges } from "../core/plan.js";
import { RotationServer, RotationStrategy } from "../core/rotation.js";
import { TargetKey } from "../core/targets.js";
import { maxPolls, NPS_EXECUTION_TIMEOUT_SECONDS, timeBudgetProblems } from "../core/time-budget.js";
import { createWorkflowError } from "../errors.js";
import { maxClients, maxClientsCharacters } from "../nps/index.js";
import type { Run } from "../run.js";
import { BaseRadiusSettings, RotationNetworkTypes } from "./rotation-phases.js";

/** One directory security group's rule changes, compactly: every rule is UDP on a single /32. */
const GroupRuleChanges = z.object({
  groupId: z.string(),
  directoryId: z.string(),
  /** The member target the group is in; absent for the hub's own account. */
  target: TargetKey.optional(),
  /** Sources to allow on the RADIUS port (their descriptions are in `SecurityGroupWork.descriptions`). */
  authorize: z.array(z.string()),
  revoke: z.array(z.object({ cidr: z.string(), port: z.number().int() })),
});

/** Every security group's changes, with what they share written once (payloads stay small). */
export const SecurityGroupWork = z.object({
  port: z.number().int(),
  /** The description each authorized source's rule gets, by CIDR (it marks the rule as ours). */
  descriptions: z.record(z.string(), z.string()),
  groups: z.array(GroupRuleChanges),
});
export type SecurityGroupWork = z.infer<typeof SecurityGroupWork>;

/**
 * The slice of the plan the apply states need, kept small for the Step Functions payload limit: what
 * many directories share is written once (settings, rule descriptions), and the phases list ids.
 */
export const Work = z.object({
  changeCount: z.number().int(),
  summary: z.array(z.string()),
  secret: z.discriminatedUnion("action", [
    z.object({ action: z.literal("create"), name: z.string() }),
    z.object({ action: z.literal("keep"), arn: z.string(), versionId: z.string() }),
  ]),
  securityGroups: SecurityGroupWork,
  npsClients: z.array(z.object({ name: z.string(), ip: z.string() })),
  /** The reconcile's phases, in order: security groups, the NPS push, the directory updates. */
  phases: z.array(WorkflowPhase),
  /** How many phases (the state machine runs none, and takes no lock, when there are none). */
  phaseCount: z.number().int().min(0),
  /** Checks per NPS server (they run one at a time) and, once given up, for what was cancelled to end. */
  waits: z.object({
    pollSeconds: z.number(),
    maxNpsPolls: z.number(),
    npsCancelPolls: z.number(),
    maxRadiusPolls: z.number(),
  }),
  /** Present in rotate mode: what the rotation covers (every eligible NPS server and directory). */
  rotation: z
    .object({
      strategy: RotationStrategy,
      servers: z.array(RotationServer),
      directoryIds: z.array(z.string()),
      settings: BaseRadiusSettings,
      networkTypes: RotationNetworkTypes.optional(),
      targets: DirectoryTargets.optional(),
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
    },
  };
}

/**
 * Plans the run. A dry run returns the whole plan (problems included), which reportDryRun
 * (shared/steps/dry-run.ts) bounds for the state. Otherwise problems stop
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
  const plan = withWaitBudget(
    withCommandLimit(
      withRotation(
        restrictToRequested(
          planChanges({ desired: desiredSettingsFrom(config), discovery, now: run.startedAt }),
          run.directoryIds,
        ),
        run,
        discovery,
      ),
    ),
    config,
  );
  // The whole plan: the dry run's output bounds it (shared/steps/dry-run.ts).
  if (run.dryRun) return { run, plan, secretStatus: describeSecretStatus(discovery, run) };
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
  // As the Clients parameter is rendered: name=ip pairs joined by commas.
  const characters = plan.npsClients.reduce(
    (total, client, index) => total + client.name.length + 1 + client.ip.length + (index > 0 ? 1 : 0),
    0,
  );
  if (plan.npsClients.length <= maxClients && characters <= maxClientsCharacters) return plan;
  const limit =
    plan.npsClients.length > maxClients
      ? `carries at most ${maxClients} clients`
      : `carries at most ${maxClientsCharacters} characters of clients and these take ${characters} (an IPv6 client takes up to 110)`;
  const problem = {
    error: "InvalidConfiguration",
    subject: "NPS clients",
    message:
      `the managed directories send RADIUS from ${plan.npsClients.length} addresses, but one NPS command ` +
      `${limit}: manage fewer directories per deployment (directoryIds or directoryTag)`,
  };
  return {
    ...plan,
    problems: [...plan.problems, problem],
    summary: [...plan.summary, `problem ${problem.error}: ${problem.message}`],
  };
}

/**
 * The configuration's budgets count {@link BUDGETED_NPS_SERVERS} NPS servers; an estate with more
 * pushes to each in turn, so its worst case is longer. Checked here with the servers the plan has,
 * before the lock or any change: waits that could pass the execution's timeout or its history events
 * with this many servers are a problem of the plan, named with the figure.
 */
function withWaitBudget(plan: Plan, config: Readonly<Config>): Plan {
  const servers = plan.npsServers.length;
  if (servers <= BUDGETED_NPS_SERVERS) return plan;
  const waits = { ...config.waits, maxLockWaitSeconds: config.lock.maxWaitSeconds };
  const found = [
    ...timeBudgetProblems(waits, config.lock.ttlSeconds, servers),
    ...historyBudgetProblems(waits, estateBoundsFor({ maxClients, npsServers: servers })),
  ];
  if (found.length === 0) return plan;
  const problems = found.map((problem) => ({
    error: "InvalidConfiguration",
    subject: "waits",
    message:
      `with ${servers} NPS servers (the configuration's budgets count ${BUDGETED_NPS_SERVERS}) the waits ` +
      `${problem.message}; or manage fewer NPS servers per deployment (npsInstanceIds or npsTag)`,
  }));
  return {
    ...plan,
    problems: [...plan.problems, ...problems],
    summary: [...plan.summary, ...problems.map((problem) => `problem ${problem.error}: ${problem.message}`)],
  };
}

/** Most summary lines a state carries; every action keeps its own reason in the plan regardless. */
const maxSummaryLines = 100;

/**
 * Most UTF-8 bytes of summary the apply states carry (and the result event quotes): the whole
 * state stays under 64 KB at 100 directories × 4 NPS servers (docs/benchmarks.md).
 */
const maxWorkSummaryBytes = 8 * 1024;

/**
 * Keeps the state small on large estates: the first lines (at most 100, and at most `maxBytes` UTF-8
 * bytes), then how many more there were.
 *
 * @example
 * ```ts
 * capSummary(plan.summary, 8 * 1024); // [...the lines that fit, "… and 12 more"]
 * ```
 */
export function capSummary(summary: string[], maxBytes = Number.POSITIVE_INFINITY): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (const line of summary) {
    bytes += Buffer.byteLength(line, "utf8");
    if (kept.length >= maxSummaryLines || bytes > maxBytes) break;
    kept.push(line);
  }
  if (kept.length === summary.length) return summary;
  return [...kept, `… and ${summary.length - kept.length} more`];
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
  const rotated = { ...plan, changeCount: plan.changeCount + 1, summary: [...plan.summary, line] };
  // One secret for every target: a rotation that cannot reach a target's directories would leave them
  // with a secret the NPS servers no longer hold once it is promoted.
  const unreachable = (discovery.targets ?? []).filter((target) => target.status === "unreachable");
  if (unreachable.length === 0) return rotated;
  const problem = {
    error: "TargetUnreachable",
    subject: "targets",
    message:
      `the rotation must reach every directory, but ${unreachable.map((target) => target.target).join(", ")} ` +
      "could not be read (see notes): the secret is not rotated until every target is reachable",
  };
  return {
    ...rotated,
    problems: [...rotated.problems, problem],
    summary: [...rotated.summary, `problem ${problem.error}: ${problem.message}`],
  };
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

function securityGroupWork(plan: Plan, port: number): SecurityGroupWork {
  const groups = new Map<string, SecurityGroupWork["groups"][number]>();
  const descriptions: Record<string, string> = {};
  for (const rule of plan.securityGroupRules) {
    const group = groups.get(rule.groupId) ?? {
      groupId: rule.groupId,
      directoryId: rule.directoryId,
      ...(rule.target === undefined ? {} : { target: rule.target }),
      authorize: [],
      revoke: [],
    };
    if (rule.action === "authorize") {
      group.authorize.push(rule.cidr);
      descriptions[rule.cidr] = rule.description;
    } else {
      group.revoke.push({ cidr: rule.cidr, port: rule.port });
    }
    groups.set(rule.groupId, group);
  }
  return { port, descriptions, groups: [...groups.values()] };
}

/** The reconcile as phases: security groups first, then NPS (which must hold the secret first), then directories. */
function reconcilePhases(plan: Plan, securityGroups: SecurityGroupWork): WorkflowPhase[] {
  const phases: WorkflowPhase[] = [];
  if (securityGroups.groups.length > 0) {
    const reason = `${plan.securityGroupRules.length} security-group rule change(s) in ${securityGroups.groups.length} group(s)`;
    phases.push({ kind: "securityGroups", mismatch: false, reason });
  }
  // Every eligible server gets the command, one at a time: it changes nothing on a server that agrees,
  // repairs hand edits, and checks every run that the server still enforces MFA (closing our door when
  // it cannot). The servers the plan knows need a change go first.
  const servers = [
    ...plan.npsServers.filter((server) => server.action === "push"),
    ...plan.npsServers.filter((server) => server.action !== "push"),
  ];
  const planned = servers.filter((server) => server.action === "push").map((server) => server.instanceId);
  if (servers.length > 0) {
    const reason =
      `${planned.length} of ${servers.length} NPS server(s) need the configuration, the others are verified; ` +
      "one server at a time, so the others keep answering while each restarts";
    phases.push({
      kind: "nps",
      instanceIds: servers.map((server) => server.instanceId),
      planned,
      secret: "current",
      mismatch: false,
      reason,
    });
  }
  const changing = plan.directories.filter((directory) => directory.action !== "none");
  const [first] = changing;
  if (first) {
    phases.push({
      kind: "directories",
      directoryIds: changing.map((directory) => directory.directoryId),
      enable: changing
        .filter((directory) => directory.action === "enable")
        .map((directory) => directory.directoryId),
      // Every directory is planned with the same settings (shared/core/plan-directories.ts); its
      // network type picks the server lists it gets.
      settings: first.settings,
      settingsFingerprint: first.settingsFingerprint,
      ...networkTypesOf(changing),
      ...targetsOf(changing),
      secret: "current",
      mismatch: false,
      reason: `${changing.length} director${changing.length === 1 ? "y needs" : "ies need"} RADIUS enabled or updated`,
    });
  }
  return phases;
}

/** The phase's `networkTypes`: the directories that are not IPv4, none when all are. */
function networkTypesOf(directories: Plan["directories"]): { networkTypes?: Record<string, NetworkType> } {
  const entries = directories.flatMap((directory) =>
    directory.networkType === undefined ? [] : [[directory.directoryId, directory.networkType] as const],
  );
  return entries.length === 0 ? {} : { networkTypes: Object.fromEntries(entries) };
}

/** The phase's `targets`: the directories in member targets, none when all are the hub's own. */
function targetsOf(directories: Plan["directories"]): { targets?: DirectoryTargets } {
  const targets: DirectoryTargets = {};
  for (const directory of directories) {
    if (directory.target === undefined) continue;
    targets[directory.target] = [...(targets[directory.target] ?? []), directory.directoryId];
  }
  return Object.keys(targets).length === 0 ? {} : { targets };
}

function toWork(plan: Plan, config: Readonly<Config>, runMode: Run["mode"]): Work {
  const securityGroups = securityGroupWork(plan, config.radius.port);
  const { pollSeconds, maxNpsWaitSeconds, maxRadiusWaitSeconds } = config.waits;
  const eligible = plan.directories.map((directory) => directory.directoryId);
  // The servers' IPv6 addresses travel only when a Dual-stack or IPv6 directory takes part.
  const { networkTypes } = networkTypesOf(plan.directories);
  const rotation =
    runMode === "rotate"
      ? {
          strategy: config.rotation.strategy,
          servers: plan.npsServers.map((server) => ({
            instanceId: server.instanceId,
            ip: server.ipAddress,
            ...(networkTypes && server.ipv6Address ? { ipv6: server.ipv6Address } : {}),
          })),
          directoryIds: eligible,
          settings: { ...config.radius },
          ...(networkTypes ? { networkTypes } : {}),
          ...targetsOf(plan.directories),
        }
      : undefined;
  const phases = reconcilePhases(plan, securityGroups);
  return {
    ...(rotation ? { rotation } : {}),
    changeCount: plan.changeCount,
    summary: capSummary(plan.summary, maxWorkSummaryBytes),
    secret:
      plan.secret.action === "create"
        ? { action: "create", name: plan.secret.name }
        : { action: "keep", arn: plan.secret.arn, versionId: plan.secret.versionId },
    securityGroups,
    npsClients: plan.npsClients.map(({ name, ip }) => ({ name, ip })),
    phases,
    phaseCount: phases.length,
    waits: {
      pollSeconds,
      maxNpsPolls: maxPolls(maxNpsWaitSeconds, pollSeconds),
      npsCancelPolls: maxPolls(NPS_EXECUTION_TIMEOUT_SECONDS, pollSeconds),
      maxRadiusPolls: maxPolls(maxRadiusWaitSeconds, pollSeconds),
    },
  };
}
