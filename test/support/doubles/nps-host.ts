import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type ApplyControl, applyNpsCommand } from "../nps-model/nps-apply.js";
import {
  type AccessDecision,
  type AccessRequest,
  evaluateAccessRequest,
  type NpsView,
} from "../nps-model/nps-evaluate.js";
import {
  createNpsModel,
  editLive,
  markerOf,
  modelsFromJson,
  modelsToJson,
  type NpsModel,
  ownedClientNames,
} from "../nps-model/nps-model.js";
import { type HostInvocation, type HostOutcome, registerRunCommandHost } from "../rig/run-command/index.js";
import { clientSetReport, readSecretAsHost } from "./nps-host-report.js";
import type { Removable } from "./registry.js";

/** One RADIUS client as the simulated NPS server holds it (the secret only as a version id). */
export interface SimulatedClient {
  ip: string;
  secretVersionId: string;
}

/** One RADIUS client as IAS runs it: what a replay asks of a server (does it answer this IP with this secret?). */
export interface RunningClient {
  name: string;
  ip: string;
  secretVersionId: string;
  enabled: boolean;
}

/** One command as it ran on one simulated server, on the rig clock: what a replay reads. */
export interface HostRun {
  instanceId: string;
  commandId: string;
  startedAt: number;
  endedAt?: number;
  /** How SSM ended it (Success, Failed, TimedOut, Cancelled). */
  status?: string;
  /** Whether the script restarted IAS in it: IAS is restarting from its start to its end. */
  restarted: boolean;
  /** Killed before it ended (cancelled, or past its execution timeout): its restart never happened. */
  killed: boolean;
  /** The secret version the command applied, which IAS runs once a restart completed. */
  secretVersionId: string;
  /** The clients IAS ran when the command started. */
  runningBefore: RunningClient[];
  /** The clients IAS runs once the command ended (a killed restart leaves what ran before). */
  runningAfter?: RunningClient[];
}

/** The clients IAS runs on a server now. */
function runningClients(server: NpsModel): RunningClient[] {
  return [...server.running.clients].map(([name, client]) => ({
    name,
    ip: client.ip,
    secretVersionId: client.secretVersionId,
    enabled: client.enabled,
  }));
}

/**
 * Test double for what an NPS host running `sync-nps.ps1` does and reports: moto runs no script.
 *
 * It is the Run Command model's host (test/support/rig/run-command/) for every document: when SSM
 * starts a command on an instance — one at a time under `MaxConcurrency: "1"`, late if its agent is
 * late — the instance's NPS model (test/support/nps-model/) applies the command's rendered
 * parameters as the script applies them, step by step (prerequisites and the fail-closed door, the
 * host's marker, policies, clients, the IAS restart), and answers what the script prints: its
 * summary line (format 3), or its named failure on stderr with exit code 1, which SSM shows when the
 * invocation ends. IAS restarts while the invocation runs: if SSM kills the process (a cancel, the
 * execution timeout) the restart never happened, so the model keeps IAS running what it ran before
 * and the restart owed on the host. The host reads the secret with the rig's credentials, never
 * through the proxy, as the real host reads it with its own role.
 *
 * @example
 * ```ts
 * const nps = installNpsHostDouble();
 * nps.clientsOf(instanceId); // Map { "radius-sync-d-…-10-0-1-5" => { ip: "10.0.1.5", secretVersionId: "…" } }
 * ```
 */
