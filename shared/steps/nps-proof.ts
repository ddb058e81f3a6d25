import { timingSafeEqual } from "node:crypto";
import { readSharedSecret } from "../aws/secrets.js";
import { InvalidInput, NpsSecretMismatch } from "../errors.js";
import { computeClientSetProof } from "../nps/secret-proof.js";
import type { NpsSummary } from "../nps/summary.js";

function sameProof(reported: string, expected: string): boolean {
  // Constant-time, out of habit: the proof is not secret, but it is derived from one.
  return timingSafeEqual(Buffer.from(reported, "hex"), Buffer.from(expected, "hex"));
}

function whyItDiffers(summary: NpsSummary, wanted: number, versionId: string): string {
  if (summary.disagreeingCount > 0) {
    const more = summary.disagreeingCount - summary.disagreeing.length;
    return (
      `${summary.disagreeingCount} client(s) missing, extra, or holding another address or secret: ` +
      `${summary.disagreeing.join(", ")}${more > 0 ? ` and ${more} more` : ""}`
    );
  }
  if (summary.held !== wanted) return `it holds ${summary.held} of our clients; the plan wants ${wanted}`;
  return (
    "its proof differs although it reports every client holding the secret it applied, so it applied " +
    `another secret than version ${versionId} (did a staging label move during the run?)`
  );
}

/**
 * Checks an NPS server's summary against the secret version it should hold, which this step reads
 * itself: the server's one proof (see computeClientSetProof) must equal the one computed from the
 * desired clients and that version, and the server must report no client that disagrees.
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
  const { arn, versionId, nonce, summary, expectedClients } = options;
  if (nonce.length === 0) throw new InvalidInput("a secret proof needs a nonce; got an empty one");
  const failure = (why: string) =>
    new NpsSecretMismatch(`NPS clients do not hold secret ${arn} version ${versionId}: ${why}`);
  if (summary.proof === undefined) throw failure("the server reported no proof");
  const secret = await readSharedSecret({ secretArn: arn, versionId });
  const expected = computeClientSetProof({ secret, nonce, clients: expectedClients });
  if (!sameProof(summary.proof, expected) || summary.disagreeingCount > 0) {
    throw failure(whyItDiffers(summary, expectedClients.length, versionId));
  }
  return { verifiedClients: expectedClients.length };
}
