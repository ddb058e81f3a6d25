import { createHmac, randomBytes } from "node:crypto";

/**
 * Proof that an NPS server holds a given shared secret, without the secret leaving either side:
 * HMAC-SHA256 keyed with the nonce's ASCII text over the secret's UTF-8 bytes, as lowercase hex.
 * sync-nps.ps1 (Get-SecretProof) computes the same over each of our clients' configured secret.
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
