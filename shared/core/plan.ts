import { InvalidInput } from "../errors.js";
import { assessEligibility } from "./eligibility.js";
import { npsSettingsOf } from "./fingerprint.js";
import type { Discovery, UnreadableRecord } from "./model.js";
import { directoryOfClient } from "./naming.js";
import { planDirectories } from "./plan-directories.js";
import { type NpsClientPlan, planNpsClients, planNpsServers, type SecretTarget } from "./plan-nps.js";
import { planNpsNetworkPaths } from "./plan-nps-network.js";
import type { DesiredSettings, NpsClient, Plan, SecretAction } from "./plan-schema.js";
import { planSecurityGroupRules } from "./plan-security-groups.js";
import { summarisePlan } from "./summary.js";
import { targetCode } from "./targets.js";

export { npsFingerprint, npsSettingsOf, radiusSettingsFingerprint } from "./fingerprint.js";
export {
  type DesiredSettings,
  DirectoryAction,
  NpsClient,
  NpsClientRef,
  NpsServerAction,
  Plan,
  PlanProblem,
  RadiusSettings,
  SecretAction,
  SecurityGroupRuleAction,
} from "./plan-schema.js";

function planSecret(secret: Discovery["secret"]): { action: SecretAction; target: SecretTarget } {
  if (!secret.exists) {
    return {
      action: { action: "create", name: secret.name, reason: `secret ${secret.name} does not exist yet` },
      target: { create: true },
    };
  }
  return {
    action: {
      action: "keep",
      arn: secret.arn,
      versionId: secret.currentVersionId,
      reason: `secret ${secret.name} exists; version ${secret.currentVersionId} is AWSCURRENT`,
    },
    target: { create: false, versionId: secret.currentVersionId },
  };
}

/** What reading a broken record as absent does, by the kind of record its key names. */
function consequenceOf(key: string): string {
  if (key.startsWith("directory#")) return "its directory is planned as if radius-sync had never set it";
  if (key.startsWith("nps#")) return "its NPS server is planned as if radius-sync had never pushed to it";
  return "how the last rotation ended is not known";
}

/**
 * The plan's note for a state-table record that failed its schema: its key, the fields that failed and
 * what reading it as absent does.
 *
 * @example
 * ```ts
 * unreadableRecordNote({ key: "directory#d-0123456789", fields: ["secretVersionId"] });
 * // "state-table record directory#d-0123456789 fails its schema (secretVersionId) and is read as absent: …"
 * ```
 */
export function unreadableRecordNote(record: UnreadableRecord): string {
  return (
    `state-table record ${record.key} fails its schema (${record.fields.join(", ")}) and is read as absent: ` +
    consequenceOf(record.key)
  );
}

function discoveryNotes(discovery: Discovery): string[] {
  const notes = discovery.skippedDirectories.map(
    (skipped) => `directory ${skipped.directoryId} is skipped: ${skipped.reason}`,
  );
  for (const record of discovery.unreadableRecords ?? []) notes.push(unreadableRecordNote(record));
  // A hub says how each member target went (an unreachable one is noted with its held clients).
  for (const target of discovery.targets ?? []) {
    if (target.status !== "ok") continue;
    const [account, region] = target.target.split(":");
    const count = discovery.directories.filter((directory) => directory.target === target.target).length;
    notes.push(`target ${account} ${region}: reached, ${count} managed director${count === 1 ? "y" : "ies"}`);
  }
  if (discovery.secret.exists && discovery.secret.pendingVersionId !== undefined) {
    notes.push(
      `secret version ${discovery.secret.pendingVersionId} is AWSPENDING from an unfinished rotation; ` +
        "this plan uses AWSCURRENT",
    );
  }
  return notes;
}

/**
 * A member target that could not be read keeps the NPS clients last pushed for it (from the NPS servers'
 * records), so no run removes its directories' clients — and with them their MFA — because its role or
 * its API failed once; what is new there waits for a run that reads it. Each unreachable target gets a
 * note naming it and why.
 */
