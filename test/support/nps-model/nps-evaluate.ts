import type { ModelPolicy, NpsConfiguration, NpsModel } from "./nps-model.js";

/**
 * How the modelled NPS answers one Access-Request, following Microsoft's documented processing:
 *
 * 1. A request from an address that is no RADIUS client, or from a disabled client, is discarded;
 *    so is one without Message-Authenticator from a client that requires it
 *    ("Managing RADIUS Clients", cc754717; Set-NpsRadiusClient -AuthAttributeRequired).
 * 2. Connection request policies are evaluated in processing order; the first enabled one whose
 *    conditions all match decides how the request is handled; none matching rejects it
 *    ("Connection request policies", learn.microsoft.com/windows-server/networking/technologies/nps/nps-crp-crpolicies).
 * 3. Auth-Provider-Type None ("Accept users without validating credentials"): NPS evaluates no
 *    network policy; this "cannot be used when the authentication protocol of the access client is
 *    MS-CHAP v2" (same page), so such a request is rejected here. Windows: the password is checked
 *    against AD, then network policies are evaluated in order; the first enabled one whose
 *    conditions all match decides; its constraints (NP-Authentication-Type) must allow the request's
 *    protocol; its permission grants or denies, and the user's dial-in setting overrides it unless
 *    the policy ignores dial-in properties; none matching rejects
 *    ("Network policies", nps-np-overview; "Managing Network Policies", cc732724).
 * 4. The Azure MFA NPS extension, when registered, runs after NPS accepted and decides by the
 *    user's second factor: REQUIRE_USER_MATCH, and IP_WHITELIST compared with the request's
 *    NAS-IP-Address attribute, not its source address ("Advanced configuration options for the NPS
 *    extension for MFA", learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-advanced);
 *    without it NPS's own Access-Accept stands.
 *
 * Which configuration answers: IAS runs what it loaded at its last start (`running`); when a netsh
 * policy change reaches the running service is not documented, so a test that must hold "at every
 * moment" asks every {@link views view}.
 */

/** One Access-Request as the model needs it. */
export interface AccessRequest {
  /** The RADIUS client's source address. */
  clientIp: string;
  /** SIDs of the user's groups. */
  userGroups: string[];
  authType: "PAP" | "MS-CHAPv2";
  /** Whether the password (or, in push mode, anything typed) is the user's AD password. */
  passwordValid: boolean;
  /** Whether the user approves the Azure MFA prompt. */
  mfaApproved: boolean;
  /** Whether the user is registered for MFA in Entra ID. */
  mfaRegistered?: boolean;
  messageAuthenticator?: boolean;
  /** The user's dial-in Network Access Permission in AD. */
  userDialIn?: "allow" | "deny" | "policy";
  /** The NAS-IP-Address attribute the RADIUS client put in the request, if any. */
  nasIpAddress?: string;
}

/**
 * Which configuration answers a request: what IAS loaded at its last start, that with the policies as
 * configured now (netsh's changes taking effect at once), or everything as configured (what the next
 * restart loads).
 */
export type NpsView = "running" | "running-clients-configured-policies" | "configured";

/** Every view, for tests that must hold whichever one NPS answers from. */
export const views: readonly NpsView[] = ["running", "running-clients-configured-policies", "configured"];

function configurationFor(model: NpsModel, view: NpsView): NpsConfiguration {
  if (view === "configured") return model;
  if (view === "running") return model.running;
  return {
    clients: model.running.clients,
    connectionRequestPolicies: model.connectionRequestPolicies,
    networkPolicies: model.networkPolicies,
  };
}

/** The answer, and which policies decided it. */
export interface AccessDecision {
  answer: "Access-Accept" | "Access-Reject" | "discarded";
  connectionRequestPolicy?: string;
  networkPolicy?: string;
  reason: string;
}

const protocolIds = { PAP: "1", "MS-CHAPv2": "4" } as const;
/**
 * Whether a client's configured address is the request's source. NPS takes a client's address as
 * "a fully qualified domain name (FQDN) or IP address" (New-NpsRadiusClient -Address,
 * learn.microsoft.com/powershell/module/nps/new-npsradiusclient) and matches the datagram's source
 * address, not its text: an IPv6 address matches in any textual form. The WHATWG URL parser writes an
 * IPv6 host in one form (lowercase, compressed), independent of the product's own canonicaliser.
 */
export function sameAddress(configured: string, source: string): boolean {
  if (!configured.includes(":") || !source.includes(":")) return configured === source;
  const host = (address: string) => {
    try {
      return new URL(`http://[${address}]/`).hostname;
    } catch {
      return undefined;
    }
  };
  const left = host(configured);
  return left !== undefined && left === host(source);
}

const numeric = (value: string) => String(Number.parseInt(value, value.startsWith("0x") ? 16 : 10));

