import { content } from "../../../shared/nps/ssm-document.cjs";

/**
 * A model of one Windows NPS server, for the tests (nothing here runs Windows), as strict as NPS is
 * documented to be:
 *
 * - RADIUS clients, connection request and network policies in processing order, with conditions and
 *   profile attributes by their ids — as CONFIGURED, and as IAS RUNS them: NPS reads its clients at
 *   start-up ("The NPS Server service must be restarted after you run the New-NpsRadiusClient cmdlet",
 *   learn.microsoft.com/powershell/module/nps/new-npsradiusclient), so `running` is what IAS loaded at
 *   its last start until the next restart. When netsh's policy changes take effect is not documented:
 *   the tests judge every moment under both readings (nps-evaluate.ts, `views`).
 * - the Azure MFA NPS extension's registration and settings (REQUIRE_USER_MATCH, IP_WHITELIST);
 * - what radius-sync keeps on the host (HKLM:\SOFTWARE\radius-sync\<prefix>: RestartOwed,
 *   DoorClosed, LastSequence, EnabledStateText), the Group Policy settings that record PowerShell
 *   activity, the system's language (netsh prints its labels in it: nps-netsh.ts) and the UDP ports
 *   IAS listens on.
 *
 * `applyNpsCommand` (nps-apply.ts) applies a command the way sync-nps.ps1 does, step by step, from
 * the same rendered inputs; `evaluateAccessRequest` (nps-evaluate.ts) answers an Access-Request.
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
  /** IP_WHITELIST's addresses: compared with a request's NAS-IP-Address. */
  ipWhitelist: string[];
  /**
   * Registered after IAS last started, so the running IAS has not loaded it (NPS loads extension DLLs
   * at start-up, learn.microsoft.com/windows/win32/nps/ias-setting-up-the-extension-and-authorization-dlls).
   */
  registeredSinceRestart?: boolean;
  /** The installed version, as Programs and Features lists it (DisplayVersion); undefined: not installed. */
  version?: string;
  /** TENANT_ID under HKLM\SOFTWARE\Microsoft\AzureMfa. */
  tenantId?: string;
  /**
   * OVERRIDE_NUMBER_MATCHING_WITH_OTP as written; undefined when absent. Since 1.2.2216.1 a TOTP user
   * gets an Access-Challenge unless it is FALSE (learn.microsoft.com/entra/identity/authentication/how-to-mfa-number-match).
   */
  overrideNumberMatchingWithOtp?: string;
}

/**
 * A certificate in Cert:\LocalMachine\My. The extension's are issued to "CN=<tenant id>, OU=Microsoft NPS
 * Extension" for two years (learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension).
 */
