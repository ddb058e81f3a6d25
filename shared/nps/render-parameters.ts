import * as z from "zod";
import { readIpv6 } from "../core/ipv6.js";
import { isOwnedNpsClientName } from "../core/naming.js";
import { NpsAccessMode, planNpsPolicies, renderNpsPolicies } from "../core/nps-policies.js";
import { compareText } from "../core/ordering.js";
import { InvalidInput } from "../errors.js";
import {
  maxClients,
  maxParameterCharacters,
  type NpsParameterName,
  npsParameterNames,
  patterns,
} from "./document-parameters.cjs";

/** One RADIUS client radius-sync wants on every NPS server. */
export const NpsClient = z.object({ name: z.string(), ip: z.string() });
export type NpsClient = z.infer<typeof NpsClient>;

/** What the NPS command needs: identifiers only, never the secret itself. */
export const NpsCommandOptions = z.object({
  secretArn: z.string(),
  /** A secret version id, or the staging label AWSCURRENT / AWSPENDING. */
  secretVersion: z.string(),
  region: z.string(),
  clients: z.array(NpsClient),
  namePrefix: z.string(),
  accessMode: NpsAccessMode,
  protocol: z.enum(["PAP", "MS-CHAPv2"]),
  /** A SID or DOMAIN\\Name; empty in push mode. */
  adGroup: z.string(),
  requireMessageAuthenticator: z.boolean(),
  /** Optional hex nonce: asks the host for HMAC proofs of its configured secrets. */
  nonce: z.string().optional(),
  /** Which push this is (see `npsPushSequence`): the host refuses a command older than one it applied. */
  sequence: z.string(),
  /** IP_WHITELIST entries the configuration acknowledges as not Directory Service's (IPv4). */
  acknowledgedIpWhitelist: z.array(z.string()).default([]),
});
export type NpsCommandOptions = z.input<typeof NpsCommandOptions>;

/** SendCommand `Parameters` for the NPS document. */
export type NpsCommandParameters = Record<NpsParameterName, string[]>;

const compiled = Object.fromEntries(
  Object.entries(patterns).map(([key, source]) => [key, new RegExp(source)]),
) as Record<keyof typeof patterns, RegExp>;

/** Why a value was refused, per field; messages never echo the refused value. */
const rules = {
  secretArn: [compiled.secretArn, "must be a Secrets Manager secret ARN"],
  secretVersion: [compiled.secretVersion, "must be a version id (lowercase UUID) or AWSCURRENT/AWSPENDING"],
  region: [compiled.region, "must be an AWS Region such as eu-west-1"],
  namePrefix: [compiled.namePrefix, "must start with a letter; letters, digits and '-', at most 24"],
  adGroup: [compiled.adGroup, "must be a SID or DOMAIN\\Group without the characters AD forbids"],
  policies: [
    compiled.policies,
    "must be JSON of printable ASCII without ' or backtick, at most 4000 characters",
  ],
  nonce: [compiled.nonce, "must be 32-64 lowercase hex characters"],
  sequence: [
    compiled.sequence,
    "must be the execution's start (UTC, milliseconds) and a three-digit push ordinal",
  ],
  acknowledgedIpWhitelist: [compiled.acknowledgedIpWhitelist, "must be at most 50 IPv4 addresses"],
} as const;

function check(field: keyof typeof rules, value: string): string {
  const [pattern, why] = rules[field];
  if (!pattern.test(value))
    throw new InvalidInput(`NPS command parameter ${field} ${why} (got ${value.length} characters)`);
  return value;
}

