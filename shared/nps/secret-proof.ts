import { createHmac, randomBytes } from "node:crypto";
import { compareText } from "../core/ordering.js";

/**
 * Proof that an NPS server holds a given shared secret, without the secret leaving either side:
 * HMAC-SHA256 keyed with the nonce's ASCII text over the secret's UTF-8 bytes, as lowercase hex.
 * sync-nps.ps1 (Get-SecretProof) computes the same over each of our clients' configured secret, and
 * {@link computeClientSetProof} combines those into the one proof its summary carries.
 *
 * @example
 * ```ts
 * const nonce = createSecretProofNonce();
 * // …send the command with { nonce }, then compare each reported hmac with:
 * const expected = computeSecretProof({ secret: currentSecret, nonce });
 * ```
 */
export function computeSecretProof(options: { secret: string; nonce: string }): string {
  return createHmac("sha256", Buffer.from(options.nonce, "ascii"))
    .update(options.secret, "utf8")
    .digest("hex");
}

/**
 * The one proof an NPS server reports for our clients (sync-nps.ps1, Get-ClientSetReport): one line
 * per client, `name=address=<secret proof of its configured secret>`, sorted by name (ordinal, as
 * .NET's StringComparer.Ordinal and compareText agree for these ASCII names), joined with "\n",
 * and proved like a secret with the same nonce. Computed from the desired clients and the expected
 * secret, it equals the server's only when the server holds exactly those clients, at those
 * addresses, each with that secret — while neither side ever shows the secret.
 *
 * @example
 * ```ts
 * const expected = computeClientSetProof({ secret, nonce, clients: [{ name: "radius-sync-d-…", ip: "10.0.1.5" }] });
 * expected === summary.proof; // the server holds exactly what was wanted
 * ```
 */
export function computeClientSetProof(options: {
  secret: string;
  nonce: string;
  clients: ReadonlyArray<{ name: string; ip: string }>;
}): string {
  const clientProof = computeSecretProof({ secret: options.secret, nonce: options.nonce });
  const lines = [...options.clients]
    .sort((left, right) => compareText(left.name, right.name))
    .map((client) => `${client.name}=${client.ip}=${clientProof}`);
  return computeSecretProof({ secret: lines.join("\n"), nonce: options.nonce });
}

/**
 * A fresh nonce for one verification: 16 random bytes as 32 lowercase hex characters, which the
 * document's Nonce pattern accepts.
 *
 * @example
 * ```ts
 * createSecretProofNonce(); // "9f86d081884c7d659a2feaa0c55ad015"
 * ```
 */
export function createSecretProofNonce(): string {
  return randomBytes(16).toString("hex");
}
