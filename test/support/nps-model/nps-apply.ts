import { sameAddress } from "./nps-evaluate.js";
import {
  type ModelClient,
  type ModelMarker,
  markerOf,
  type NpsModel,
  ownedClientNames,
  renderedPreamble,
  restartIas,
} from "./nps-model.js";
import { comparableValue, type ReadPolicy, readNetshPolicy, renderNetshShow } from "./nps-netsh.js";

/**
 * sync-nps.ps1 on the NPS model, step by step, from the same rendered inputs (the command's
 * parameters and the preamble the SSM document renders). Each change the script makes on the host —
 * a marker value, a netsh add/delete/rename, a client created/updated/removed/disabled, the IAS
 * restart — is one step: a test may watch the model after every step, make a step fail, or kill the
 * command before a step (a killed process makes no further change and prints nothing).
 */

/** One change the script makes on the host. */
export interface HostStep {
  index: number;
  kind:
    | "marker"
    | "policy-add"
    | "policy-delete"
    | "policy-rename"
    | "client-new"
    | "client-set"
    | "client-remove"
    | "client-disable"
    | "restart";
  label: string;
}

/** How a test steers one command. */
export interface ApplyControl {
  /** Before each step: "kill" ends the process there, "fail" makes that step throw. */
  before?: (step: HostStep) => "kill" | "fail" | undefined;
  /** After each step, with the model as it now is. */
  after?: (step: HostStep) => void;
}

/** A failure the script names on stderr. */
export interface NpsCommandFailure {
  ok: false;
  name: string;
  message: string;
}

/** A command killed before one of its steps: no output at all. */
export interface NpsCommandKilled {
  ok: false;
  killed: true;
  name: "Killed";
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
  owedRestart: boolean;
  doorReopened: boolean;
  restartPending: boolean;
  ports: number[];
  recorders: string[];
  groupSid?: string;
}

type RenderedPolicy = {
  kind: "crp" | "np";
  name: string;
  order: number;
  conditions: Array<[string, string]>;
  profile: Array<[string, string]>;
};

/** The context a command runs in on the modelled host. */
export interface ApplyContext {
  /** The secret version the host read (Get-SECSecretValue); the model records versions, not secrets. */
  secretVersionId: string;
  resolveGroupSid?: (adGroup: string) => string;
  /** Clients whose secret a Set-NpsRadiusClient does not change (a broken NPS). */
  keepSecretOf?: ReadonlySet<string>;
  control?: ApplyControl;
}

class Stop extends Error {
  constructor(
    readonly outcome: NpsCommandFailure | NpsCommandKilled,
    message: string,
  ) {
    super(message);
  }
}

const failure = (name: string, message: string) => new Stop({ ok: false, name, message }, message);

/** The modules whose cmdlets are given or return the shared secret (sync-nps.ps1 $script:SecretModules). */
const secretModules = ["NPS", "AWS.Tools.SecretsManager", "AWS.Tools.Common", "AWSPowerShell"];

/** PowerShell's -like for the wildcards Group Policy module names use (`*`, `?`), case-insensitive. */
const like = (text: string, pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  ).test(text);

/** Runs one command's steps against the model; see {@link applyNpsCommand}. */
class HostRun {
  private index = 0;
  readonly prefix: string;
  readonly marker: ModelMarker;
  readonly owned: RegExp;
  constructor(
    readonly model: NpsModel,
    readonly parameters: Record<string, readonly string[]>,
    readonly context: ApplyContext,
  ) {
    this.prefix = this.value("NamePrefix");
    this.marker = markerOf(model, this.prefix);
    this.owned = ownedClientNames(this.prefix);
  }

  value(name: string): string {
    return this.parameters[name]?.[0] ?? "";
  }

  /** One change on the host, under the test's control. */
  step(kind: HostStep["kind"], label: string, change: () => void): void {
    const step = { index: this.index, kind, label };
    this.index += 1;
    const decision = this.context.control?.before?.(step);
    if (decision === "kill") {
      throw new Stop({ ok: false, killed: true, name: "Killed", message: `killed before ${label}` }, label);
    }
    if (decision === "fail") throw failure("NpsCommandFailed", `${label} failed`);
    change();
    this.context.control?.after?.(step);
  }

