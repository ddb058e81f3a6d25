import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import {
  createSharedSecret,
  describeSharedSecret,
  putPendingVersion,
  removePendingLabel,
} from "../../shared/aws/secrets.js";
import { getConfig } from "../../shared/config.js";
import { SECRET_EXCLUDED_CHARACTERS, validateSharedSecret } from "../../shared/core/secret-policy.js";
import { requestTokenFor } from "../../shared/core/secret-versions.js";
import { InvalidInput } from "../../shared/errors.js";
import type { Run } from "../../shared/run.js";
import { cancelRotation, finishRotation, startRotation } from "../../shared/steps/rotation.js";

const secretName = "radius-sync/shared-secret";

const runFor = (name: string): Run => ({
  mode: "reconcile",
  dryRun: false,
  executionId: `arn:aws:states:us-east-1:123456789012:execution:radius-sync:${name}`,
  startedAt: "2026-11-24T12:00:00.000Z",
});

async function seedSecret(): Promise<{ arn: string; versionId: string }> {
  return await createSharedSecret({
    name: secretName,
    length: 64,
    excludeCharacters: SECRET_EXCLUDED_CHARACTERS,
    clientRequestToken: requestTokenFor(runFor("seed").executionId),
  });
}

/** Every version's labels, straight from Secrets Manager (not through the adapter under test). */
async function labels(arn: string): Promise<Record<string, string[]>> {
  const { Versions } = await clients.secretsManager.send(
    new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }),
  );
  return Object.fromEntries(
    (Versions ?? []).map((version) => [version.VersionId, version.VersionStages ?? []]),
  );
}

const holdersOf = (all: Record<string, string[]>, stage: string) =>
  Object.entries(all)
    .filter(([, stages]) => stages.includes(stage))
    .map(([versionId]) => versionId);

async function secretValueOf(arn: string, options: { versionId?: string; stage?: string }): Promise<string> {
  const { SecretString } = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: arn, VersionId: options.versionId, VersionStage: options.stage }),
  );
  return SecretString ?? "";
}

async function describeExisting() {
  const state = await describeSharedSecret(secretName);
  if (!state.exists) throw new Error("the seeded secret is missing");
  return state;
}

