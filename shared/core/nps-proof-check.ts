import { timingSafeEqual } from "node:crypto";
import { InvalidInput, NpsSecretMismatch } from "../errors.js";
import { computeClientSetProof } from "../nps/secret-proof.js";
import type { NpsSummary } from "../nps/summary.js";

/** Which secret version a server's clients should hold (its ARN and version id, never the secret). */
export interface ExpectedSecretVersion {
  arn: string;
  versionId: string;
}

/** A proof as computeClientSetProof writes it: lowercase hex. */
const hexProof = /^[0-9a-f]+$/;

/**
 * Whether a reported proof equals the expected one. Constant-time, out of habit: the proof is not
 * secret, but it is derived from one. Anything that is not lowercase hex of the expected length is
 * a mismatch: Buffer's hex decoding would otherwise stop at the first other character and drop an
 * odd last digit, so a longer or damaged proof could decode to the expected bytes.
 *
 * @example
 * ```ts
 * sameNpsProof(summary.proof, computeClientSetProof({ secret, nonce, clients })); // true when they match
 * ```
 */
export function sameNpsProof(reported: string, expected: string): boolean {
  if (reported.length !== expected.length || !hexProof.test(reported)) return false;
  return timingSafeEqual(Buffer.from(reported, "hex"), Buffer.from(expected, "hex"));
}

/**
 * Why a server's summary does not verify, in the order an operator should look: the clients it
 * names as disagreeing (and how many more), a count of our clients other than the plan's, else a
 * proof from another secret than the version it should hold.
 *
 * @example
 * ```ts
 * whyNpsProofDiffers(summary, 3, "v2"); // "2 client(s) missing, extra, or holding another address or secret: a, b"
 * ```
 */
export function whyNpsProofDiffers(summary: NpsSummary, wanted: number, versionId: string): string {
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

function mismatch(expected: ExpectedSecretVersion, why: string): NpsSecretMismatch {
  return new NpsSecretMismatch(
    `NPS clients do not hold secret ${expected.arn} version ${expected.versionId}: ${why}`,
  );
}

/**
 * The proof a summary reports, checked before the secret is read: a check needs a nonce, and a
 * server that reported no proof cannot be verified.
 *
 * @throws {InvalidInput} for an empty nonce.
 * @throws {NpsSecretMismatch} when the summary carries no proof.
 *
 * @example
 * ```ts
 * reportedNpsProof({ arn, versionId, nonce, summary }); // "9f86d0…"
 * ```
 */
export function reportedNpsProof(
  options: ExpectedSecretVersion & { nonce: string; summary: NpsSummary },
): string {
  if (options.nonce.length === 0) throw new InvalidInput("a secret proof needs a nonce; got an empty one");
  if (options.summary.proof === undefined) throw mismatch(options, "the server reported no proof");
  return options.summary.proof;
}

/**
 * Checks an NPS server's summary against the secret version it should hold: the server's one proof
 * (see computeClientSetProof) must equal the one computed from the desired clients and that
 * version's secret, and the server must report no client that disagrees.
 *
 * @throws {NpsSecretMismatch} naming the clients that disagree (at most 20, and how many in all),
 * or what else differs; never the secret.
 * @throws {InvalidInput} for an empty nonce.
 *
 * @example
 * ```ts
 * verifyNpsProof({ arn, versionId, nonce, summary, secret, expectedClients }); // { verifiedClients: 2 }
 * ```
 */
export function verifyNpsProof(
  options: ExpectedSecretVersion & {
    nonce: string;
    summary: NpsSummary;
    secret: string;
    expectedClients: ReadonlyArray<{ name: string; ip: string }>;
  },
): { verifiedClients: number } {
  const { nonce, summary, expectedClients } = options;
  const reported = reportedNpsProof(options);
  const expected = computeClientSetProof({ secret: options.secret, nonce, clients: expectedClients });
  if (!sameNpsProof(reported, expected) || summary.disagreeingCount > 0) {
    throw mismatch(options, whyNpsProofDiffers(summary, expectedClients.length, options.versionId));
  }
  return { verifiedClients: expectedClients.length };
}