  setMarker(name: keyof ModelMarker, value: string): void {
    if (this.marker[name] === value) return;
    this.step("marker", `marker ${name}=${value === "" ? "(cleared)" : value}`, () => {
      this.marker[name] = value;
    });
  }

  registerPendingRestart(): void {
    if (this.marker.restartOwed === "") this.setMarker("restartOwed", "owed");
  }

  restart(): void {
    this.step("restart", "restart IAS", () => restartIas(this.model));
  }

  read(kind: "crp" | "np", name: string): ReadPolicy | undefined {
    return readNetshPolicy(renderNetshShow(this.model, kind, name), name);
  }

  listOf(kind: "crp" | "np") {
    return kind === "crp" ? this.model.connectionRequestPolicies : this.model.networkPolicies;
  }
}

/** Get-NpsPrerequisiteFinding: each finding, and whether it proves MFA cannot be enforced here. */
function prerequisiteFindings(run: HostRun) {
  const { model } = run;
  if (!model.roleInstalled)
    return [
      { name: "NpsRoleMissing", closes: false, message: "the Network Policy Server role is not installed" },
    ];
  if (!model.extension.registered)
    return [
      {
        name: "NpsMfaExtensionMissing",
        closes: true,
        message: "the Azure MFA NPS extension is not registered",
      },
    ];
  const findings: Array<{ name: string; closes: boolean; message: string }> = [];
  if (model.extension.requireUserMatch?.trim().toUpperCase() === "FALSE")
    findings.push({ name: "NpsMfaExtensionBypassed", closes: true, message: "REQUIRE_USER_MATCH is FALSE" });
  const acknowledged = run.value("AcknowledgedIpWhitelist").split(",").filter(Boolean);
  const unknown = model.extension.ipWhitelist.filter((ip) => ip !== "" && !acknowledged.includes(ip));
  if (unknown.length > 0)
    findings.push({
      name: "NpsMfaExtensionBypassed",
      closes: false,
      message: `IP_WHITELIST exempts requests whose NAS-IP-Address is ${unknown.join(", ")} from MFA`,
    });
  return findings;
}

/** Close-NpsDoor: disable our enabled clients, remember why, restart so IAS holds it. */
function closeDoor(run: HostRun, reason: string): number {
  const open = [...run.model.clients].filter(([name, client]) => run.owned.test(name) && client.enabled);
  for (const [name, client] of open) {
    run.registerPendingRestart();
    run.step("client-disable", `disable ${name}`, () => {
      client.enabled = false;
    });
  }
  run.setMarker("doorClosed", reason);
  if (run.marker.restartOwed !== "") {
    run.restart();
    run.setMarker("restartOwed", "");
  }
  return open.length;
}

/** Test-PolicyAgreement. */
function agrees(actual: ReadPolicy, wanted: RenderedPolicy, enabledText: string): boolean {
  const conditions = wanted.conditions.map(([id, value]) => `${id}=${comparableValue(value)}`).sort();
  if (
    enabledText === "" ||
    actual.state !== enabledText ||
    actual.order !== String(wanted.order) ||
    actual.conditions.join("\n") !== conditions.join("\n")
  )
    return false;
  return [...new Set(wanted.profile.map(([id]) => id))].every((id) => {
    const want = wanted.profile
      .filter(([held]) => held === id)
      .map(([, value]) => `${id}=${comparableValue(value)}`)
      .sort();
    const held = actual.profile.filter((entry) => entry.startsWith(`${id}=`));
    return held.join("\n") === want.join("\n");
  });
}

/** Add-NpsPolicy (netsh add … processingorder=N: the ones below move down by one), then learn the state's word. */
function addPolicy(run: HostRun, policy: RenderedPolicy, name: string): void {
  run.registerPendingRestart();
  run.step("policy-add", `netsh nps add ${policy.kind} name=${name}`, () => {
    const list = run.listOf(policy.kind);
    list.splice(Math.min(policy.order - 1, list.length), 0, {
      name,
      enabled: true,
      conditions: policy.conditions.map(([id, value]) => [id, value]),
      profile: policy.profile.map(([id, value]) => [id, value]),
    });
  });
  const added = run.read(policy.kind, name);
  if (added !== undefined && added.state !== "" && run.marker.enabledStateText !== added.state)
    run.setMarker("enabledStateText", added.state);
}