/** Whether one condition holds, by its attribute id (cc770736); an id the model does not know is an error. */
function holds([id, data]: [string, string], request: AccessRequest, clientName: string): boolean {
  switch (id) {
    case "0x1020": // Client-Friendly-Name, an NPS regular expression (nps-crp-reg-expressions)
      return new RegExp(data, "i").test(clientName);
    case "0x100c": // Client-IP-Address
      return new RegExp(data, "i").test(request.clientIp);
    case "0x1fb5": // Windows-User-Groups
    case "0x1023": // Windows-Groups
      return request.userGroups.includes(data);
    case "0x1006": // Day-And-Time-Restrictions: the model's clock is always inside the window
      return true;
    default:
      throw new Error(`the NPS model does not know condition attribute ${id}`);
  }
}

function firstMatching(policies: ModelPolicy[], request: AccessRequest, clientName: string) {
  return policies.find(
    (policy) =>
      policy.enabled && policy.conditions.every((condition) => holds(condition, request, clientName)),
  );
}

const values = (policy: ModelPolicy, id: string) =>
  policy.profile.filter(([held]) => held === id).map(([, value]) => value);

/** The extension's verdict once NPS itself would accept. */
function afterExtension(
  model: NpsModel,
  request: AccessRequest,
  decided: Omit<AccessDecision, "answer" | "reason">,
): AccessDecision {
  const { extension } = model;
  if (!extension.registered)
    return { ...decided, answer: "Access-Accept", reason: "no MFA extension: NPS's accept stands" };
  // NPS loads extension DLLs at start-up: one registered since IAS last started does not run yet.
  if (extension.registeredSinceRestart === true)
    return {
      ...decided,
      answer: "Access-Accept",
      reason: "MFA extension not loaded by IAS: NPS's accept stands",
    };
  if (request.nasIpAddress !== undefined && extension.ipWhitelist.includes(request.nasIpAddress))
    return { ...decided, answer: "Access-Accept", reason: "IP_WHITELIST skips MFA for this NAS-IP-Address" };
  if (request.mfaRegistered === false) {
    const lets = extension.requireUserMatch?.trim().toUpperCase() === "FALSE";
    return {
      ...decided,
      answer: lets ? "Access-Accept" : "Access-Reject",
      reason: "user not registered for MFA",
    };
  }
  return {
    ...decided,
    answer: request.mfaApproved ? "Access-Accept" : "Access-Reject",
    reason: request.mfaApproved ? "MFA approved" : "MFA denied",
  };
}

/**
 * Evaluates an Access-Request against the model.
 *
 * @example
 * ```ts
 * evaluateAccessRequest(nps, { clientIp: "10.0.1.5", userGroups: [], authType: "PAP", passwordValid: false, mfaApproved: true }, "running");
 * // { answer: "Access-Accept", connectionRequestPolicy: "radius-sync-crp", reason: "MFA approved" }
 * ```
 */
export function evaluateAccessRequest(
  model: NpsModel,
  request: AccessRequest,
  view: NpsView = "running",
): AccessDecision {
  const configuration = configurationFor(model, view);
  const client = [...configuration.clients.entries()].find(([, entry]) =>
    sameAddress(entry.ip, request.clientIp),
  );
  if (client === undefined || !client[1].enabled)
    return { answer: "discarded", reason: "not an enabled RADIUS client of this server" };
  const [clientName, entry] = client;
  if (entry.authAttributeRequired && !request.messageAuthenticator)
    return { answer: "discarded", reason: "Message-Authenticator required and absent" };
  const crp = firstMatching(configuration.connectionRequestPolicies, request, clientName);
  if (crp === undefined) return { answer: "Access-Reject", reason: "no connection request policy matched" };
  const decided = { connectionRequestPolicy: crp.name };
  if (values(crp, "0x1025").map(numeric).includes("0")) {
    if (request.authType === "MS-CHAPv2")
      return {
        ...decided,
        answer: "Access-Reject",
        reason: "MS-CHAPv2 cannot be accepted without validating credentials",
      };
    return afterExtension(model, request, decided);
  }
  if (!request.passwordValid)
    return { ...decided, answer: "Access-Reject", reason: "AD rejected the password" };
  const np = firstMatching(configuration.networkPolicies, request, clientName);
  if (np === undefined) return { ...decided, answer: "Access-Reject", reason: "no network policy matched" };
  const withPolicy = { ...decided, networkPolicy: np.name };
  const allowed = values(np, "0x1009").map(numeric);
  if (allowed.length > 0 && !allowed.includes(protocolIds[request.authType]))
    return { ...withPolicy, answer: "Access-Reject", reason: "protocol not allowed by the network policy" };
  const ignoresDialIn = values(np, "0x1005").some((value) => value.toUpperCase() === "TRUE");
  const policyGrants = values(np, "0x100f").some((value) => value.toUpperCase() === "TRUE");
  const dialIn = request.userDialIn ?? "policy";
  const grants = ignoresDialIn || dialIn === "policy" ? policyGrants : dialIn === "allow";
  if (!grants) return { ...withPolicy, answer: "Access-Reject", reason: "the network policy denies access" };
  return afterExtension(model, request, withPolicy);
}
