import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  reportedNpsProof,
  sameNpsProof,
  verifyNpsProof,
  whyNpsProofDiffers,
} from "../../shared/core/nps-proof-check.js";
import { InvalidInput, NpsSecretMismatch } from "../../shared/errors.js";
import { computeClientSetProof, type NpsSummary } from "../../shared/nps/index.js";
import { agreeingSummary } from "../fixtures/nps/summary.js";

const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:radius-sync/shared-secret-AbCdEf";
const versionId = "00000000-0000-4000-8000-000000000002";
const secret = "s3cret-that-must-never-be-quoted";
const nonce = "0123456789abcdef0123456789abcdef";
const clients = [
  { name: "radius-sync-d-1111111111-10-0-1-10", ip: "10.0.1.10" },
  { name: "radius-sync-d-1111111111-10-0-1-11", ip: "10.0.1.11" },
];
const proof = computeClientSetProof({ secret, nonce, clients });
const otherProof = computeClientSetProof({ secret: `${secret}x`, nonce, clients });

function summaryWith(fields: Partial<NpsSummary>): NpsSummary {
  return agreeingSummary(clients, { proof, ...fields });
}

const prefix = `NPS clients do not hold secret ${arn} version ${versionId}: `;
const verify = (summary: NpsSummary) =>
  verifyNpsProof({ arn, versionId, nonce, summary, secret, expectedClients: clients });

describe("sameNpsProof", () => {
  it("accepts the expected proof and refuses one that differs in any digit", () => {
    expect(sameNpsProof(proof, proof)).toBe(true);
    expect(sameNpsProof(otherProof, proof)).toBe(false);
    const lastFlipped = `${proof.slice(0, -1)}${proof.endsWith("0") ? "1" : "0"}`;
    expect(sameNpsProof(lastFlipped, proof)).toBe(false);
  });

  it("refuses, without throwing, a proof one digit longer or shorter that hex decoding would cut to the same bytes", () => {
    expect(sameNpsProof(`${proof}a`, proof)).toBe(false);
    expect(sameNpsProof(proof.slice(0, -1), proof)).toBe(false);
    expect(sameNpsProof(`${proof}${proof}`, proof)).toBe(false);
    expect(sameNpsProof("", proof)).toBe(false);
  });

  it("refuses, without throwing, a proof of the right length that is not lowercase hex", () => {
    expect(sameNpsProof(proof.toUpperCase(), proof.toUpperCase() === proof ? "x" : proof)).toBe(false);
    expect(sameNpsProof(`z${proof.slice(1)}`, proof)).toBe(false);
    expect(sameNpsProof(`${proof.slice(0, -1)}z`, proof)).toBe(false);
    expect(sameNpsProof(`${proof.slice(0, 31)} ${proof.slice(32)}`, proof)).toBe(false);
  });

  it("never throws and agrees with string equality for any reported text (random, near the expected length)", () => {
    const nearProof = fc.oneof(
      fc.string({ minLength: 62, maxLength: 66 }),
      fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFz"), minLength: 62, maxLength: 66 }),
      fc.nat({ max: 63 }).map((index) => `${proof.slice(0, index)}${proof.slice(index + 1)}`),
      fc.constantFrom(proof, `${proof}0`, proof.toUpperCase()),
    );
    fc.assert(
      fc.property(nearProof, (reported) => {
        expect(sameNpsProof(reported, proof)).toBe(reported === proof);
      }),
    );
  });
});