function removePolicy(run: HostRun, kind: "crp" | "np", name: string): void {
  run.registerPendingRestart();
  run.step("policy-delete", `netsh nps delete ${kind} name=${name}`, () => {
    const list = run.listOf(kind);
    list.splice(
      list.findIndex((entry) => entry.name === name),
      1,
    );
  });
}

/** Sync-NpsPolicy: replaced without a gap (staged name, remove the old, rename). */
function syncPolicy(run: HostRun, policy: RenderedPolicy): boolean {
  const staged = `${policy.name}${renderedPreamble().stagedPolicySuffix}`;
  let next = run.read(policy.kind, staged);
  if (next !== undefined && !agrees(next, policy, run.marker.enabledStateText)) {
    removePolicy(run, policy.kind, staged);
    next = undefined;
  }
  const current = run.read(policy.kind, policy.name);
  if (next === undefined && current !== undefined && agrees(current, policy, run.marker.enabledStateText))
    return false;
  if (next === undefined && current === undefined) {
    addPolicy(run, policy, policy.name);
    return true;
  }
  if (next === undefined) addPolicy(run, policy, staged);
  if (current !== undefined) removePolicy(run, policy.kind, policy.name);
  run.registerPendingRestart();
  run.step("policy-rename", `netsh nps rename ${policy.kind} name=${staged} newname=${policy.name}`, () => {
    const entry = run.listOf(policy.kind).find((candidate) => candidate.name === staged);
    if (entry) entry.name = policy.name;
  });
  return true;
}

/** Sync-NpsPolicySet: network policies, then the connection request policy, then ours this mode no longer wants. */
function syncPolicies(run: HostRun, policies: RenderedPolicy[]): string[] {
  const changed: string[] = [];
  for (const kind of ["np", "crp"] as const) {
    for (const policy of policies.filter((entry) => entry.kind === kind))
      if (syncPolicy(run, policy)) changed.push(policy.name);
  }
  const { ownedPolicies, stagedPolicySuffix } = renderedPreamble();
  for (const { kind, suffix } of ownedPolicies) {
    const name = `${run.prefix}${suffix}`;
    if (policies.some((policy) => policy.kind === kind && policy.name === name)) continue;
    for (const candidate of [`${name}${stagedPolicySuffix}`, name]) {
      if (run.read(kind, candidate) === undefined) continue;
      removePolicy(run, kind, candidate);
      if (!changed.includes(name)) changed.push(name);
    }
  }
  return changed;
}

/** Sync-RadiusClientSet (foreign clients holding our addresses were refused before). */
function syncClients(run: HostRun, wanted: Map<string, string>) {
  const counts = { created: 0, updated: 0, removed: 0, kept: 0 };
  const requireAuthenticator = run.value("RequireMessageAuthenticator") === "true";
  for (const name of [...run.model.clients.keys()]) {
    if (!run.owned.test(name) || wanted.has(name)) continue;
    run.registerPendingRestart();
    run.step("client-remove", `Remove-NpsRadiusClient ${name}`, () => run.model.clients.delete(name));
    counts.removed += 1;
  }
  for (const [name, ip] of wanted) {
    const current = run.model.clients.get(name);
    const desired: ModelClient = {
      ip,
      secretVersionId: run.context.secretVersionId,
      enabled: true,
      authAttributeRequired: requireAuthenticator,
    };
    if (current !== undefined && JSON.stringify(current) === JSON.stringify(desired)) {
      counts.kept += 1;
      continue;
    }
    run.registerPendingRestart();
    // A stuck client keeps its old secret, as a Set-NpsRadiusClient that did not take would.
    const keep =
      current !== undefined && run.context.keepSecretOf?.has(name) ? current.secretVersionId : undefined;
    run.step(
      current === undefined ? "client-new" : "client-set",
      `${current ? "Set" : "New"}-NpsRadiusClient ${name}`,
      () => run.model.clients.set(name, { ...desired, secretVersionId: keep ?? desired.secretVersionId }),
    );
    if (current === undefined) counts.created += 1;
    else counts.updated += 1;
  }
  return counts;
}

