import { type NpsCommandOptions, renderNpsCommandParameters } from "../../../shared/nps/index.js";
import { type ApplyControl, applyNpsCommand } from "./nps-apply.js";
import type { AccessRequest } from "./nps-evaluate.js";
import type { ModelPolicy, NpsConfiguration, NpsModel } from "./nps-model.js";

/**
 * What the NPS model tests share: the command the product renders for two of our clients, one push
 * of it as the host double sends it, and a VPN concentrator set up by hand on the same server (its
 * client, its connection request policy, its network policy) whose answers must never move.
 */

export const mfaGroup = "S-1-5-21-1004336348-1177238915-682003330-1105";
export const vpnGroup = "S-1-5-21-1004336348-1177238915-682003330-2201";
export const clientA = { name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" };
export const clientB = { name: "radius-sync-d-0123456789-10-0-2-7", ip: "10.0.2.7" };

/** A push-mode command for clientA and clientB. */
export const commandBase: NpsCommandOptions = {
  secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:radius-sync/shared-secret-AbC1dE",
  secretVersion: "AWSCURRENT",
  region: "eu-west-1",
  namePrefix: "radius-sync",
  accessMode: "push",
  protocol: "PAP",
  adGroup: "",
  requireMessageAuthenticator: false,
  sequence: "2026-01-10T12:00:00.000Z/000",
  clients: [clientA, clientB],
};

/** One command to the model; `ordinal` orders it after earlier ones (the host refuses an older one) unless `options` names its own sequence. */
export function pushCommand(
  model: NpsModel,
  options: Partial<NpsCommandOptions>,
  ordinal: number,
  context: { secretVersionId?: string; control?: ApplyControl } = {},
) {
  const sequence = `2026-01-10T12:00:00.000Z/${String(ordinal).padStart(3, "0")}`;
  return applyNpsCommand(model, renderNpsCommandParameters({ ...commandBase, sequence, ...options }), {
    secretVersionId: context.secretVersionId ?? "v1",
    ...(context.control ? { control: context.control } : {}),
  });
}

/** A hand-made client with the VPN's secret, as the NPS console adds it. */
export function addVpnClient(configuration: NpsConfiguration, name: string, ip: string): void {
  configuration.clients.set(name, {
    ip,
    secretVersionId: "vpn",
    enabled: true,
    authAttributeRequired: false,
  });
}

/** The VPN's connection request policy, first in order, for the addresses `pattern` matches. */
export function addVpnRequestPolicy(configuration: NpsConfiguration, pattern: string): void {
  configuration.connectionRequestPolicies.unshift({
    name: "VPN",
    enabled: true,
    conditions: [["0x100c", pattern]],
    profile: [["0x1025", "0x1"]],
  });
}

/** The VPN's network policy, first in order: members of vpnGroup are granted. */
export function addVpnUsersPolicy(
  configuration: NpsConfiguration,
  profile: ModelPolicy["profile"] = [],
): void {
  configuration.networkPolicies.unshift({
    name: "VPN users",
    enabled: true,
    conditions: [["0x1fb5", vpnGroup]],
    profile: [["0x100f", "TRUE"], ["0x1005", "TRUE"], ...profile],
  });
}

/** A hand-made catch-all network policy put at `position`: our clients' requests must never reach it. */
export function addEveryonePolicy(configuration: NpsConfiguration, position: number): void {
  configuration.networkPolicies.splice(position, 0, {
    name: "Everyone (hand-made)",
    enabled: true,
    conditions: [["0x1006", "all"]],
    profile: [
      ["0x100f", "TRUE"],
      ["0x1005", "TRUE"],
    ],
  });
}

/** A PAP request from clientA whose password is right and whose MFA is approved, unless overridden. */
export const accessRequest = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  clientIp: clientA.ip,
  userGroups: [],
  authType: "PAP",
  passwordValid: true,
  mfaApproved: true,
  ...overrides,
});
