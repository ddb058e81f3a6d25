import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { computeSecretProof } from "../../../shared/nps/index.js";
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
  type ModelClient,
  modelsFromJson,
  modelsToJson,
  type NpsModel,
  ownedClientNames,
} from "../nps-model/nps-model.js";
import { rigClient } from "../rig/rig-clients.js";
import { combineRemovables, installInterceptor, type Removable } from "./registry.js";

/** One RADIUS client as the simulated NPS server holds it (the secret only as a version id). */
export interface SimulatedClient {
  ip: string;
  secretVersionId: string;
}

/**
 * Test double for what an NPS host running `sync-nps.ps1` does and reports through SSM
 * `GetCommandInvocation`: moto runs no script and answers `Success` with empty output.
 *
 * Each instance is an NPS model (test/support/nps-model/): on each `SendCommand` (which still goes
 * to moto) the command's rendered parameters are applied to it as the script applies them
 * (prerequisites, clients by the document's ownership pattern, policies by attribute id, restart),
 * and the outcome is remembered: the JSON summary line the script prints (format 3: counts, restarts, the
 * clients that disagree, one proof when the command carried a `Nonce`), or the named failure it
 * prints on stderr with exit code 1. `GetCommandInvocation` answers from moto with that summary as
 * `StandardOutputContent` (which the proxy's SSM rules cut to AWS's 24,000 characters), or with
 * Status Failed and the failure as `StandardErrorContent`; `ListCommandInvocations` lists a failed
 * script's invocation as Failed. The host reads the secret as the rig
 * (straight from moto, with the rig's credentials), never through the proxy, as the real host reads
 * it with its own role.
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
  /** Steers this server's next commands (kill or fail a step, watch each step); undefined to stop. */
  control(instanceId: string, control: ApplyControl | undefined): void;
  /** What the script printed for this server's last command: its summary (parsed) or its stderr. */
  lastOutputOf(instanceId: string): { summary?: Record<string, unknown>; stderr?: string } | undefined;
}

/** What the script printed for one invocation: its summary line, or its named failure. */
type ScriptOutcome = { ok: true; stdout: string } | { ok: false; stderr: string };