function runCommand(run: HostRun): NpsCommandOutcome {
  const { model } = run;
  const wanted = new Map(
    run
      .value("Clients")
      .split(",")
      .filter(Boolean)
      .map((pair) => pair.split("=") as [string, string]),
  );
  const policies = JSON.parse(run.value("Policies")) as RenderedPolicy[];
  const findings = prerequisiteFindings(run);
  const closing = findings.find((finding) => finding.closes);
  if (closing) {
    const closed = closeDoor(run, `${closing.name}: ${closing.message}`);
    throw failure(
      closing.name,
      `${closing.message}. radius-sync closed its door: ${closed} of its RADIUS clients were disabled now`,
    );
  }
  const [first] = findings;
  if (first) throw failure(first.name, `${first.message}. Nothing was changed.`);
  const sequence = run.value("Sequence");
  if (run.marker.lastSequence !== "" && sequence < run.marker.lastSequence)
    throw failure("NpsCommandSuperseded", `push ${sequence} is older than push ${run.marker.lastSequence}`);
  run.setMarker("lastSequence", sequence);
  const modules = secretModules.filter((module) =>
    (model.groupPolicy.moduleLogging ?? []).some((pattern) => like(module, pattern)),
  );
  if (modules.length > 0)
    throw failure("NpsSecretLoggingEnabled", `module logging for ${modules.join(", ")}`);
  for (const [name, client] of model.clients) {
    if (!run.owned.test(name) && [...wanted.values()].some((ip) => sameAddress(ip, client.ip)))
      throw failure(
        "NpsCommandFailed",
        `RADIUS client ${name} is not managed by radius-sync but uses address ${client.ip}`,
      );
  }
  const groupSid =
    run.value("AdGroup") === ""
      ? undefined
      : (run.context.resolveGroupSid ?? (() => "S-1-5-21-1-2-3-1105"))(run.value("AdGroup"));
  for (const condition of policies.flatMap((policy) => policy.conditions)) {
    if (condition[1] === "AD-GROUP-SID" && groupSid !== undefined) condition[1] = groupSid;
  }
  const owed = run.marker.restartOwed !== "";
  const doorWasClosed = run.marker.doorClosed !== "";
  const policiesChanged = syncPolicies(run, policies);
  const counts = syncClients(run, wanted);
  if (doorWasClosed) run.registerPendingRestart();
  const restarted = run.marker.restartOwed !== "";
  if (restarted) {
    run.restart();
    run.setMarker("restartOwed", "");
  }
  run.setMarker("doorClosed", "");
  const unverified = policies.filter((policy) => {
    const actual = run.read(policy.kind, policy.name);
    return actual === undefined || !agrees(actual, policy, run.marker.enabledStateText);
  });
  if (unverified.length > 0)
    throw failure(
      "NpsSecretMismatch",
      `after applying, NPS still disagrees: policies [${unverified.map((policy) => policy.name).join(", ")}]`,
    );
  const recorders = [
    ...(model.groupPolicy.scriptBlockLogging ? ["scriptBlockLogging"] : []),
    ...(model.groupPolicy.transcription ? ["transcription"] : []),
  ];
  return {
    ok: true,
    ...counts,
    policiesChanged,
    restarted,
    owedRestart: owed,
    doorReopened: doorWasClosed,
    restartPending: run.marker.restartOwed !== "",
    ports: [...model.authenticationPorts].sort((left, right) => left - right),
    recorders,
    ...(groupSid ? { groupSid } : {}),
  };
}

/**
 * Applies one NPS command's parameters to the model as sync-nps.ps1 would, step by step: the
 * prerequisites (a definite failure closes our door — our clients disabled and IAS restarted — before
 * the named failure; a possible one changes nothing), the command's sequence, the Group Policy that
 * would log the secret, then policies (network, connection request, unwanted ones; each replaced
 * without a gap), clients, and one IAS restart when anything changed or an earlier command owed it.
 * The client read-back is the host double's (it reports per the summary's format); a policy that
 * does not read back as wanted fails the command, as the script does.
 *
 * @example
 * ```ts
 * const outcome = applyNpsCommand(nps, renderNpsCommandParameters(options), { secretVersionId: "v1" });
 * ```
 */
export function applyNpsCommand(
  model: NpsModel,
  parameters: Record<string, readonly string[]>,
  context: ApplyContext,
): NpsCommandOutcome | NpsCommandFailure | NpsCommandKilled {
  try {
    return runCommand(new HostRun(model, parameters, context));
  } catch (error) {
    if (error instanceof Stop) return error.outcome;
    throw error;
  }
}
