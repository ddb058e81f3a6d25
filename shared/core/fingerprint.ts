import { createHash } from "node:crypto";
import { compareText, sortedUnique } from "./ordering.js";
import type { NpsClientRef, RadiusSettings } from "./plan-schema.js";

/** sha256 of a canonical JSON value: the callers sort what has no inherent order. */
function sha256(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/**
 * The fingerprint of what radius-sync pushes to an NPS server: our clients, the
 * secret version they carry, the AD group of the network policy and the name prefix.
 * Client order does not matter. The secret itself is never an input.
 *
 * @example
 * ```ts
 * npsFingerprint({ clients: [{ name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" }],
 *   secretVersionId: "v1", adGroup: "CORP\\WorkSpaces MFA", namePrefix: "radius-sync" }); // 64 hex digits
 * ```
 */
export function npsFingerprint(options: {
  clients: readonly NpsClientRef[];
  secretVersionId: string;
  adGroup: string;
  namePrefix: string;
}): string {
  const clients = [...options.clients]
    .sort((left, right) => compareText(left.name, right.name) || compareText(left.ip, right.ip))
    .map((client) => [client.name, client.ip]);
  return sha256({
    clients,
    secretVersionId: options.secretVersionId,
    adGroup: options.adGroup,
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
    port: settings.port,
    protocol: settings.protocol,
    timeoutSeconds: settings.timeoutSeconds,
    retries: settings.retries,
    displayLabel: settings.displayLabel,
  });
}
