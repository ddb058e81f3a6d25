import { directoryOfClient } from "../../../shared/core/naming.js";
import { content } from "../../../shared/nps/health-document.cjs";
import type { NpsModel } from "../nps-model/nps-model.js";
import { ownedClientNames, renderedPreamble } from "../nps-model/nps-model.js";
import { type HostInvocation, type HostOutcome, registerRunCommandHost } from "../rig/run-command/index.js";
import type { Removable } from "./registry.js";

/**
 * Test double for what an NPS host running `health-nps.ps1` reads and prints: moto runs no script.
 *
 * It is the Run Command model's host for the health document only (registered by its name, so the
 * sync document keeps the NPS host double): when SSM starts the health command on an instance it
 * READS that instance's NPS model — the extension's registration, whether IAS loaded it, version,
 * TENANT_ID, REQUIRE_USER_MATCH, OVERRIDE_NUMBER_MATCHING_WITH_OTP, IP_WHITELIST; the certificates in
 * the machine store with their dates; IAS running; radius-sync's marker; our configured clients and
 * policies; the BlastRADIUS settings; the Security log's 6272/6273/6274 events between Since and
 * Until, counted by our client's name and reason code (the events carry user names, as NPS's do; the
 * count never does) — and prints the script's JSON line (format 1). Nothing here writes to the model.
 * On a server without the NPS role it fails as the script does (NpsRoleMissing, exit 1).
 *
 * @example
 * ```ts
 * const world = await prepareWorld();
 * installNpsHealthHostDouble({ documentName: "radius-sync-nps-health", modelOf: world.npsHosts.modelOf });
 * ```
 */
export interface NpsHealthHostDouble extends Removable {
  /** Every health invocation the double answered, oldest first. */
  readonly checks: readonly HostInvocation[];
}

const asInstant = (text: string) => new Date(text).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The report health-nps.ps1 would print on this model. Reads only. */
export function healthReportOf(model: NpsModel, parameters: Readonly<Record<string, readonly string[]>>) {
  const value = (name: string) => parameters[name]?.[0] ?? "";
  const namePrefix = value("NamePrefix");
  const since = Date.parse(value("Since"));
  const until = Date.parse(value("Until"));
  const owned = ownedClientNames(namePrefix);
  const { extension } = model;
  const ours = [...model.clients].filter(([name]) => owned.test(name));
  const policyNames = renderedPreamble().ownedPolicies.map(({ suffix }) => `${namePrefix}${suffix}`);
  const configuredPolicies = [...model.connectionRequestPolicies, ...model.networkPolicies].map(
    (policy) => policy.name,
  );
  const marker = model.markers.get(namePrefix);
  const counts = new Map<string, number>();
  for (const event of model.securityLog ?? []) {
    const at = Date.parse(event.at);
    // Get-WinEvent's StartTime/EndTime bound the events; only our clients' are counted.
    if (at < since || at > until || !owned.test(event.clientName)) continue;
    const reason = event.eventId === 6273 ? event.reasonCode : 0;
    const key = `${event.clientName}|${event.eventId}|${reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const running = model.iasStopped !== true;
  // The script lists no client where module logging records the NPS module (their secrets would be logged).
  const moduleLogged = (model.groupPolicy.moduleLogging ?? []).some((pattern) =>
    new RegExp(`^${pattern.replaceAll(".", "\\.").replaceAll("*", ".*")}$`, "i").test("NPS"),
  );
  return {
    radiusSyncHealth: 1,
    roleInstalled: true,
    iasRunning: running,
    extension: {
      registered: extension.registered,
      loaded: running && extension.registered && extension.registeredSinceRestart !== true,
      version: extension.version ?? null,
      tenantId: extension.tenantId ?? null,
      requireUserMatch: extension.requireUserMatch ?? null,
      overrideNumberMatchingWithOtp: extension.overrideNumberMatchingWithOtp ?? null,
      ipWhitelist: [...extension.ipWhitelist],
    },
    certificates: (model.certificates ?? [])
      .filter((certificate) => certificate.subject.includes("OU=Microsoft NPS Extension"))
      .map((certificate) => ({
        thumbprint: certificate.thumbprint,
        notBefore: asInstant(certificate.notBefore),
        notAfter: asInstant(certificate.notAfter),
        forTenant:
          extension.tenantId !== undefined && certificate.subject.startsWith(`CN=${extension.tenantId},`),
      })),
    marker: {
      restartOwed: (marker?.restartOwed ?? "") !== "",
      doorClosed: (marker?.doorClosed ?? "") !== "",
      lastSequence: marker?.lastSequence ?? "",
    },
    ourClients: moduleLogged
      ? null
      : { total: ours.length, enabled: ours.filter(([, client]) => client.enabled).length },
    ourPolicies: policyNames.filter((name) => configuredPolicies.includes(name)),
    blastRadius: {
      requireMsgAuth: model.blastRadius?.requireMsgAuth ?? null,
      limitProxyState: model.blastRadius?.limitProxyState ?? null,
    },
    outcomesSince: value("Since"),
    outcomes: [...counts]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([key, count]) => {
        const [client = "", eventId = "0", reasonCode = "0"] = key.split("|");
        return { client, eventId: Number(eventId), reasonCode: Number(reasonCode), count };
      })
      .filter((outcome) => directoryOfClient(namePrefix, outcome.client) !== undefined),
  };
}

/** Installs the {@link NpsHealthHostDouble} for the health document, answering from `modelOf`. */
export function installNpsHealthHostDouble(options: {
  documentName: string;
  modelOf: (instanceId: string) => NpsModel;
}): NpsHealthHostDouble {
  const checks: HostInvocation[] = [];
  const registration = registerRunCommandHost(
    { documentName: options.documentName },
    {
      onStart: (invocation): HostOutcome => {
        checks.push(invocation);
        const model = options.modelOf(invocation.instanceId);
        if (!model.roleInstalled)
          return {
            status: "Failed",
            exitCode: 1,
            stderr:
              "radius-sync NPS health failed [NpsRoleMissing]: the Network Policy Server role (service IAS) is not installed on this server.\n",
          };
        return {
          status: "Success",
          stdout: `${JSON.stringify(healthReportOf(model, invocation.parameters))}\n`,
        };
      },
    },
  );
  return { checks, remove: () => registration.remove() };
}

/** The health document as the seed creates it (the same content serverless.yml deploys). */
export const healthDocumentContent = () => JSON.stringify(content);
