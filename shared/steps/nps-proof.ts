import { readSharedSecret } from "../aws/secrets.js";
import { reportedNpsProof, verifyNpsProof } from "../core/nps-proof-check.js";
import type { NpsSummary } from "../nps/summary.js";

/**
 * Checks an NPS server's summary against the secret version it should hold, which this step reads
 * itself (see verifyNpsProof for the comparison). A summary that cannot be checked (an empty nonce,
 * no proof) fails before the secret is read.
 *
 * @throws {NpsSecretMismatch} naming the clients that disagree (at most 20, and how many in all),
 * or what else differs; never the secret.
 * @throws {InvalidInput} for an empty nonce.
 *
 * @example
 * ```ts
 * await verifyNpsSummary({ arn, versionId, nonce, summary, expectedClients: [{ name: "radius-sync-…", ip: "10.0.1.5" }] });
 * ```
 */
export async function verifyNpsSummary(options: {
  arn: string;
  versionId: string;
  nonce: string;
  summary: NpsSummary;
  expectedClients: ReadonlyArray<{ name: string; ip: string }>;
}): Promise<{ verifiedClients: number }> {
  reportedNpsProof(options);
  const secret = await readSharedSecret({ secretArn: options.arn, versionId: options.versionId });
  return verifyNpsProof({ ...options, secret });
}
