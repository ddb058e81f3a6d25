import { describe, expect, it } from "vitest";
import { createSharedSecret, readSharedSecret } from "../../shared/aws/secrets.js";
import { SECRET_EXCLUDED_CHARACTERS } from "../../shared/core/secret-policy.js";
import { InvalidInput, NpsSecretMismatch } from "../../shared/errors.js";
import { computeSecretProof, createSecretProofNonce } from "../../shared/nps/secret-proof.js";
import { verifySecretProofs } from "../../shared/steps/rotation.js";

const clientA = "radius-sync-d-1111111111-10-0-1-10";
const clientB = "radius-sync-d-1111111111-10-0-1-11";

async function seedSecret() {
  return await createSharedSecret({
    name: "radius-sync/shared-secret",
    length: 64,
    excludeCharacters: SECRET_EXCLUDED_CHARACTERS,
    clientRequestToken: "00000000-0000-4000-8000-000000000001",
  });
}

describe("verifySecretProofs", () => {
  it("accepts proofs computed from the secret version it reads itself", async () => {
    // Prepare
    const { arn, versionId } = await seedSecret();
    const secret = await readSharedSecret({ secretArn: arn, versionId });
    const nonce = createSecretProofNonce();
    const proof = computeSecretProof({ secret, nonce });

    // Act
    const result = await verifySecretProofs({
      arn,
      versionId,
      nonce,
      hmacs: { [clientA]: proof, [clientB]: proof.toUpperCase() },
      expectedClients: [clientA, clientB],
    });

    // Assess
    expect(result).toEqual({ verifiedClients: [clientA, clientB] });
  });

  it("names the client whose proof comes from another secret, and the one that sent none", async () => {
    // Prepare
    const { arn, versionId } = await seedSecret();
    const secret = await readSharedSecret({ secretArn: arn, versionId });
    const nonce = createSecretProofNonce();
    const wrong = computeSecretProof({ secret: `${secret}x`, nonce });
    const stale = computeSecretProof({ secret, nonce: createSecretProofNonce() });
    const clientC = "radius-sync-d-2222222222-10-0-2-10";

    // Act
    const act = verifySecretProofs({
      arn,
      versionId,
      nonce,
      hmacs: { [clientA]: wrong, [clientC]: stale },
      expectedClients: [clientA, clientB, clientC],
    });

    // Assess
    await expect(act).rejects.toThrow(NpsSecretMismatch);
    const error = await act.then(
      () => new Error("verifySecretProofs resolved"),
      (caught: unknown) => caught as Error,
    );
    expect(error.name).toBe("NpsSecretMismatch");
    expect(error.message).toBe(
      `NPS clients do not hold secret ${arn} version ${versionId}: proof differs for ${clientA}, ${clientC}; ` +
        `no proof reported for ${clientB}`,
    );
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(wrong);
  });

  it("refuses an empty nonce", async () => {
    const { arn, versionId } = await seedSecret();
    const act = verifySecretProofs({ arn, versionId, nonce: "", hmacs: {}, expectedClients: [clientA] });
    await expect(act).rejects.toThrow(InvalidInput);
  });
});
