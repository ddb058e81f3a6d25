import { describe, expect, it } from "vitest";
import { createSharedSecret, readSharedSecret } from "../../shared/aws/secrets.js";
import { SECRET_EXCLUDED_CHARACTERS } from "../../shared/core/secret-policy.js";
import { InvalidInput, NpsSecretMismatch } from "../../shared/errors.js";
import { computeClientSetProof, createSecretProofNonce, type NpsSummary } from "../../shared/nps/index.js";
import { verifyNpsSummary } from "../../shared/steps/nps-proof.js";
import { agreeingSummary } from "../fixtures/nps/summary.js";

const clients = [
  { name: "radius-sync-d-1111111111-10-0-1-10", ip: "10.0.1.10" },
  { name: "radius-sync-d-1111111111-10-0-1-11", ip: "10.0.1.11" },
];

async function seedSecret() {
  const { arn, versionId } = await createSharedSecret({
    name: "radius-sync/shared-secret",
    length: 64,
    excludeCharacters: SECRET_EXCLUDED_CHARACTERS,
    clientRequestToken: "00000000-0000-4000-8000-000000000001",
  });
  return { arn, versionId, secret: await readSharedSecret({ secretArn: arn, versionId }) };
}

function summaryWith(fields: Partial<NpsSummary>): NpsSummary {
  return agreeingSummary(clients, { groupSid: "S-1-5-32-544", ...fields });
}

/** The rejection of a promise that must reject. */
async function rejection(act: Promise<unknown>): Promise<Error> {
  return act.then(
    () => new Error("resolved"),
    (caught: unknown) => caught as Error,
  );
}

describe("verifyNpsSummary", () => {
  it("accepts the proof a server holding exactly the desired clients with that version reports", async () => {
    // Prepare
    const { arn, versionId, secret } = await seedSecret();
    const nonce = createSecretProofNonce();
    const proof = computeClientSetProof({ secret, nonce, clients: [...clients].reverse() });

    // Act
    const result = await verifyNpsSummary({
      arn,
      versionId,
      nonce,
      summary: summaryWith({ proof }),
      expectedClients: clients,
    });

    // Assess
    expect(result).toEqual({ verifiedClients: 2 });
  });

  it("names the clients the server reports as disagreeing, and how many more there are", async () => {
    // Prepare: the server holds another secret on some clients and says which (the first 20 of 23).
    const { arn, versionId, secret } = await seedSecret();
    const nonce = createSecretProofNonce();
    const proof = computeClientSetProof({ secret: `${secret}x`, nonce, clients });
    const named = Array.from({ length: 20 }, (_, index) => `radius-sync-d-1111111111-10-0-2-${index}`);

    // Act
    const error = await rejection(
      verifyNpsSummary({
        arn,
        versionId,
        nonce,
        summary: summaryWith({ proof, disagreeingCount: 23, disagreeing: named }),
        expectedClients: clients,
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(NpsSecretMismatch);
    expect(error.message).toBe(
      `NPS clients do not hold secret ${arn} version ${versionId}: 23 client(s) missing, extra, ` +
        `or holding another address or secret: ${named.join(", ")} and 3 more`,
    );
    expect(error.message).not.toContain(secret);
  });

  it("says the server applied another version when every client agrees with what it applied", async () => {
    const { arn, versionId, secret } = await seedSecret();
    const nonce = createSecretProofNonce();
    const proof = computeClientSetProof({ secret: `${secret}-older`, nonce, clients });

    const error = await rejection(
      verifyNpsSummary({ arn, versionId, nonce, summary: summaryWith({ proof }), expectedClients: clients }),
    );

    expect(error).toBeInstanceOf(NpsSecretMismatch);
    expect(error.message).toMatch(
      /its proof differs although it reports every client holding the secret it applied, so it applied another secret than version \S+ \(did a staging label move/,
    );
  });

  it("says how many clients the server holds when the set differs without a named client", async () => {
    const { arn, versionId, secret } = await seedSecret();
    const nonce = createSecretProofNonce();
    const proof = computeClientSetProof({ secret, nonce, clients: clients.slice(1) });

    const error = await rejection(
      verifyNpsSummary({
        arn,
        versionId,
        nonce,
        summary: summaryWith({ proof, held: 1 }),
        expectedClients: clients,
      }),
    );

    expect(error.message).toMatch(/it holds 1 of our clients; the plan wants 2$/);
  });

  it("refuses a summary without a proof, and an empty nonce", async () => {
    const { arn, versionId } = await seedSecret();
    const nonce = createSecretProofNonce();

    await expect(
      verifyNpsSummary({ arn, versionId, nonce, summary: summaryWith({}), expectedClients: clients }),
    ).rejects.toThrow(/the server reported no proof/);
    await expect(
      verifyNpsSummary({ arn, versionId, nonce: "", summary: summaryWith({}), expectedClients: clients }),
    ).rejects.toThrow(InvalidInput);
  });
});