/** Installs the {@link NpsHostDouble} on the AWS proxy. */
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
  const outcomes = new Map<string, ScriptOutcome>();
  const stuck = new Map<string, Set<string>>();
  const controls = new Map<string, ApplyControl>();
  const latest = new Map<string, ScriptOutcome>();
  const serverOf = (instanceId: string) => {
    const server = servers.get(instanceId) ?? createNpsModel();
    servers.set(instanceId, server);
    return server;
  };

  const readSecret = async (secretArn: string, version: string) => {
    const secrets = rigClient(SecretsManagerClient);
    const byStage = version === "AWSCURRENT" || version === "AWSPENDING";
    const answer = await secrets.send(
      new GetSecretValueCommand({
        SecretId: secretArn,
        ...(byStage ? { VersionStage: version } : { VersionId: version }),
      }),
    );
    return { value: answer.SecretString ?? "", versionId: answer.VersionId ?? version };
  };

  /** A secret version's value, to prove what a simulated client holds; unknown versions differ from all. */
  const secretValueOf = async (secretArn: string, versionId: string) => {
    try {
      return (await readSecret(secretArn, versionId)).value;
    } catch {
      return `unknown version ${versionId}`;
    }
  };

  /**
   * What sync-nps.ps1's Get-ClientSetReport reports, computed the way the script does (written out
   * here, not borrowed from the product's verifier): the held clients' count, the disagreeing ones
   * (at most 20 named, ordinal order) and one proof over `name=address=<proof of its secret>` lines.
   */
  const report = async (
    server: NpsModel,
    options: {
      owned: RegExp;
      wanted: Map<string, string>;
      applied: ModelClient;
      secretArn: string;
      nonce: string;
    },
  ) => {
    const held = [...server.clients.entries()]
      .filter(([name]) => options.owned.test(name))
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    const heldNames = new Set(held.map(([name]) => name));
    const disagreeing = new Set([...options.wanted.keys()].filter((name) => !heldNames.has(name)));
    const lines: string[] = [];
    for (const [name, client] of held) {
      const expected = { ...options.applied, ip: options.wanted.get(name) };
      if (JSON.stringify(client) !== JSON.stringify(expected)) disagreeing.add(name);
      const value = await secretValueOf(options.secretArn, client.secretVersionId);
      lines.push(`${name}=${client.ip}=${computeSecretProof({ secret: value, nonce: options.nonce })}`);
    }
    const named = [...disagreeing].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
    return {
      held: held.length,
      disagreeingCount: named.length,
      disagreeing: named.slice(0, 20),
      ...(options.nonce
        ? { proof: computeSecretProof({ secret: lines.join("\n"), nonce: options.nonce }) }
        : {}),
    };
  };

  const applyCommand = async (
    commandId: string,
    instanceIds: string[],
    parameters: Record<string, string[]>,
  ) => {
    const value = (name: string) => parameters[name]?.[0] ?? "";
    const secretArn = value("SecretArn");
    const secret = await readSecret(secretArn, value("SecretVersion"));
    const wanted = new Map(
      value("Clients")
        .split(",")
        .filter(Boolean)
        .map((entry) => entry.split("=") as [string, string]),
    );
    for (const instanceId of instanceIds) {
      const server = serverOf(instanceId);
      const control = controls.get(instanceId);
      const outcome = applyNpsCommand(server, parameters, {
        secretVersionId: secret.versionId,
        keepSecretOf: stuck.get(instanceId) ?? new Set(),
        ...(control ? { control } : {}),
      });
      const fail = (name: string, message: string) => {
        const failed = {
          ok: false as const,
          stderr: `radius-sync NPS sync failed [${name}]: ${message}\n`,
        };
        outcomes.set(`${commandId}/${instanceId}`, failed);
        latest.set(instanceId, failed);
      };
      if (!outcome.ok) {
        fail(outcome.name, outcome.message);
        continue;
      }
      const { ok: _ok, ...counts } = outcome;
      const owned = ownedClientNames(value("NamePrefix"));
      const applied = {
        ip: "",
        secretVersionId: secret.versionId,
        enabled: true,
        authAttributeRequired: value("RequireMessageAuthenticator") === "true",
      };
      const held = await report(server, { owned, wanted, applied, secretArn, nonce: value("Nonce") });
      // The script reads back what NPS holds and fails before SSM moves on when it is not what it applied.
      if (held.disagreeingCount > 0) {
        fail(
          "NpsSecretMismatch",
          `after applying, NPS still disagrees: ${held.disagreeingCount} client(s) (${held.disagreeing.join(", ")}) and policies [].`,
        );
        continue;
      }
      const line = { radiusSyncSummary: 3, ...counts, ...held };
      const printed = { ok: true as const, stdout: `${JSON.stringify(line)}\n` };
      outcomes.set(`${commandId}/${instanceId}`, printed);
      latest.set(instanceId, printed);
    }
  };

  const onSend = installInterceptor(
    { service: "ssm", operation: "SendCommand" },
    "nps-host:send-command",
    async (call, next) => {
      const reply = await next();
      if (!reply.ok) return reply;
      const command = reply.output.Command as { CommandId?: string } | undefined;
      await applyCommand(
        command?.CommandId ?? "",
        (call.input.InstanceIds as string[] | undefined) ?? [],
        (call.input.Parameters as Record<string, string[]> | undefined) ?? {},
      );
      save();
      return reply;
    },
  );
  const onInvocation = installInterceptor(
    { service: "ssm", operation: "GetCommandInvocation" },
    "nps-host:get-command-invocation",
    async (call, next) => {
      const reply = await next();
      if (!reply.ok || reply.output.Status !== "Success") return reply;
      const outcome = outcomes.get(`${String(call.input.CommandId)}/${String(call.input.InstanceId)}`);
      if (outcome === undefined || reply.output.StandardOutputContent) return reply;
      if (outcome.ok) {
        reply.output.StandardOutputContent = outcome.stdout;
      } else {
        // The script's `exit 1`: SSM reports the invocation Failed with the script's exit code.
        Object.assign(reply.output, {
          Status: "Failed",
          StatusDetails: "Failed",
          ResponseCode: 1,
          StandardErrorContent: outcome.stderr,
        });
      }
      return reply;
    },
  );

  // The batched check lists each command's invocations first: a script that exited 1 shows there as
  // Failed too, as SSM lists it (ssm/2014-11-06 `CommandInvocation.Status`), not Success.
  const onList = installInterceptor(
    { service: "ssm", operation: "ListCommandInvocations" },
    "nps-host:list-command-invocations",
    async (_call, next) => {
      const reply = await next();
      if (!reply.ok) return reply;
      const listed = (reply.output.CommandInvocations ?? []) as Array<Record<string, unknown>>;
      for (const invocation of listed) {
        if (invocation.Status !== "Success") continue;
        const outcome = outcomes.get(`${String(invocation.CommandId)}/${String(invocation.InstanceId)}`);
        if (outcome !== undefined && !outcome.ok)
          Object.assign(invocation, { Status: "Failed", StatusDetails: "Failed" });
      }
      return reply;
    },
  );

  const both = combineRemovables([onSend, onInvocation, onList]);
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
    remove: () => both.remove(),
  };
}
