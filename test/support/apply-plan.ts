import { npsFingerprint, npsSettingsOf } from "../../shared/core/fingerprint.js";
import type { DiscoveredDirectory, Discovery, IngressRule } from "../../shared/core/model.js";
import { isOwnedRule } from "../../shared/core/naming.js";
import type {
  DesiredSettings,
  DirectoryAction,
  Plan,
  SecurityGroupRuleAction,
} from "../../shared/core/plan-schema.js";
import { radiusServersFor } from "../../shared/core/radius-servers.js";

/** The version id a simulated CreateSecret gives the new secret. */
export const CREATED_SECRET_VERSION_ID = "00000000-0000-4000-8000-00000000c0de";

/**
 * Test helper, not product code: what the adapters would leave behind after applying
 * `plan` successfully, as a new discovery — the secret created, security-group rules
 * added and removed, NPS and directory records written with their fingerprints and
 * `now`, directory RADIUS settings set and Completed. Pure; the input is not changed.
 *
 * @example
 * ```ts
 * const after = applyPlanToDiscovery({ plan, discovery, desired, now });
 * planChanges({ desired, discovery: after, now }).changeCount; // 0
 * ```
 */
export function applyPlanToDiscovery(options: {
  plan: Plan;
  discovery: Discovery;
  desired: DesiredSettings;
  now: string;
}): Discovery {
  const { plan, desired, now } = options;
  const discovery = structuredClone(options.discovery);
  if (plan.secret.action === "create") {
    discovery.secret = {
      exists: true,
      name: plan.secret.name,
      arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${plan.secret.name}-AbCdEf`,
      currentVersionId: CREATED_SECRET_VERSION_ID,
    };
  }
  const secretVersionId = discovery.secret.exists ? discovery.secret.currentVersionId : "";
  for (const directory of discovery.directories) {
    const rules = plan.securityGroupRules.filter((rule) => rule.directoryId === directory.directoryId);
    directory.udpIngressRules = applyRules(directory.udpIngressRules, rules, desired.namePrefix);
    const action = plan.directories.find((entry) => entry.directoryId === directory.directoryId);
    if (action !== undefined && action.action !== "none") setRadius(directory, action, secretVersionId, now);
  }
  const clients = plan.npsClients.map((client) => ({ name: client.name, ip: client.ip }));
  const fingerprint = npsFingerprint({
    clients,
    secretVersionId,
    settings: npsSettingsOf(desired),
    namePrefix: desired.namePrefix,
  });
  for (const server of discovery.npsServers) {
    const action = plan.npsServers.find((entry) => entry.instanceId === server.instanceId);
    if (action?.action === "push") server.applied = { fingerprint, secretVersionId, clients, appliedAt: now };
  }
  return discovery;
}

function applyRules(
  existing: IngressRule[],
  actions: SecurityGroupRuleAction[],
  namePrefix: string,
): IngressRule[] {
  let rules = existing;
  for (const action of actions) {
    const matches = (rule: IngressRule) =>
      isOwnedRule(namePrefix, rule) && rule.fromPort === action.port && rule.cidr === action.cidr;
    if (action.action === "revoke") rules = rules.filter((rule) => !matches(rule));
    else {
      const { port, cidr, description } = action;
      rules = [...rules, { protocol: "udp", fromPort: port, toPort: port, cidr, description }];
    }
  }
  return rules;
}

/** Enable/UpdateRadius as moto answers it: settings stored, RadiusStatus Completed at once. */
function setRadius(
  directory: DiscoveredDirectory,
  action: DirectoryAction,
  secretVersionId: string,
  now: string,
): void {
  // Directory Service keeps the lists the directory was sent: those its network type gets.
  const { serversIpv6: _all, ...settings } = action.settings;
  const lists = radiusServersFor(action.settings, action.networkType);
  directory.radiusSettings = {
    ...settings,
    servers: lists.servers,
    ...(lists.serversIpv6.length > 0 ? { serversIpv6: lists.serversIpv6 } : {}),
  };
  directory.radiusStatus = "Completed";
  directory.applied = { secretVersionId, settingsFingerprint: action.settingsFingerprint, appliedAt: now };
}
