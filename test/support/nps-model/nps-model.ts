import { content } from "../../../shared/nps/ssm-document.cjs";

/**
 * A model of one Windows NPS server, for the tests (nothing here runs Windows): RADIUS clients,
 * connection request and network policies in processing order with conditions and profile
 * attributes by their ids, the Azure MFA NPS extension's registration and settings, and the IAS
 * service. `applyNpsCommand` applies a command the way sync-nps.ps1 does, from the same rendered
 * inputs: the command's parameters and the ownership patterns read out of the SSM document's
 * rendered preamble. `evaluateAccessRequest` (nps-evaluate.ts) answers an Access-Request.
 */

/** One RADIUS client (the secret only as the version id it came from). */
export interface ModelClient {
  ip: string;
  secretVersionId: string;
  enabled: boolean;
  authAttributeRequired: boolean;
}

/** A policy: conditions and profile as [attribute id, value] pairs; its processing order is its list position. */
export interface ModelPolicy {
  name: string;
  enabled: boolean;
  conditions: Array<[string, string]>;
  profile: Array<[string, string]>;
}

/** The Azure MFA NPS extension as its registry shows it (HKLM\...\AuthSrv\Parameters, HKLM\SOFTWARE\Microsoft\AzureMfa). */
export interface ModelMfaExtension {
  registered: boolean;
  /** REQUIRE_USER_MATCH as written; undefined when the value does not exist (the documented default, TRUE). */
  requireUserMatch?: string;
  /** IP_WHITELIST's addresses. */
  ipWhitelist: string[];
}

/** Everything one simulated NPS server holds. */
export interface NpsModel {
  roleInstalled: boolean;
  clients: Map<string, ModelClient>;
  connectionRequestPolicies: ModelPolicy[];
  networkPolicies: ModelPolicy[];
  extension: ModelMfaExtension;
  /** How often IAS was restarted (the script restarts only when something changed). */
  restarts: number;
}

/** Every day, all day: the condition Windows' default policies carry (Day-And-Time-Restrictions, 0x1006). */
const always: [string, string] = ["0x1006", "0 00:00-24:00; 1 00:00-24:00; 2 00:00-24:00; 3 00:00-24:00"];

/**
 * A fresh NPS with the MFA extension installed and the policies Windows creates with the role: the
 * connection request policy "Use Windows authentication for all users" (last, Windows auth) and the
 * network policy "Connections to other access servers" (last, deny, user dial-in respected).
 *
 * @example
 * ```ts
 * const nps = createNpsModel();
 * nps.extension.registered = false;
 * ```
 */
export function createNpsModel(): NpsModel {
  return {
    roleInstalled: true,
    clients: new Map(),
    connectionRequestPolicies: [
      {
        name: "Use Windows authentication for all users",
        enabled: true,
        conditions: [always],
        profile: [["0x1025", "0x1"]],
      },
    ],
    networkPolicies: [
      {
        name: "Connections to other access servers",
        enabled: true,
        conditions: [always],
        profile: [["0x100f", "FALSE"]],
      },
    ],
    extension: { registered: true, ipWhitelist: [] },
    restarts: 0,
  };
}

/** The values the SSM document's preamble renders from shared/core/naming-patterns.cjs, read back from it. */
function renderedPreamble() {
  const lines = content.mainSteps[0]?.inputs.runCommand ?? [];
  const suffix = lines.map((line) => /^\$script:OwnedClientSuffix = '(.*)'$/.exec(line)?.[1]).find(Boolean);
  const policies = lines.find((line) => line.startsWith("$script:OwnedPolicySuffixes = "));
  if (suffix === undefined || policies === undefined)
    throw new Error("the SSM document renders no ownership preamble");
  const owned = [...policies.matchAll(/@\('(crp|np)', '([^']+)'\)/g)].map((match) => ({
    kind: match[1] as "crp" | "np",
    suffix: match[2] ?? "",
  }));
  return { ownedClientSuffix: suffix, ownedPolicies: owned };
}

/**
 * The pattern of the client names the script treats as radius-sync's under `namePrefix`, built from
 * the document's rendered preamble (case-insensitive, as the script's -match).
 *
 * @example
 * ```ts
 * ownedClientNames("radius-sync").test("radius-sync-d-0123456789-10-0-1-5"); // true
 * ```
 */
export function ownedClientNames(namePrefix: string): RegExp {
  return new RegExp(`^${namePrefix}${renderedPreamble().ownedClientSuffix}$`, "i");
}

/** A failure the script names on stderr. */
export interface NpsCommandFailure {
  ok: false;
  name: string;
  message: string;
}

/** What the script counts and reports on success (the client-set report and proof are the host double's). */
export interface NpsCommandOutcome {
  ok: true;
  created: number;
  updated: number;
  removed: number;
  kept: number;
  policiesChanged: string[];
  restarted: boolean;
  groupSid?: string;
}

type RenderedPolicy = {
  kind: "crp" | "np";
  name: string;
  order: number;
  conditions: Array<[string, string]>;
  profile: Array<[string, string]>;
};

const fail = (name: string, message: string): NpsCommandFailure => ({ ok: false, name, message });

/** Assert-NpsPrerequisite: the role, the extension registered, and not bypassed for our addresses. */
function prerequisiteFailure(model: NpsModel, addresses: string[]): NpsCommandFailure | undefined {
  if (!model.roleInstalled) return fail("NpsRoleMissing", "the Network Policy Server role is not installed");
  if (!model.extension.registered)
    return fail("NpsMfaExtensionMissing", "the Azure MFA NPS extension is not registered");
  if (model.extension.requireUserMatch?.trim().toUpperCase() === "FALSE")
    return fail("NpsMfaExtensionBypassed", "REQUIRE_USER_MATCH is FALSE");
  const exempt = model.extension.ipWhitelist.filter((ip) => addresses.includes(ip));
  if (exempt.length > 0) return fail("NpsMfaExtensionBypassed", `IP_WHITELIST exempts ${exempt.join(", ")}`);
  return undefined;
}

