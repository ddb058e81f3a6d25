import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { computeSecretProof } from "../../../shared/nps/index.js";
import { rigClient } from "../rig/rig-clients.js";
import { combineRemovables, installInterceptor, type Removable } from "./registry.js";

/** One RADIUS client as the simulated NPS server holds it (the secret only as a version id). */
export interface SimulatedClient {
  ip: string;
  secretVersionId: string;
}

/**
 * Test double for what an NPS host running `sync-nps.ps1` reports through SSM
 * `GetCommandInvocation`: moto runs no script and answers `Success` with empty output.
 *
 * On each `SendCommand` (which still goes to moto) it applies the command's `Clients` list to a
 * simulated NPS per instance the way the script does (create / update / remove only clients whose
 * name starts with the prefix, keep the rest), and remembers the JSON summary line the script would
 * print, with HMAC proofs when the command carried a `Nonce`. `GetCommandInvocation` answers from
 * moto with that summary as `StandardOutputContent` (which the proxy's SSM rules cut to AWS's
 * 24,000 characters, as for any output). The host reads the secret as the rig (straight from moto,
 * with the rig's credentials), never through the proxy, as the real host reads it with its own role.
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
}

/** Installs the {@link NpsHostDouble} on the AWS proxy. */
export function installNpsHostDouble(): NpsHostDouble {
  const servers = new Map<string, Map<string, SimulatedClient>>();
  const summaries = new Map<string, string>();
  const serverOf = (instanceId: string) => {
    const server = servers.get(instanceId) ?? new Map<string, SimulatedClient>();
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

  const applyCommand = async (
    commandId: string,
    instanceIds: string[],
    parameters: Record<string, string[]>,
  ) => {
    const prefix = `${parameters.NamePrefix?.[0] ?? ""}-`;
    const nonce = parameters.Nonce?.[0] ?? "";
    const secret = await readSecret(parameters.SecretArn?.[0] ?? "", parameters.SecretVersion?.[0] ?? "");
    const wanted = new Map(
      (parameters.Clients?.[0] ?? "")
        .split(",")
        .filter(Boolean)
        .map((entry) => entry.split("=") as [string, string]),
    );
    for (const instanceId of instanceIds) {
      const server = serverOf(instanceId);
      const summary = {
        created: [] as string[],
        updated: [] as string[],
        removed: [] as string[],
        kept: [] as string[],
      };
      for (const [name, ip] of wanted) {
        const existing = server.get(name);
        if (!existing) summary.created.push(name);
        else if (existing.ip !== ip || existing.secretVersionId !== secret.versionId)
          summary.updated.push(name);
        else summary.kept.push(name);
        server.set(name, { ip, secretVersionId: secret.versionId });
      }
      for (const name of [...server.keys()]) {
        if (name.startsWith(prefix) && !wanted.has(name)) {
          server.delete(name);
          summary.removed.push(name);
        }
      }
      const changed = summary.created.length + summary.updated.length + summary.removed.length > 0;
      const hmacs = nonce
        ? Object.fromEntries(
            [...wanted.keys()].map((name) => [name, computeSecretProof({ secret: secret.value, nonce })]),
          )
        : undefined;
      const line = {
        radiusSyncSummary: 1,
        ...summary,
        policiesChanged: changed ? [`${prefix}crp`] : [],
        restarted: changed,
        groupSid: "S-1-5-21-1004336348-1177238915-682003330-1105",
        ...(hmacs ? { hmacs } : {}),
      };
      summaries.set(`${commandId}/${instanceId}`, JSON.stringify(line));
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
      return reply;
    },
  );
  const onInvocation = installInterceptor(
    { service: "ssm", operation: "GetCommandInvocation" },
    "nps-host:get-command-invocation",
    async (call, next) => {
      const reply = await next();
      if (!reply.ok || reply.output.Status !== "Success") return reply;
      const summary = summaries.get(`${String(call.input.CommandId)}/${String(call.input.InstanceId)}`);
      if (summary !== undefined && !reply.output.StandardOutputContent)
        reply.output.StandardOutputContent = `${summary}\n`;
      return reply;
    },
  );

  const both = combineRemovables([onSend, onInvocation]);
  return {
    clientsOf: (instanceId) => new Map(serverOf(instanceId)),
    addForeignClient: (instanceId, name, client) => void serverOf(instanceId).set(name, client),
    remove: () => both.remove(),
  };
}