describe("secret rotation against Secrets Manager", () => {
  it("leaves AWSCURRENT on the newest version and AWSPREVIOUS on the one before after two rotations", async () => {
    // Prepare
    const seeded = await seedSecret();
    const config = getConfig();

    // Act
    const first = await startRotation({ config, run: runFor("first"), secret: await describeExisting() });
    const firstDone = await finishRotation(first);
    const second = await startRotation({ config, run: runFor("second"), secret: await describeExisting() });
    const secondDone = await finishRotation(second);

    // Assess
    expect(first).toMatchObject({ currentVersionId: seeded.versionId, resumed: false });
    expect(first.pendingVersionId).toBe(requestTokenFor(runFor("first").executionId, "rotate"));
    expect(firstDone).toEqual({
      currentVersionId: first.pendingVersionId,
      previousVersionId: seeded.versionId,
    });
    expect(second.currentVersionId).toBe(first.pendingVersionId);
    expect(secondDone).toEqual({
      currentVersionId: second.pendingVersionId,
      previousVersionId: first.pendingVersionId,
    });
    const all = await labels(seeded.arn);
    expect(holdersOf(all, "AWSCURRENT")).toEqual([second.pendingVersionId]);
    expect(holdersOf(all, "AWSPREVIOUS")).toEqual([first.pendingVersionId]);
    expect(holdersOf(all, "AWSPENDING")).toEqual([]);
    expect(all[seeded.versionId]).toEqual([]);
    const values = await Promise.all(
      [seeded.versionId, first.pendingVersionId, second.pendingVersionId].map((versionId) =>
        secretValueOf(seeded.arn, { versionId }),
      ),
    );
    expect(new Set(values).size).toBe(3);
    for (const value of values)
      expect(validateSharedSecret(value, { minLength: 64, maxLength: 64 })).toEqual([]);
    expect(await secretValueOf(seeded.arn, { stage: "AWSCURRENT" })).toBe(values[2]);
    const described = await describeExisting();
    expect(described.currentVersionId).toBe(second.pendingVersionId);
    expect(described.pendingVersionId).toBeUndefined();
    expect(Number.isNaN(Date.parse(described.currentVersionCreatedAt ?? ""))).toBe(false);
    // Only ids travel: no step result carries a secret value.
    const results = JSON.stringify([first, firstDone, second, secondDone, described]);
    for (const value of values) expect(results).not.toContain(value);
  });

  it("cleans up a crashed run's AWSPENDING and never holds two pending versions", async () => {
    // Prepare: a run stages its version, then crashes; the next run starts from stale discovery data.
    const seeded = await seedSecret();
    const config = getConfig();
    const staleState = await describeExisting();
    const crashed = await startRotation({ config, run: runFor("crashed"), secret: staleState });
    expect(holdersOf(await labels(seeded.arn), "AWSPENDING")).toEqual([crashed.pendingVersionId]);

    // Act
    const next = await startRotation({ config, run: runFor("next"), secret: staleState });

    // Assess
    expect(next.cleanedUp).toBe(crashed.pendingVersionId);
    expect(next.resumed).toBe(false);
    expect(next.pendingVersionId).not.toBe(crashed.pendingVersionId);
    const all = await labels(seeded.arn);
    expect(holdersOf(all, "AWSPENDING")).toEqual([next.pendingVersionId]);
    expect(holdersOf(all, "AWSCURRENT")).toEqual([seeded.versionId]);
    expect(all[crashed.pendingVersionId]).toEqual([]);
    expect((await describeExisting()).pendingVersionId).toBe(next.pendingVersionId);
  });

  it("resumes this execution's own pending version on a retry without generating a new value", async () => {
    // Prepare
    await seedSecret();
    const config = getConfig();
    const run = runFor("retried");
    const first = await startRotation({ config, run, secret: await describeExisting() });
    const staged = await secretValueOf(first.arn, { versionId: first.pendingVersionId });

    // Act
    const retried = await startRotation({ config, run, secret: await describeExisting() });

    // Assess
    expect(retried).toEqual({ ...first, resumed: true });
    expect(retried.cleanedUp).toBeUndefined();
    expect(await secretValueOf(first.arn, { versionId: first.pendingVersionId })).toBe(staged);
    expect(holdersOf(await labels(first.arn), "AWSPENDING")).toEqual([first.pendingVersionId]);
  });

  it("promotes idempotently, also after a crash between moving AWSCURRENT and dropping AWSPENDING", async () => {
    // Prepare: move AWSCURRENT by hand, as a crashed promotion would have left it.
    const seeded = await seedSecret();
    const rotation = await startRotation({
      config: getConfig(),
      run: runFor("promote"),
      secret: await describeExisting(),
    });
    await clients.secretsManager.send(
      new UpdateSecretVersionStageCommand({
        SecretId: rotation.arn,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: rotation.pendingVersionId,
        RemoveFromVersionId: seeded.versionId,
      }),
    );

    // Act
    const once = await finishRotation(rotation);
    const twice = await finishRotation(rotation);

    // Assess
    const expected = { currentVersionId: rotation.pendingVersionId, previousVersionId: seeded.versionId };
    expect(once).toEqual(expected);
    expect(twice).toEqual(expected);
    const all = await labels(rotation.arn);
    expect(all[rotation.pendingVersionId]).toEqual(["AWSCURRENT"]);
    expect(all[seeded.versionId]).toEqual(["AWSPREVIOUS"]);
  });

  it("cancels by removing AWSPENDING only, and a second cancel is a no-op", async () => {
    // Prepare
    const seeded = await seedSecret();
    const rotation = await startRotation({
      config: getConfig(),
      run: runFor("cancel"),
      secret: await describeExisting(),
    });

    // Act
    const cancelled = await cancelRotation(rotation);
    const again = await cancelRotation(rotation);

    // Assess
    expect(cancelled).toEqual({ removed: true });
    expect(again).toEqual({ removed: false });
    const all = await labels(seeded.arn);
    expect(holdersOf(all, "AWSPENDING")).toEqual([]);
    expect(holdersOf(all, "AWSCURRENT")).toEqual([seeded.versionId]);
    expect((await describeExisting()).pendingVersionId).toBeUndefined();
  });

  it("refuses to rotate a secret that does not exist yet", async () => {
    const act = startRotation({
      config: getConfig(),
      run: runFor("none"),
      secret: { exists: false, name: secretName },
    });
    await expect(act).rejects.toThrow(InvalidInput);
  });

  it("refuses to stage again a token whose version is already AWSCURRENT", async () => {
    // Prepare
    const seeded = await seedSecret();
    const options = { arn: seeded.arn, length: 64, excludeCharacters: SECRET_EXCLUDED_CHARACTERS };

    // Act
    const act = putPendingVersion({ ...options, clientRequestToken: seeded.versionId });

    // Assess
    await expect(act).rejects.toThrow(/already AWSCURRENT/);
    expect(holdersOf(await labels(seeded.arn), "AWSPENDING")).toEqual([]);
  });

  it("gives a cancelled version its AWSPENDING label back when its own token is staged again", async () => {
    // Prepare
    const seeded = await seedSecret();
    const token = requestTokenFor(runFor("again").executionId, "rotate");
    const options = { arn: seeded.arn, length: 64, excludeCharacters: SECRET_EXCLUDED_CHARACTERS };
    await putPendingVersion({ ...options, clientRequestToken: token });
    const staged = await secretValueOf(seeded.arn, { versionId: token });
    await removePendingLabel({ arn: seeded.arn, pendingVersionId: token });

    // Act
    const restaged = await putPendingVersion({ ...options, clientRequestToken: token });

    // Assess
    expect(restaged).toEqual({ versionId: token });
    expect(holdersOf(await labels(seeded.arn), "AWSPENDING")).toEqual([token]);
    expect(await secretValueOf(seeded.arn, { versionId: token })).toBe(staged);
  });
});