/** Sync-NpsPolicySet: remove ours that are not wanted, then delete + add each that differs, in order. */
function syncPolicies(
  model: NpsModel,
  wanted: RenderedPolicy[],
  prefix: string,
  owned: Array<{ kind: "crp" | "np"; suffix: string }>,
) {
  const listOf = (kind: "crp" | "np") =>
    kind === "crp" ? model.connectionRequestPolicies : model.networkPolicies;
  const changed: string[] = [];
  for (const { kind, suffix } of owned) {
    const name = `${prefix}${suffix}`;
    const list = listOf(kind);
    const index = list.findIndex((policy) => policy.name === name);
    if (index >= 0 && !wanted.some((policy) => policy.kind === kind && policy.name === name)) {
      list.splice(index, 1);
      changed.push(name);
    }
  }
  for (const policy of wanted) {
    const list = listOf(policy.kind);
    const index = list.findIndex((entry) => entry.name === policy.name);
    const current = list[index];
    if (current !== undefined && agrees(current, index + 1, policy)) continue;
    if (index >= 0) list.splice(index, 1);
    // netsh add ... processingorder=N: the policy takes position N, the ones below move down by one.
    list.splice(Math.min(policy.order - 1, list.length), 0, {
      name: policy.name,
      enabled: true,
      conditions: policy.conditions.map(([id, value]) => [id, value]),
      profile: policy.profile.map(([id, value]) => [id, value]),
    });
    changed.push(policy.name);
  }
  return changed;
}

const key = (pairs: Array<[string, string]>) =>
  pairs
    .map((pair) => pair.join("="))
    .sort()
    .join("\n");

/** Test-PolicyAgreement: enabled, at its order, the same conditions, and our profile attributes exactly. */
function agrees(current: ModelPolicy, order: number, wanted: RenderedPolicy): boolean {
  if (!current.enabled || order !== wanted.order || key(current.conditions) !== key(wanted.conditions))
    return false;
  const ids = new Set(wanted.profile.map(([id]) => id));
  return [...ids].every(
    (id) =>
      key(current.profile.filter(([held]) => held === id)) ===
      key(wanted.profile.filter(([want]) => want === id)),
  );
}

/**
 * Applies one NPS command's parameters to the model as sync-nps.ps1 would: prerequisites first (a
 * failure changes nothing), then clients (only names the rendered ownership pattern matches), then
 * policies, then one IAS restart when anything changed.
 *
 * @example
 * ```ts
 * const outcome = applyNpsCommand(nps, renderNpsCommandParameters(options), { secretVersionId: "v1" });
 * ```
 */
export function applyNpsCommand(
  model: NpsModel,
  parameters: Record<string, readonly string[]>,
  context: {
    secretVersionId: string;
    resolveGroupSid?: (adGroup: string) => string;
    keepSecretOf?: ReadonlySet<string>;
  },
): NpsCommandOutcome | NpsCommandFailure {
  const value = (name: string) => parameters[name]?.[0] ?? "";
  const { ownedPolicies } = renderedPreamble();
  const prefix = value("NamePrefix");
  const owned = ownedClientNames(prefix);
  const wanted = new Map(
    value("Clients")
      .split(",")
      .filter(Boolean)
      .map((pair) => pair.split("=") as [string, string]),
  );
  const failure = prerequisiteFailure(model, [...wanted.values()]);
  if (failure) return failure;
  const policies = JSON.parse(value("Policies")) as RenderedPolicy[];
  const groupSid =
    value("AdGroup") === ""
      ? undefined
      : (context.resolveGroupSid ?? (() => "S-1-5-21-1-2-3-1105"))(value("AdGroup"));
  for (const condition of policies.flatMap((policy) => policy.conditions)) {
    if (condition[1] === "AD-GROUP-SID" && groupSid !== undefined) condition[1] = groupSid;
  }
  for (const [name, client] of model.clients) {
    if (!owned.test(name) && [...wanted.values()].includes(client.ip))
      return fail(
        "NpsCommandFailed",
        `RADIUS client ${name} is not managed by radius-sync but uses address ${client.ip}`,
      );
  }
  const requireAuthenticator = value("RequireMessageAuthenticator") === "true";
  const counts = { created: 0, updated: 0, removed: 0, kept: 0 };
  for (const name of [...model.clients.keys()]) {
    if (owned.test(name) && !wanted.has(name)) {
      model.clients.delete(name);
      counts.removed += 1;
    }
  }
  for (const [name, ip] of wanted) {
    const current = model.clients.get(name);
    const desired = {
      ip,
      secretVersionId: context.secretVersionId,
      enabled: true,
      authAttributeRequired: requireAuthenticator,
    };
    if (current === undefined) counts.created += 1;
    else if (JSON.stringify(current) !== JSON.stringify(desired)) counts.updated += 1;
    else counts.kept += 1;
    // A stuck client keeps its old secret, as a Set-NpsRadiusClient that did not take would.
    const keep =
      current !== undefined && context.keepSecretOf?.has(name) ? current.secretVersionId : undefined;
    model.clients.set(name, { ...desired, secretVersionId: keep ?? desired.secretVersionId });
  }
  const policiesChanged = syncPolicies(model, policies, prefix, ownedPolicies);
  const restarted = counts.created + counts.updated + counts.removed + policiesChanged.length > 0;
  if (restarted) model.restarts += 1;
  return { ok: true, ...counts, policiesChanged, restarted, ...(groupSid ? { groupSid } : {}) };
}