describe("whyNpsProofDiffers", () => {
  it("names the disagreeing clients, without 'more' when all are named", () => {
    expect(whyNpsProofDiffers(summaryWith({ disagreeingCount: 1, disagreeing: ["a"] }), 2, versionId)).toBe(
      "1 client(s) missing, extra, or holding another address or secret: a",
    );
    expect(
      whyNpsProofDiffers(summaryWith({ disagreeingCount: 2, disagreeing: ["a", "b"] }), 2, versionId),
    ).toBe("2 client(s) missing, extra, or holding another address or secret: a, b");
  });

  it("says how many more disagree than it names, from one more up", () => {
    expect(
      whyNpsProofDiffers(summaryWith({ disagreeingCount: 3, disagreeing: ["a", "b"] }), 2, versionId),
    ).toBe("3 client(s) missing, extra, or holding another address or secret: a, b and 1 more");
    expect(whyNpsProofDiffers(summaryWith({ disagreeingCount: 23, disagreeing: ["a"] }), 2, versionId)).toBe(
      "23 client(s) missing, extra, or holding another address or secret: a and 22 more",
    );
  });

  it("compares how many of our clients it holds when none disagrees", () => {
    expect(whyNpsProofDiffers(summaryWith({ held: 1 }), 2, versionId)).toBe(
      "it holds 1 of our clients; the plan wants 2",
    );
    expect(whyNpsProofDiffers(summaryWith({ held: 3 }), 2, versionId)).toBe(
      "it holds 3 of our clients; the plan wants 2",
    );
  });

  it("blames another secret when the server agrees with itself on every client the plan wants", () => {
    expect(whyNpsProofDiffers(summaryWith({ held: 2 }), 2, versionId)).toBe(
      "its proof differs although it reports every client holding the secret it applied, so it applied another " +
        `secret than version ${versionId} (did a staging label move during the run?)`,
    );
  });
});

describe("reportedNpsProof", () => {
  it("returns the proof to check", () => {
    expect(reportedNpsProof({ arn, versionId, nonce: "a", summary: summaryWith({}) })).toBe(proof);
  });

  it("refuses an empty nonce before anything else", () => {
    const act = () =>
      reportedNpsProof({ arn, versionId, nonce: "", summary: summaryWith({ proof: undefined }) });

    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(/^a secret proof needs a nonce; got an empty one$/);
  });

  it("refuses a summary without a proof as a mismatch naming the secret version", () => {
    const act = () => reportedNpsProof({ arn, versionId, nonce, summary: summaryWith({ proof: undefined }) });

    expect(act).toThrow(NpsSecretMismatch);
    expect(act).toThrow(`${prefix}the server reported no proof`);
  });
});

describe("verifyNpsProof", () => {
  it("accepts the proof of exactly the desired clients with that secret, in any order", () => {
    expect(verify(summaryWith({}))).toEqual({ verifiedClients: 2 });
    const reversed = computeClientSetProof({ secret, nonce, clients: [...clients].reverse() });
    expect(verify(summaryWith({ proof: reversed }))).toEqual({ verifiedClients: 2 });
  });

  it("refuses a proof from another secret, saying why without quoting the secret", () => {
    const act = () => verify(summaryWith({ proof: otherProof }));

    expect(act).toThrow(NpsSecretMismatch);
    expect(act).toThrow(
      `${prefix}its proof differs although it reports every client holding the secret it applied`,
    );
    expect(act).not.toThrow(secret);
  });

  it("refuses a matching proof when the server reports a client that disagrees", () => {
    expect(() => verify(summaryWith({ disagreeingCount: 1, disagreeing: ["radius-sync-x"] }))).toThrow(
      `${prefix}1 client(s) missing, extra, or holding another address or secret: radius-sync-x`,
    );
  });

  it("fails closed with NpsSecretMismatch, not a crash, on a malformed proof", () => {
    for (const malformed of [`${proof}a`, proof.slice(0, -2), "zz".repeat(32), "", proof.toUpperCase()]) {
      if (malformed === proof) continue;
      expect(() => verify(summaryWith({ proof: malformed }))).toThrow(NpsSecretMismatch);
    }
  });

  it("checks the nonce and the proof's presence itself", () => {
    expect(() =>
      verifyNpsProof({
        arn,
        versionId,
        nonce: "",
        summary: summaryWith({}),
        secret,
        expectedClients: clients,
      }),
    ).toThrow(InvalidInput);
    expect(() => verify(summaryWith({ proof: undefined }))).toThrow(`${prefix}the server reported no proof`);
  });
});