function withHeldClients(
  plan: NpsClientPlan,
  options: { discovery: Discovery; namePrefix: string },
): NpsClientPlan {
  const unreachable = (options.discovery.targets ?? []).filter((target) => target.status === "unreachable");
  if (unreachable.length === 0) return plan;
  const clients = [...plan.clients];
  const notes = [...plan.notes];
  const addresses = new Set(clients.map((client) => client.ip));
  for (const target of unreachable) {
    // Which directory (and target) a name of ours serves is naming.ts's rule, as everywhere.
    const ofTarget = [{ code: targetCode(target.target), key: target.target }];
    const held = new Map<string, NpsClient>();
    for (const server of options.discovery.npsServers) {
      for (const client of server.applied?.clients ?? []) {
        const served = directoryOfClient(options.namePrefix, client.name, ofTarget);
        const name = client.name.toLowerCase();
        if (!served?.startsWith(`${target.target}:`) || addresses.has(client.ip) || held.has(name)) continue;
        const directoryId = served.slice(target.target.length + 1);
        held.set(name, { name: client.name, ip: client.ip, directoryId, target: target.target });
      }
    }
    for (const client of held.values()) {
      clients.push(client);
      addresses.add(client.ip);
    }
    const [account, region] = target.target.split(":");
    notes.push(
      `TargetUnreachable: target ${account} ${region} is unreachable (${target.error ?? "Error"}: ${target.message ?? "no message"}); ` +
        `its ${held.size} NPS client(s) are kept as last pushed and its directories are not changed in this run`,
    );
  }
  return { clients, notes };
}

/**
 * Compares what the configuration wants with what discovery found and returns the
 * plan: every action with its reason, and the problems that forbid applying it.
 * Pure: no I/O, and the clock comes in as `now`.
 *
 * @throws {InvalidInput} when `now` is not a date-time.
 *
 * @example
 * ```ts
 * const plan = planChanges({ desired, discovery, now: "2026-01-10T12:00:00.000Z" });
 * if (plan.problems.length > 0) throw new Error(plan.summary.join("\n"));
 * plan.changeCount; // 0 when everything already agrees
 * ```
 */
export function planChanges(options: { desired: DesiredSettings; discovery: Discovery; now: string }): Plan {
  const { desired, discovery } = options;
  const nowMs = Date.parse(options.now);
  if (Number.isNaN(nowMs))
    throw new InvalidInput(`now must be an ISO 8601 date-time, got ${JSON.stringify(options.now)}`);
  const { namePrefix } = desired;
  const eligible = assessEligibility(discovery);
  const secret = planSecret(discovery.secret);
  const ruleplan = planSecurityGroupRules({ namePrefix, port: desired.radius.port, ...eligible });
  const npsNetwork = planNpsNetworkPaths({
    namePrefix,
    port: desired.radius.port,
    manage: desired.nps.manageSecurityGroup,
    ...eligible,
  });
  const clientPlan = withHeldClients(planNpsClients({ namePrefix, directories: eligible.directories }), {
    discovery,
    namePrefix,
  });
  const npsServers = planNpsServers({
    npsServers: eligible.npsServers,
    clients: clientPlan.clients,
    secret: secret.target,
    settings: npsSettingsOf(desired),
    namePrefix,
  });
  const directories = planDirectories({ ...eligible, radius: desired.radius, secret: secret.target });
  const body = {
    secret: secret.action,
    securityGroupRules: [...ruleplan.rules, ...npsNetwork.rules],
    npsClients: clientPlan.clients,
    npsServers,
    directories,
    problems: [...eligible.problems, ...npsNetwork.problems],
    notes: [...discoveryNotes(discovery), ...ruleplan.notes, ...npsNetwork.notes, ...clientPlan.notes],
  };
  const changeCount =
    (secret.target.create ? 1 : 0) +
    body.securityGroupRules.length +
    npsServers.filter((server) => server.action === "push").length +
    directories.filter((directory) => directory.action !== "none").length;
  return { ...body, changeCount, summary: summarisePlan(body) };
}