export interface ModelCertificate {
  thumbprint: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

/**
 * One NPS audit event in the Security log: 6272 granted, 6273 denied (with a reason code), 6274
 * discarded (learn.microsoft.com/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-6272).
 * Like the real event it names the user: a health check must count it, never copy that.
 */
export interface ModelSecurityEvent {
  eventId: 6272 | 6273 | 6274;
  at: string;
  clientName: string;
  userName: string;
  reasonCode: number;
}

/** What IAS holds: clients and both policy lists. */
export interface NpsConfiguration {
  clients: Map<string, ModelClient>;
  connectionRequestPolicies: ModelPolicy[];
  networkPolicies: ModelPolicy[];
}

/** What sync-nps.ps1 keeps under HKLM:\SOFTWARE\radius-sync\<prefix>. */
export interface ModelMarker {
  restartOwed: string;
  doorClosed: string;
  lastSequence: string;
  enabledStateText: string;
}

/** Group Policy settings that record PowerShell activity (HKLM:\SOFTWARE\Policies\Microsoft\Windows\PowerShell). */
export interface ModelGroupPolicy {
  /** ModuleLogging's ModuleNames when EnableModuleLogging is 1 (patterns such as `*` or `AWS.*`). */
  moduleLogging?: string[];
  scriptBlockLogging?: boolean;
  transcription?: boolean;
}

/** Everything one simulated NPS server holds; the top-level clients and policies are the configured ones. */
export interface NpsModel extends NpsConfiguration {
  roleInstalled: boolean;
  /** What IAS loaded when it last started. */
  running: NpsConfiguration;
  extension: ModelMfaExtension;
  markers: Map<string, ModelMarker>;
  groupPolicy: ModelGroupPolicy;
  /** The language netsh prints its labels in. */
  locale: "en" | "de";
  /** The UDP ports IAS listens on for authentication (NPS's defaults: 1812 and 1645). */
  authenticationPorts: number[];
  /** How often IAS was restarted. */
  restarts: number;
  /** Whether the IAS service runs (undefined: it does). */
  iasStopped?: boolean;
  /** Certificates in the machine's personal store. */
  certificates?: ModelCertificate[];
  /** The Security log's NPS audit events. */
  securityLog?: ModelSecurityEvent[];
  /** BlastRADIUS settings under HKLM\SYSTEM\CurrentControlSet\Services\IAS\Parameters (KB5040268), where set. */
  blastRadius?: { requireMsgAuth?: string; limitProxyState?: string };
}

/** The tenant every simulated extension is configured for unless a test says otherwise. */
export const modelTenantId = "0b3c5f2e-8d1a-4f6b-9c7e-2a4d6f8b0c1e";

/** Every day, all day: the condition Windows' default policies carry (Day-And-Time-Restrictions, 0x1006). */
const always: [string, string] = ["0x1006", "0 00:00-24:00; 1 00:00-24:00; 2 00:00-24:00; 3 00:00-24:00"];

/** A deep copy of a configuration (the running snapshot is never shared with the configured one). */
export function copyConfiguration(configuration: NpsConfiguration): NpsConfiguration {
  return structuredClone({
    clients: configuration.clients,
    connectionRequestPolicies: configuration.connectionRequestPolicies,
    networkPolicies: configuration.networkPolicies,
  });
}

/**
 * IAS restarts: it loads what is configured now.
 *
 * @example
 * ```ts
 * restartIas(nps); // nps.running now equals the configured clients and policies
 * ```
 */
export function restartIas(model: NpsModel): void {
  model.running = copyConfiguration(model);
  model.restarts += 1;
  // The restarted IAS loads the extension registered since its last start.
  if (model.extension.registeredSinceRestart === true) model.extension.registeredSinceRestart = false;
}

/**
 * A fresh NPS with the MFA extension installed and the policies Windows creates with the role: the
 * connection request policy "Use Windows authentication for all users" (last, Windows auth) and the
 * network policy "Connections to other access servers" (last, deny, user dial-in respected); IAS runs
 * what is configured.
 *
 * @example
 * ```ts
 * const nps = createNpsModel({ locale: "de" });
 * nps.extension.registered = false;
 * ```
 */
export function createNpsModel(options: { locale?: "en" | "de" } = {}): NpsModel {
  const configuration: NpsConfiguration = {
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
  };
  return {
    roleInstalled: true,
    ...configuration,
    running: copyConfiguration(configuration),
    extension: {
      registered: true,
      ipWhitelist: [],
      version: "1.2.2216.1",
      tenantId: modelTenantId,
      overrideNumberMatchingWithOtp: "FALSE",
    },
    certificates: [
      {
        thumbprint: "A1B2C3D4E5F60718293A4B5C6D7E8F9001122334",
        subject: `CN=${modelTenantId}, OU=Microsoft NPS Extension`,
        notBefore: "2026-01-10T00:00:00Z",
        notAfter: "2028-01-10T00:00:00Z",
      },
    ],
    securityLog: [],
    markers: new Map(),
    groupPolicy: {},
    locale: options.locale ?? "en",
    authenticationPorts: [1645, 1812],
    restarts: 0,
  };
}

/**
 * A change somebody makes in the NPS console, which IAS picks up at once: applied to the configured
 * and the running state alike.
 *
 * @example
 * ```ts
 * editLive(nps, (configuration) => configuration.clients.set("vpn", { … }));
 * ```
 */
export function editLive(model: NpsModel, edit: (configuration: NpsConfiguration) => void): void {
  edit(model);
  edit(model.running);
}

/** The marker of one name prefix, created empty on first use. */
export function markerOf(model: NpsModel, namePrefix: string): ModelMarker {
  const marker = model.markers.get(namePrefix) ?? {
    restartOwed: "",
    doorClosed: "",
    lastSequence: "",
    enabledStateText: "",
  };
  model.markers.set(namePrefix, marker);
  return marker;
}

/** The values the SSM document's preamble renders from their single sources, read back from it. */
export function renderedPreamble() {
  const lines = content.mainSteps[0]?.inputs.runCommand ?? [];
  const single = (name: string) =>
    lines.map((line) => new RegExp(`^\\$script:${name} = '(.*)'$`).exec(line)?.[1]).find(Boolean);
  const suffix = single("OwnedClientSuffix");
  const staged = single("StagedPolicySuffix");
  const policies = lines.find((line) => line.startsWith("$script:OwnedPolicySuffixes = "));
  const layout = lines.find((line) => line.startsWith("$script:NetshLayout = "));
  if (suffix === undefined || staged === undefined || policies === undefined || layout === undefined)
    throw new Error("the SSM document renders no ownership or netsh-layout preamble");
  const owned = [...policies.matchAll(/@\('(crp|np)', '([^']+)'\)/g)].map((match) => ({
    kind: match[1] as "crp" | "np",
    suffix: match[2] ?? "",
  }));
  const netsh = Object.fromEntries(
    [...layout.matchAll(/([A-Za-z]+) = '([^']*)'/g)].map((match) => [match[1], match[2]]),
  ) as Record<"sectionRule" | "headerLine" | "attributeLine" | "valueToken", string>;
  return { ownedClientSuffix: suffix, ownedPolicies: owned, stagedPolicySuffix: staged, netsh };
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

/** Maps as arrays of entries, for a model saved as JSON. */
const mapsAsEntries = (_key: string, value: unknown) =>
  value instanceof Map ? { entries: [...value.entries()] } : value;
const entriesAsMaps = (key: string, value: unknown) =>
  (key === "clients" || key === "markers") &&
  value !== null &&
  typeof value === "object" &&
  "entries" in value
    ? new Map((value as { entries: Array<[string, unknown]> }).entries)
    : value;

/**
 * The models of several servers as JSON, and back: `npm start` keeps its simulated NPS servers
 * between runs, as the demo emulator keeps the AWS side.
 *
 * @example
 * ```ts
 * const restored = modelsFromJson(modelsToJson(servers));
 * ```
 */
export function modelsToJson(models: ReadonlyMap<string, NpsModel>): string {
  return JSON.stringify([...models.entries()], mapsAsEntries);
}

/** See {@link modelsToJson}. */
export function modelsFromJson(text: string): Map<string, NpsModel> {
  return new Map(JSON.parse(text, entriesAsMaps) as Array<[string, NpsModel]>);
}
