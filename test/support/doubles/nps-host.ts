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
 * print (format 2: counts, the clients that disagree, one proof when the command carried a `Nonce`). `GetCommandInvocation` answers from
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
  /** From now on this client keeps the secret it holds when a command sets another (a broken NPS). */
  keepSecretOf(instanceId: string, name: string): void;
}

/** Installs the {@link NpsHostDouble} on the AWS proxy. */
export function installNpsHostDouble(): NpsHostDouble {
  const servers = new Map<string, Map<string, SimulatedClient>>();
  const summaries = new Map<string, string>();
  const stuck = new Set<string>();
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
    server: Map<string, SimulatedClient>,
    options: {
      prefix: string;
      wanted: Map<string, string>;
      applied: string;
      secretArn: string;
      nonce: string;
    },
  ) => {
    const held = [...server.entries()]
      .filter(([name]) => name.startsWith(options.prefix))
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    const heldNames = new Set(held.map(([name]) => name));
    const disagreeing = new Set([...options.wanted.keys()].filter((name) => !heldNames.has(name)));
    const lines: string[] = [];
    for (const [name, client] of held) {
      if (options.wanted.get(name) !== client.ip || client.secretVersionId !== options.applied)
        disagreeing.add(name);
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
    const prefix = `${parameters.NamePrefix?.[0] ?? ""}-`;
    const nonce = parameters.Nonce?.[0] ?? "";
    const secretArn = parameters.SecretArn?.[0] ?? "";
    const secret = await readSecret(secretArn, parameters.SecretVersion?.[0] ?? "");
    const wanted = new Map(
      (parameters.Clients?.[0] ?? "")
        .split(",")
        .filter(Boolean)
        .map((entry) => entry.split("=") as [string, string]),
    );
    for (const instanceId of instanceIds) {
      const server = serverOf(instanceId);
      const counts = { created: 0, updated: 0, removed: 0, kept: 0 };
      for (const [name, ip] of wanted) {
        const existing = server.get(name);
        if (!existing) counts.created += 1;
        else if (existing.ip !== ip || existing.secretVersionId !== secret.versionId) counts.updated += 1;
        else counts.kept += 1;
        // A stuck client keeps its old secret, as a Set-NpsRadiusClient that did not take would.
        const keep = stuck.has(`${instanceId}/${name}`) && existing ? existing.secretVersionId : undefined;
        server.set(name, { ip, secretVersionId: keep ?? secret.versionId });
      }
      for (const name of [...server.keys()]) {
        if (name.startsWith(prefix) && !wanted.has(name)) {
          server.delete(name);
          counts.removed += 1;
        }
      }
      const changed = counts.created + counts.updated + counts.removed > 0;
      const line = {
        radiusSyncSummary: 2,
        ...counts,
        policiesChanged: changed ? [`${prefix}crp`] : [],
        restarted: changed,
        groupSid: "S-1-5-21-1004336348-1177238915-682003330-1105",
        ...(await report(server, { prefix, wanted, applied: secret.versionId, secretArn, nonce })),
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
    keepSecretOf: (instanceId, name) => void stuck.add(`${instanceId}/${name}`),
    remove: () => both.remove(),
  };
}