export interface NpsHostDouble extends Removable {
  /** The clients the simulated NPS server holds now, by name (ours and any added with `addForeignClient`). */
  clientsOf(instanceId: string): Map<string, SimulatedClient>;
  /** A client somebody else configured on the server, which radius-sync must keep. */
  addForeignClient(instanceId: string, name: string, client: SimulatedClient): void;
  /** From now on this client keeps the secret it holds when a command sets another (a broken NPS). */
  keepSecretOf(instanceId: string, name: string): void;
  /** The NPS model of one server: its clients, policies and MFA extension, to arrange or to inspect. */
  modelOf(instanceId: string): NpsModel;
  /** How the server answers an Access-Request now (what IAS runs, unless another view is asked for). */
  evaluate(instanceId: string, request: AccessRequest, view?: NpsView): AccessDecision;
  /**
   * Steers this server's next commands (kill or fail a step, watch each step); undefined to stop. A
   * command killed at a step hangs there until SSM kills it (a cancel, the execution timeout).
   */
  control(instanceId: string, control: ApplyControl | undefined): void;
  /** What the script printed for this server's last command: its summary (parsed) or its stderr. */
  lastOutputOf(instanceId: string): { summary?: Record<string, unknown>; stderr?: string } | undefined;
  /** Every command every server ran, in the order they started. */
  runs(): readonly HostRun[];
  /** The clients IAS runs on the server now (the configured ones may be newer until a restart). */
  runningOf(instanceId: string): RunningClient[];
}

/** What the script printed for one invocation: its summary line, or its named failure. */
type ScriptOutcome = { ok: true; stdout: string } | { ok: false; stderr: string };

/** What a restart and the steps after it change, to undo when the process is killed during it. */
type BeforeRestart = Pick<NpsModel, "running" | "restarts"> & { restartOwed: string; doorClosed: string };

