import * as z from "zod";
import { directoryOfClient } from "./naming.js";

/**
 * What one NPS server's read-only health check reports (shared/nps/health-nps.ps1 prints it as ONE
 * JSON line, format 1), and what radius-sync concludes from it: pure, no I/O, the clock as input.
 *
 * Where each value comes from on the host (the script cites the same pages):
 * - the extension's registration: `AuthorizationDLLs` / `ExtensionDLLs` under
 *   HKLM\SYSTEM\CurrentControlSet\Services\AuthSrv\Parameters
 *   (learn.microsoft.com/windows/win32/nps/ias-setting-up-the-extension-and-authorization-dlls);
 * - its settings under HKLM\SOFTWARE\Microsoft\AzureMfa: TENANT_ID, REQUIRE_USER_MATCH, IP_WHITELIST,
 *   OVERRIDE_NUMBER_MATCHING_WITH_OTP ("Advanced configuration options for the NPS extension for MFA",
 *   learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-advanced; "Use number
 *   matching", learn.microsoft.com/entra/identity/authentication/how-to-mfa-number-match);
 * - its client certificates in Cert:\LocalMachine\My whose subject is `CN=<tenant id>, OU=Microsoft NPS
 *   Extension`, valid two years ("Certificate rollover", learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension);
 * - MFA outcomes: Security log events 6272 (granted), 6273 (denied, with a reason code), 6274
 *   (discarded) (learn.microsoft.com/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-6272 …);
 *   the script counts them by client name and reason code only — it never reads a user field.
 */

/** Since this extension version users with a TOTP method get an Access-Challenge unless the override is FALSE. */
export const NUMBER_MATCHING_VERSION = "1.2.2216.1";
/** Days before a certificate's NotAfter at which each alarm fires (the template's alarms use the same). */
export const CERTIFICATE_WARNING_DAYS = { first: 30, last: 7 } as const;

const Text = z.string().max(512);

/** One client certificate of the extension, as the script reads it. */
export const HealthCertificate = z.strictObject({
  thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/),
  notBefore: z.iso.datetime({ offset: true }),
  notAfter: z.iso.datetime({ offset: true }),
  /** Whether the subject names the configured tenant (CN=<tenant id>). */
  forTenant: z.boolean(),
});

/** Security-log outcome counts of one of OUR clients (by its name) since the previous check. */
export const HealthOutcome = z.strictObject({
  client: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,79}$/),
  eventId: z.union([z.literal(6272), z.literal(6273), z.literal(6274)]),
  reasonCode: z.number().int().min(0).max(1_000_000),
  count: z.number().int().min(0),
});

/** The script's JSON line. Extra keys are refused: nothing else may ride along (no user data). */
export const HealthReport = z.strictObject({
  radiusSyncHealth: z.literal(1),
  roleInstalled: z.boolean(),
  iasRunning: z.boolean(),
  extension: z.strictObject({
    registered: z.boolean(),
    /** MfaNpsAuthzExt.dll is among the modules the running IAS process has loaded. */
    loaded: z.boolean(),
    version: Text.nullable(),
    tenantId: Text.nullable(),
    requireUserMatch: Text.nullable(),
    overrideNumberMatchingWithOtp: Text.nullable(),
    ipWhitelist: z.array(Text).max(100),
  }),
  certificates: z.array(HealthCertificate).max(50),
  marker: z.strictObject({ restartOwed: z.boolean(), doorClosed: z.boolean(), lastSequence: Text }),
  /**
   * Our clients, or null where PowerShell module logging records the NPS module: Get-NpsRadiusClient
   * returns each client's secret, so the script then lists none.
   */
  ourClients: z.strictObject({ total: z.number().int().min(0), enabled: z.number().int().min(0) }).nullable(),
  ourPolicies: z.array(Text).max(10),
  blastRadius: z.strictObject({ requireMsgAuth: Text.nullable(), limitProxyState: Text.nullable() }),
  outcomesSince: z.iso.datetime({ offset: true }),
  outcomes: z.array(HealthOutcome).max(2000),
});
export type HealthReport = z.infer<typeof HealthReport>;

/** A named problem one server has, with what to do. */
export interface HealthProblem {
  name:
    | "MfaBypassed"
    | "ExtensionNotRegistered"
    | "ExtensionNotLoaded"
    | "TenantNotConfigured"
    | "NoUsableCertificate"
    | "CertificateExpiresSoon"
    | "ExpiredCertificatePresent"
    | "NumberMatchingChallenge"
    | "RequireUserMatchFalse"
    | "IpWhitelistSet"
    | "IasNotRunning"
    | "RestartOwed"
    | "DoorClosed"
    | "OurClientsMissing"
    | "ClientsNotListed";
  message: string;
}

/** A certificate as judged on `now`. */
export interface JudgedCertificate {
  thumbprint: string;
  notAfter: string;
  daysLeft: number;
  expired: boolean;
  forTenant: boolean;
}

