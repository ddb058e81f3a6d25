import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { computeSecretProof } from "../../../shared/nps/index.js";
import type { ModelClient, NpsModel } from "../nps-model/nps-model.js";
import { rigClient } from "../rig/rig-clients.js";

/**
 * What the simulated NPS host reads and reports: the secret, read as the host reads it (straight from
 * moto with the rig's credentials, never through the proxy, as the real host reads it with its own
 * role), and sync-nps.ps1's Get-ClientSetReport, computed the way the script computes it (written out
 * here, not borrowed from the product's verifier).
 */

/**
 * Reads a secret version as the NPS host does: by staging label or by version id.
 *
 * @example
 * ```ts
 * const { value, versionId } = await readSecretAsHost(secretArn, "AWSCURRENT");
 * ```
 */
export async function readSecretAsHost(secretArn: string, version: string) {
  const secrets = rigClient(SecretsManagerClient);
  const byStage = version === "AWSCURRENT" || version === "AWSPENDING";
  const answer = await secrets.send(
    new GetSecretValueCommand({
      SecretId: secretArn,
      ...(byStage ? { VersionStage: version } : { VersionId: version }),
    }),
  );
  return { value: answer.SecretString ?? "", versionId: answer.VersionId ?? version };
}

/** A secret version's value, to prove what a simulated client holds; unknown versions differ from all. */
async function secretValueOf(secretArn: string, versionId: string) {
  try {
    return (await readSecretAsHost(secretArn, versionId)).value;
  } catch {
    return `unknown version ${versionId}`;
  }
}

const ordinal = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

/**
 * Get-ClientSetReport on the model: the held clients' count, the disagreeing ones (at most 20 named,
 * ordinal order) and one proof over `name=address=<proof of its secret>` lines.
 *
 * @example
 * ```ts
 * const held = await clientSetReport(server, { owned, wanted, applied, secretArn, nonce });
 * ```
 */
export async function clientSetReport(
  server: NpsModel,
  options: {
    owned: RegExp;
    wanted: Map<string, string>;
    applied: ModelClient;
    secretArn: string;
    nonce: string;
  },
) {
  const held = [...server.clients.entries()]
    .filter(([name]) => options.owned.test(name))
    .sort(([left], [right]) => ordinal(left, right));
  const heldNames = new Set(held.map(([name]) => name));
  const disagreeing = new Set([...options.wanted.keys()].filter((name) => !heldNames.has(name)));
  const lines: string[] = [];
  for (const [name, client] of held) {
    const expected = { ...options.applied, ip: options.wanted.get(name) };
    if (JSON.stringify(client) !== JSON.stringify(expected)) disagreeing.add(name);
    const value = await secretValueOf(options.secretArn, client.secretVersionId);
    lines.push(`${name}=${client.ip}=${computeSecretProof({ secret: value, nonce: options.nonce })}`);
  }
  const named = [...disagreeing].sort(ordinal);
  return {
    held: held.length,
    disagreeingCount: named.length,
    disagreeing: named.slice(0, 20),
    ...(options.nonce
      ? { proof: computeSecretProof({ secret: lines.join("\n"), nonce: options.nonce }) }
      : {}),
  };
}
