import { createHash } from "node:crypto";
import { compareText, sortedUnique } from "./ordering.js";
import type { NpsClientRef, RadiusSettings } from "./plan-schema.js";

/** sha256 of a canonical JSON value: the callers sort what has no inherent order. */
function sha256(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/** The NPS settings beside the clients that a push applies: they decide the policies and the clients' flags. */
export interface NpsPolicySettings {
  accessMode: "push" | "group";
  protocol: "PAP" | "MS-CHAPv2";
  adGroup: string;
  requireMessageAuthenticator: boolean;
}

/**
 * The NPS settings as the fingerprint sees them: the AD group only where a policy uses it (group
 * mode), so changing a setting the mode ignores pushes nothing.
 *
 * @example
 * ```ts
 * npsSettingsOf({ nps: { accessMode: "push", adGroup: "CORP\\MFA", requireMessageAuthenticator: false }, radius: { protocol: "PAP" } });
 * // { accessMode: "push", protocol: "PAP", adGroup: "", requireMessageAuthenticator: false }
 * ```
 */
export function npsSettingsOf(options: {
  nps: { accessMode: "push" | "group"; adGroup: string; requireMessageAuthenticator: boolean };
  radius: { protocol: "PAP" | "MS-CHAPv2" };
}): NpsPolicySettings {
  const { accessMode, adGroup, requireMessageAuthenticator } = options.nps;
  return {
    accessMode,
    protocol: options.radius.protocol,
    adGroup: accessMode === "group" ? adGroup : "",
    requireMessageAuthenticator,
  };
}

/**
 * The fingerprint of what radius-sync pushes to an NPS server: our clients, the
 * secret version they carry, the NPS settings (access mode, protocol, AD group,
 * Message-Authenticator) and the name prefix. Client order does not matter. The
 * secret itself is never an input.
 *
 * @example
 * ```ts
 * npsFingerprint({ clients: [{ name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" }],
 *   secretVersionId: "v1", namePrefix: "radius-sync",
 *   settings: { accessMode: "push", protocol: "PAP", adGroup: "", requireMessageAuthenticator: false } }); // 64 hex digits
 * ```
 */
export function npsFingerprint(options: {
  clients: readonly NpsClientRef[];
  secretVersionId: string;
  settings: NpsPolicySettings;
  namePrefix: string;
}): string {
  const clients = [...options.clients]
    // By name alone: a name carries its address (npsClientName), so no two clients share one.
    .sort((left, right) => compareText(left.name, right.name))
    .map((client) => [client.name, client.ip]);
  return sha256({
    clients,
    secretVersionId: options.secretVersionId,
    settings: [
      options.settings.accessMode,
      options.settings.protocol,
      options.settings.adGroup,
      options.settings.requireMessageAuthenticator,
    ],
    namePrefix: options.namePrefix,
  });
}

/**
 * The fingerprint of a directory's RADIUS settings (never the secret). Server order
 * does not matter.
 *
 * @example
 * ```ts
 * radiusSettingsFingerprint({ servers: ["10.0.2.7"], port: 1812, protocol: "PAP",
 *   timeoutSeconds: 30, retries: 1, displayLabel: "MFA" }); // 64 hex digits
 * ```
 */
export function radiusSettingsFingerprint(settings: RadiusSettings): string {
  return sha256({
    servers: sortedUnique(settings.servers),
    ...(settings.serversIpv6?.length ? { serversIpv6: sortedUnique(settings.serversIpv6) } : {}),
    port: settings.port,
    protocol: settings.protocol,
    timeoutSeconds: settings.timeoutSeconds,
    retries: settings.retries,
    displayLabel: settings.displayLabel,
  });
}