/** Counts of one directory's outcomes (the names of our clients map to their directory). */
export interface DirectoryOutcomes {
  directoryId: string;
  accepts: number;
  rejects: number;
  rejectsByReason: Record<string, number>;
  discards: number;
}

/** What radius-sync concludes about one server. */
export interface ServerHealth {
  instanceId: string;
  checkedAt: string;
  extensionVersion: string | null;
  extensionHealthy: boolean;
  /**
   * A request through our policies for a user who does not exist would be accepted: our clients are
   * enabled and nothing makes the extension decide (not registered, not loaded, REQUIRE_USER_MATCH FALSE).
   */
  mfaBypassed: boolean;
  /** Days left on the newest usable certificate for the tenant; null when there is none. */
  daysToCertificateExpiry: number | null;
  certificates: JudgedCertificate[];
  problems: HealthProblem[];
  outcomes: DirectoryOutcomes[];
}

/** Compares dotted versions part by part as numbers; a text that is no version compares as 0. */
export function compareVersions(left: string, right: string): number {
  const parts = (version: string) => version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const [a, b] = [parts(left), parts(right)];
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

const dayMs = 86_400_000;

function judgeCertificates(report: HealthReport, now: Date): JudgedCertificate[] {
  return report.certificates
    .map((certificate) => {
      const millisecondsLeft = Date.parse(certificate.notAfter) - now.getTime();
      return {
        thumbprint: certificate.thumbprint.toUpperCase(),
        notAfter: new Date(certificate.notAfter).toISOString(),
        daysLeft: Math.floor(millisecondsLeft / dayMs),
        expired: millisecondsLeft <= 0,
        // Without a configured tenant no certificate can serve it.
        forTenant: certificate.forTenant && Boolean(report.extension.tenantId),
      };
    })
    .sort((left, right) => left.notAfter.localeCompare(right.notAfter));
}

function countOutcomes(
  report: HealthReport,
  namePrefix: string,
  targets: readonly { code: string; key: string }[],
): DirectoryOutcomes[] {
  const byDirectory = new Map<string, DirectoryOutcomes>();
  for (const outcome of report.outcomes) {
    // A member target's directory is counted as <account>:<region>:<id>, so two targets never mix.
    const directoryId = directoryOfClient(namePrefix, outcome.client, targets);
    if (directoryId === undefined) continue;
    const counts = byDirectory.get(directoryId) ?? {
      directoryId,
      accepts: 0,
      rejects: 0,
      rejectsByReason: {},
      discards: 0,
    };
    if (outcome.eventId === 6272) counts.accepts += outcome.count;
    if (outcome.eventId === 6274) counts.discards += outcome.count;
    if (outcome.eventId === 6273) {
      counts.rejects += outcome.count;
      const reason = String(outcome.reasonCode);
      counts.rejectsByReason[reason] = (counts.rejectsByReason[reason] ?? 0) + outcome.count;
    }
    byDirectory.set(directoryId, counts);
  }
  return [...byDirectory.values()].sort((left, right) => left.directoryId.localeCompare(right.directoryId));
}

function extensionProblems(report: HealthReport): HealthProblem[] {
  const { extension } = report;
  const problems: HealthProblem[] = [];
  if (!extension.registered)
    problems.push({
      name: "ExtensionNotRegistered",
      message:
        "the Azure MFA NPS extension is not registered with NPS (AuthorizationDLLs/ExtensionDLLs): re-run its installer or configuration script.",
    });
  else if (report.iasRunning && !extension.loaded)
    problems.push({
      name: "ExtensionNotLoaded",
      message:
        "the Azure MFA NPS extension is registered but the running NPS has not loaded it (registered after IAS started, or it failed to start): restart NPS in a maintenance window and read the AuthNOptCh/AuthZOptCh logs.",
    });
  if (extension.requireUserMatch?.trim().toUpperCase() === "FALSE")
    problems.push({
      name: "RequireUserMatchFalse",
      message: "REQUIRE_USER_MATCH is FALSE: users without MFA registration are let in without MFA.",
    });
  if (extension.ipWhitelist.length > 0)
    problems.push({
      name: "IpWhitelistSet",
      message: `IP_WHITELIST exempts NAS-IP-Address ${extension.ipWhitelist.join(", ")} from MFA.`,
    });
  if (extension.registered && !extension.tenantId)
    problems.push({
      name: "TenantNotConfigured",
      message:
        "no TENANT_ID under HKLM\\SOFTWARE\\Microsoft\\AzureMfa: run the extension's configuration script.",
    });
  const version = extension.version;
  const override = extension.overrideNumberMatchingWithOtp?.trim().toUpperCase();
  if (
    extension.registered &&
    version !== null &&
    compareVersions(version, NUMBER_MATCHING_VERSION) >= 0 &&
    override !== "FALSE"
  )
    problems.push({
      name: "NumberMatchingChallenge",
      message: `users with TOTP get a challenge Directory Service cannot answer: extension ${version} (≥ ${NUMBER_MATCHING_VERSION}) without OVERRIDE_NUMBER_MATCHING_WITH_OTP = FALSE.`,
    });
  return problems;
}

function certificateProblems(certificates: JudgedCertificate[], registered: boolean): HealthProblem[] {
  const problems: HealthProblem[] = [];
  const usable = certificates.filter((certificate) => certificate.forTenant && !certificate.expired);
  const newest = usable.at(-1);
  if (registered && newest === undefined)
    problems.push({
      name: "NoUsableCertificate",
      message:
        "the extension has no unexpired client certificate for the tenant: MFA fails for everyone; renew it with Microsoft's AzureMfaNpsExtnConfigSetup.ps1.",
    });
  if (newest !== undefined && newest.daysLeft < CERTIFICATE_WARNING_DAYS.first)
    problems.push({
      name: "CertificateExpiresSoon",
      message: `the extension's certificate ${newest.thumbprint} expires in ${newest.daysLeft} day(s) (${newest.notAfter}): renew it with AzureMfaNpsExtnConfigSetup.ps1.`,
    });
  const expired = certificates.filter((certificate) => certificate.expired);
  if (expired.length > 0)
    problems.push({
      name: "ExpiredCertificatePresent",
      message: `expired extension certificate(s) still in the store: ${expired.map((certificate) => certificate.thumbprint).join(", ")} (they can keep the extension from starting: remove them).`,
    });
  return problems;
}

function serviceProblems(report: HealthReport): HealthProblem[] {
  const problems: HealthProblem[] = [];
  if (!report.iasRunning)
    problems.push({ name: "IasNotRunning", message: "the NPS service (IAS) is not running." });
  if (report.marker.restartOwed)
    problems.push({
      name: "RestartOwed",
      message:
        "NPS has not loaded what radius-sync last pushed (a restart is owed): the next push restarts it.",
    });
  if (report.marker.doorClosed)
    problems.push({
      name: "DoorClosed",
      message: "radius-sync's clients are disabled here because MFA could not be enforced (fail closed).",
    });
  if (report.ourClients === null)
    problems.push({
      name: "ClientsNotListed",
      message:
        "PowerShell module logging records the NPS module on this server, so the check did not list RADIUS clients (their secrets would be logged): exclude NPS from module logging.",
    });
  else if (report.ourClients.total === 0 || report.ourPolicies.length === 0)
    problems.push({
      name: "OurClientsMissing",
      message: `radius-sync's clients or policies are missing (${report.ourClients.total} client(s), ${report.ourPolicies.length} policy(ies)): the next reconcile restores them.`,
    });
  return problems;
}

/**
 * Judges one server's report on `now`: certificates with days left, named problems, whether MFA is
 * bypassed, and the outcome counts per directory (counts only).
 *
 * @example
 * ```ts
 * const health = judgeServerHealth({ instanceId, report, now: new Date(run.startedAt), namePrefix: "radius-sync" });
 * health.problems.map((problem) => problem.name); // ["CertificateExpiresSoon"]
 * ```
 */
export function judgeServerHealth(options: {
  instanceId: string;
  report: HealthReport;
  now: Date;
  namePrefix: string;
  /** A hub's member targets with their name codes (shared/core/targets.ts); none by default. */
  targets?: readonly { code: string; key: string }[];
}): ServerHealth {
  const { report, now } = options;
  const certificates = judgeCertificates(report, now);
  const { extension } = report;
  const decides =
    extension.registered &&
    (extension.loaded || !report.iasRunning) &&
    extension.requireUserMatch?.trim().toUpperCase() !== "FALSE";
  // Clients not listed count as enabled unless radius-sync closed its door: never assume the safe side.
  const enabledClients = report.ourClients?.enabled ?? (report.marker.doorClosed ? 0 : 1);
  const mfaBypassed = report.iasRunning && enabledClients > 0 && !decides;
  const problems = [
    ...(mfaBypassed
      ? [
          {
            name: "MfaBypassed" as const,
            message:
              "MFA bypassed: our clients are enabled and a request through our policies for a user who does not exist would be accepted without the extension deciding; the next reconcile closes radius-sync's door.",
          },
        ]
      : []),
    ...extensionProblems(report),
    ...certificateProblems(certificates, extension.registered),
    ...serviceProblems(report),
  ];
  const usable = certificates.filter((certificate) => certificate.forTenant && !certificate.expired);
  return {
    instanceId: options.instanceId,
    checkedAt: now.toISOString(),
    extensionVersion: extension.version,
    extensionHealthy:
      extension.registered &&
      (extension.loaded || !report.iasRunning) &&
      Boolean(extension.tenantId) &&
      usable.length > 0,
    mfaBypassed,
    daysToCertificateExpiry: usable.at(-1)?.daysLeft ?? null,
    certificates,
    problems,
    outcomes: countOutcomes(report, options.namePrefix, options.targets ?? []),
  };
}