function checkClients(clients: NpsClient[], namePrefix: string): NpsClient[] {
  if (clients.length === 0)
    throw new InvalidInput("NPS command parameter clients must list at least one client");
  const byName = new Map<string, string>();
  const byIp = new Map<string, string>();
  clients.forEach((client, index) => {
    if (!compiled.clientName.test(client.name)) {
      throw new InvalidInput(
        `NPS command parameter clients[${index}].name must start with a letter; letters, digits and '-', at most 80`,
      );
    }
    if (!isOwnedNpsClientName(namePrefix, client.name)) {
      throw new InvalidInput(
        `NPS command parameter clients[${index}].name ${client.name} is not a name radius-sync owns under "${namePrefix}" (<prefix>-d-<directory>-<ip>), so the NPS script would not recognise it`,
      );
    }
    if (!compiled.ipv4.test(client.ip)) {
      const reading = readIpv6(client.ip);
      if (!reading.ok || reading.canonical !== client.ip) {
        const why = reading.ok ? `it is not in RFC 5952 form (${reading.canonical})` : reading.reason;
        throw new InvalidInput(
          `NPS command parameter clients[${index}].ip must be an IPv4 address such as 10.0.1.5 (no leading zeros) or an IPv6 address in RFC 5952 form such as 2001:db8::a05, and ${JSON.stringify(client.ip)} is neither: ${why}`,
        );
      }
    }
    const ipOwner = byIp.get(client.ip);
    if (ipOwner !== undefined && ipOwner !== client.name) {
      throw new InvalidInput(
        `NPS command parameter clients lists ${client.ip} twice, as ${ipOwner} and ${client.name}`,
      );
    }
    const nameIp = byName.get(client.name);
    if (nameIp !== undefined && nameIp !== client.ip) {
      throw new InvalidInput(
        `NPS command parameter clients lists ${client.name} twice, for ${nameIp} and ${client.ip}`,
      );
    }
    byName.set(client.name, client.ip);
    byIp.set(client.ip, client.name);
  });
  if (byName.size > maxClients) {
    throw new InvalidInput(
      `NPS command parameter clients lists ${byName.size} clients; at most ${maxClients} fit`,
    );
  }
  // Ordinal order, so the same set always renders the same string (and the same fingerprint).
  return [...byName.entries()]
    .map(([name, ip]) => ({ name, ip }))
    .sort((left, right) => compareText(left.name, right.name));
}

/**
 * Renders the SendCommand `Parameters` for the NPS document from the desired state, after checking
 * every value against the document's own allowedPattern (document-parameters.cjs): each field
 * against its pattern, the rendered policies too, and Clients client by client (the name and address
 * patterns, names radius-sync owns, at most `maxClients`), which is all the Clients pattern asks of
 * the whole list; RequireMessageAuthenticator is "true" or "false" by construction, and AdGroup is
 * the checked group or "". SSM applies the patterns again before it runs anything.
 *
 * @throws InvalidInput naming the field and why (never echoing a refused value).
 * @example
 * ```ts
 * const parameters = renderNpsCommandParameters({
 *   secretArn, secretVersion: "AWSPENDING", region: "eu-west-1", namePrefix: "radius-sync",
 *   accessMode: "push", protocol: "PAP", adGroup: "", requireMessageAuthenticator: false,
 *   sequence: "2026-01-10T12:00:00.000Z/000",
 *   clients: [{ name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" }],
 * });
 * parameters.Clients; // ["radius-sync-d-0123456789-10-0-1-5=10.0.1.5"]
 * ```
 */
export function renderNpsCommandParameters(options: NpsCommandOptions): NpsCommandParameters {
  const parsed = NpsCommandOptions.safeParse(options);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "options");
    throw new InvalidInput(`NPS command options are malformed at ${[...new Set(fields)].join(", ")}`);
  }
  const input = parsed.data;
  const namePrefix = check("namePrefix", input.namePrefix);
  const clients = checkClients(input.clients, namePrefix);
  if (input.accessMode === "group" && input.adGroup === "") {
    throw new InvalidInput("NPS command parameter adGroup is required in group access mode");
  }
  if (input.accessMode === "push" && input.protocol !== "PAP") {
    throw new InvalidInput(
      "NPS command parameter protocol must be PAP in push access mode (MS-CHAPv2 cannot work)",
    );
  }
  const adGroup = check("adGroup", input.adGroup);
  const policies = planNpsPolicies({
    namePrefix,
    accessMode: input.accessMode,
    protocol: input.protocol,
    adGroup,
  });
  const values: Record<NpsParameterName, string> = {
    SecretArn: check("secretArn", input.secretArn),
    SecretVersion: check("secretVersion", input.secretVersion),
    Region: check("region", input.region),
    Clients: clients.map((client) => `${client.name}=${client.ip}`).join(","),
    NamePrefix: namePrefix,
    RequireMessageAuthenticator: String(input.requireMessageAuthenticator),
    Policies: check("policies", renderNpsPolicies(policies)),
    // Only a DOMAIN\\Name needs the host: a SID is already in the policies.
    AdGroup: input.accessMode === "group" && !compiled.sid.test(adGroup) ? adGroup : "",
    Nonce: check("nonce", input.nonce ?? ""),
    Sequence: check("sequence", input.sequence),
    AcknowledgedIpWhitelist: check("acknowledgedIpWhitelist", input.acknowledgedIpWhitelist.join(",")),
  };
  const characters = npsParameterNames.reduce((total, name) => total + values[name].length, 0);
  if (characters > maxParameterCharacters) {
    throw new InvalidInput(
      `NPS command parameters take ${characters} characters; SSM allows at most ${maxParameterCharacters} ` +
        "beside the document: manage fewer directories per deployment (directoryIds or directoryTag)",
    );
  }
  return Object.fromEntries(npsParameterNames.map((name) => [name, [values[name]]])) as NpsCommandParameters;
}