/** Installs the {@link NpsHostDouble} as the Run Command model's host. */
export function installNpsHostDouble(options: { persistTo?: string } = {}): NpsHostDouble {
  const { persistTo } = options;
  // npm start keeps its simulated servers in a file, so a second run meets what the first one left.
  const servers =
    persistTo !== undefined && existsSync(persistTo)
      ? modelsFromJson(readFileSync(persistTo, "utf8"))
      : new Map<string, NpsModel>();
  const save = () => {
    if (persistTo !== undefined) writeFileSync(persistTo, modelsToJson(servers));
  };
  const stuck = new Map<string, Set<string>>();
  const controls = new Map<string, ApplyControl>();
  const latest = new Map<string, ScriptOutcome>();
  const runs: HostRun[] = [];
  const beforeRestarts = new Map<string, BeforeRestart>();
  const key = (invocation: HostInvocation) => `${invocation.commandId}/${invocation.instanceId}`;
  const runOf = (invocation: HostInvocation) =>
    runs.find((run) => run.commandId === invocation.commandId && run.instanceId === invocation.instanceId);
  const serverOf = (instanceId: string) => {
    const server = servers.get(instanceId) ?? createNpsModel();
    servers.set(instanceId, server);
    return server;
  };

  const printed = (instanceId: string, outcome: ScriptOutcome): HostOutcome => {
    latest.set(instanceId, outcome);
    save();
    return outcome.ok
      ? { status: "Success", stdout: outcome.stdout }
      : { status: "Failed", exitCode: 1, stderr: outcome.stderr };
  };
  const failure = (name: string, message: string): ScriptOutcome => ({
    ok: false,
    stderr: `radius-sync NPS sync failed [${name}]: ${message}\n`,
  });

  const start = async (invocation: HostInvocation): Promise<HostOutcome> => {
    const { instanceId, parameters } = invocation;
    const value = (name: string) => parameters[name]?.[0] ?? "";
    const server = serverOf(instanceId);
    const secretArn = value("SecretArn");
    const secret = await readSecretAsHost(secretArn, value("SecretVersion"));
    const run: HostRun = {
      instanceId,
      commandId: invocation.commandId,
      startedAt: invocation.startedAt,
      restarted: false,
      killed: false,
      secretVersionId: secret.versionId,
      runningBefore: runningClients(server),
    };
    runs.push(run);
    const marker = markerOf(server, value("NamePrefix"));
    const steering = controls.get(instanceId);
    const control: ApplyControl = {
      before: (step) => {
        const decision = steering?.before?.(step);
        if (step.kind === "restart" && decision === undefined) {
          run.restarted = true;
          beforeRestarts.set(key(invocation), {
            running: structuredClone(server.running),
            restarts: server.restarts,
            restartOwed: marker.restartOwed,
            doorClosed: marker.doorClosed,
          });
        }
        return decision;
      },
      ...(steering?.after ? { after: steering.after } : {}),
    };
    const outcome = applyNpsCommand(server, parameters, {
      secretVersionId: secret.versionId,
      keepSecretOf: stuck.get(instanceId) ?? new Set(),
      control,
    });
    if (!outcome.ok && "killed" in outcome) {
      save();
      return { status: "Running" };
    }
    if (!outcome.ok) return printed(instanceId, failure(outcome.name, outcome.message));
    const { ok: _ok, ...counts } = outcome;
    const applied = {
      ip: "",
      secretVersionId: secret.versionId,
      enabled: true,
      authAttributeRequired: value("RequireMessageAuthenticator") === "true",
    };
    const wanted = new Map(
      value("Clients")
        .split(",")
        .filter(Boolean)
        .map((entry) => entry.split("=") as [string, string]),
    );
    const owned = ownedClientNames(value("NamePrefix"));
    const held = await clientSetReport(server, { owned, wanted, applied, secretArn, nonce: value("Nonce") });
    // The script reads back what NPS holds and fails before SSM moves on when it is not what it applied.
    if (held.disagreeingCount > 0) {
      const names = held.disagreeing.join(", ");
      return printed(
        instanceId,
        failure(
          "NpsSecretMismatch",
          `after applying, NPS still disagrees: ${held.disagreeingCount} client(s) (${names}) and policies [].`,
        ),
      );
    }
    const line = { radiusSyncSummary: 3, ...counts, ...held };
    return printed(instanceId, { ok: true, stdout: `${JSON.stringify(line)}\n` });
  };

  const registration = registerRunCommandHost(
    {},
    {
      onStart: start,
      onKilled: (invocation) => {
        // Killed while IAS restarted (or earlier): the restart and what follows it never happened.
        const run = runOf(invocation);
        if (run) run.killed = true;
        const before = beforeRestarts.get(key(invocation));
        if (before === undefined) return;
        const server = serverOf(invocation.instanceId);
        server.running = before.running;
        server.restarts = before.restarts;
        const marker = markerOf(server, invocation.parameters.NamePrefix?.[0] ?? "");
        marker.restartOwed = before.restartOwed === "" ? "owed" : before.restartOwed;
        marker.doorClosed = before.doorClosed;
        save();
      },
      onFinished: (invocation, ending) => {
        const run = runOf(invocation);
        if (run) {
          Object.assign(run, { endedAt: ending.endedAt, status: ending.status });
          run.runningAfter = runningClients(serverOf(invocation.instanceId));
        }
        beforeRestarts.delete(key(invocation));
      },
    },
  );

  return {
    clientsOf: (instanceId) =>
      new Map(
        [...serverOf(instanceId).clients].map(([name, client]) => [
          name,
          { ip: client.ip, secretVersionId: client.secretVersionId },
        ]),
      ),
    addForeignClient: (instanceId, name, client) =>
      editLive(serverOf(instanceId), (configuration) =>
        configuration.clients.set(name, { ...client, enabled: true, authAttributeRequired: false }),
      ),
    control: (instanceId, control) => {
      if (control) controls.set(instanceId, control);
      else controls.delete(instanceId);
    },
    keepSecretOf: (instanceId, name) => {
      const names = stuck.get(instanceId) ?? new Set<string>();
      names.add(name);
      stuck.set(instanceId, names);
    },
    modelOf: (instanceId) => serverOf(instanceId),
    evaluate: (instanceId, request, view) => evaluateAccessRequest(serverOf(instanceId), request, view),
    lastOutputOf: (instanceId) => {
      const outcome = latest.get(instanceId);
      if (outcome === undefined) return undefined;
      return outcome.ok
        ? { summary: JSON.parse(outcome.stdout) as Record<string, unknown> }
        : { stderr: outcome.stderr };
    },
    runs: () => [...runs],
    runningOf: (instanceId) => runningClients(serverOf(instanceId)),
    remove: () => registration.remove(),
  };
}
