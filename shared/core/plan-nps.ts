import type { EligibleNpsServer } from "./eligibility.js";
import { type NpsPolicySettings, npsFingerprint } from "./fingerprint.js";
import type { AppliedNpsRecord, DiscoveredDirectory } from "./model.js";
import { isOwnedNpsClientName, npsClientName } from "./naming.js";
import { compareText } from "./ordering.js";
import type { NpsClient, NpsClientRef, NpsServerAction } from "./plan-schema.js";
import { targetCode as targetCodeOf } from "./targets.js";

/** The desired NPS clients, plus notes on addresses shared by two directories. */
export interface NpsClientPlan {
  clients: NpsClient[];
  notes: string[];
}

/**
 * The full list of NPS RADIUS clients radius-sync wants: one per directory source
 * IP. NPS knows a client by address, so an address two directories share gets one
 * client, named after the first directory by id.
 *
 * @example
 * ```ts
 * planNpsClients({ namePrefix: "radius-sync", directories }).clients[0];
 * // { name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5", directoryId: "d-0123456789" }
 * ```
 */
export function planNpsClients(options: {
  namePrefix: string;
  directories: readonly DiscoveredDirectory[];
}): NpsClientPlan {
  const byIp = new Map<string, NpsClient>();
  const notes: string[] = [];
  const directories = [...options.directories].sort((a, b) => compareText(a.directoryId, b.directoryId));
  for (const { directoryId, target, radiusSourceIps } of directories) {
    const targetCode = target === undefined ? undefined : targetCodeOf(target);
    for (const ip of [...radiusSourceIps].sort(compareText)) {
      const existing = byIp.get(ip);
      if (existing === undefined) {
        byIp.set(ip, {
          name: npsClientName({ namePrefix: options.namePrefix, directoryId, ip, targetCode }),
          ip,
          directoryId,
          ...(target === undefined ? {} : { target }),
        });
      } else if (existing.directoryId !== directoryId) {
        notes.push(
          `${ip} sends RADIUS for both ${existing.directoryId} and ${directoryId}; NPS client ${existing.name} serves both`,
        );
      }
    }
  }
  return { clients: [...byIp.values()], notes };
}

/** The secret the NPS servers should hold: a known version, or one about to be created. */
export type SecretTarget = { create: true } | { create: false; versionId: string };

interface ClientChanges {
  create: NpsClientRef[];
  update: NpsClientRef[];
  remove: NpsClientRef[];
}

const toRef = (client: NpsClientRef): NpsClientRef => ({ name: client.name, ip: client.ip });

function diffClients(
  recorded: readonly NpsClientRef[],
  desired: readonly NpsClient[],
  secretChanges: boolean,
): ClientChanges {
  const before = new Set(recorded.map((client) => client.name));
  const after = new Set(desired.map((client) => client.name));
  const create: NpsClientRef[] = [];
  const update: NpsClientRef[] = [];
  // A client's name carries its address (npsClientName), so a moved address is a new name: the new
  // client is created and the old one removed; a kept name only needs an update for a new secret.
  for (const client of desired) {
    if (!before.has(client.name)) create.push(toRef(client));
    else if (secretChanges) update.push(toRef(client));
  }
  const remove = recorded.filter((client) => !after.has(client.name)).map(toRef);
  return { create, update, remove };
}

function names(clients: readonly NpsClientRef[]): string {
  return clients.map((client) => `${client.name} (${client.ip})`).join(", ");
}

function describeFingerprintChange(options: {
  record: AppliedNpsRecord;
  changes: ClientChanges;
  secret: SecretTarget;
  settings: NpsPolicySettings;
  namePrefix: string;
}): string[] {
  const { record, changes, secret } = options;
  const details: string[] = [];
  if (changes.create.length > 0) details.push(`clients added: ${names(changes.create)}`);
  if (changes.remove.length > 0) details.push(`clients removed: ${names(changes.remove)}`);
  if (!secret.create && record.secretVersionId !== secret.versionId) {
    details.push(`secret version changed from ${record.secretVersionId} to ${secret.versionId}`);
  }
  const recordedPolicy = npsFingerprint({
    clients: record.clients,
    secretVersionId: record.secretVersionId,
    settings: options.settings,
    namePrefix: options.namePrefix,
  });
  if (recordedPolicy !== record.fingerprint || details.length === 0) {
    details.push(
      "the NPS settings (access mode, protocol, AD group, Message-Authenticator) or the name prefix changed",
    );
  }
  return details;
}

/** What every NPS server is planned against: the desired clients, secret and policy. */
interface NpsPlanContext {
  clients: readonly NpsClient[];
  secret: SecretTarget;
  settings: NpsPolicySettings;
  namePrefix: string;
}

function planServer(server: EligibleNpsServer, options: NpsPlanContext): NpsServerAction {
  const { instanceId, ipAddress, applied: record } = server;
  const { clients, secret } = options;
  const base = {
    instanceId,
    ipAddress,
    ...(server.ipv6Address === undefined ? {} : { ipv6Address: server.ipv6Address }),
  };
  if (record === undefined) {
    const create = clients.map(toRef);
    return {
      ...base,
      action: "push",
      clientChanges: { create, update: [], remove: [] },
      reason: "no record of a previous push",
    };
  }
  const ours = record.clients.filter((client) => isOwnedNpsClientName(options.namePrefix, client.name));
  const secretChanges = secret.create || record.secretVersionId !== secret.versionId;
  const changes = diffClients(ours, clients, secretChanges);
  const reasons: string[] = [];
  if (secret.create) {
    reasons.push("a new shared secret is being created");
  } else {
    const desired = npsFingerprint({ ...options, secretVersionId: secret.versionId });
    if (desired !== record.fingerprint) {
      reasons.push(
        ...describeFingerprintChange({ ...options, record: { ...record, clients: ours }, changes }),
      );
    }
  }
  if (reasons.length === 0) {
    const none = { create: [], update: [], remove: [] };
    const reason =
      `NPS server has the ${clients.length} clients, secret version and NPS settings of the push at ${record.appliedAt}; ` +
      "the run's push verifies it and repairs what changed by hand";
    return { ...base, action: "none", clientChanges: none, reason };
  }
  return { ...base, action: "push", clientChanges: changes, reason: reasons.join("; ") };
}

/**
 * Plans one entry per eligible NPS server: push when radius-sync has no record of a
 * previous push, when what it would push differs from the record (clients, secret
 * version, NPS settings), or when the secret is being created; otherwise none — the
 * run still sends every eligible server the same command, which changes nothing on a
 * server that agrees and repairs one edited by hand (shared/steps/plan-step.ts). Client
 * changes are relative to the record; only clients radius-sync named are ever removed.
 *
 * @example
 * ```ts
 * planNpsServers({ npsServers, clients, secret: { create: false, versionId: "v1" },
 *   settings, namePrefix: "radius-sync" });
 * ```
 */
export function planNpsServers(
  options: NpsPlanContext & { npsServers: readonly EligibleNpsServer[] },
): NpsServerAction[] {
  return options.npsServers.map((server) => planServer(server, options));
}
