import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import type { SecretState } from "../core/model.js";
import { InvalidInput } from "../errors.js";
import { asWorkflowError, awsErrorName } from "./aws-errors.js";
import * as clients from "./clients/secrets-manager.js";

/** The staging labels of a secret's labelled versions (DescribeSecret lists no deprecated ones). */
export interface StagingLabels {
  arn: string;
  /** Version id → its labels. */
  versions: Map<string, string[]>;
}

/**
 * Reads which version holds which staging label, with DescribeSecret only (no value, no dates).
 *
 * @example
 * ```ts
 * const { arn, versions } = await readStagingLabels("radius-sync/shared-secret");
 * holderOf(versions, "AWSPENDING"); // a version id or undefined
 * ```
 */
export async function readStagingLabels(
  secretId: string,
  client: SecretsManagerClient = clients.secretsManager,
): Promise<StagingLabels> {
  try {
    const response = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return { arn: response.ARN ?? "", versions: new Map(Object.entries(response.VersionIdsToStages ?? {})) };
  } catch (error) {
    throw asWorkflowError(error, "DescribeSecret");
  }
}

/**
 * The version that holds a staging label, if any.
 *
 * @example
 * ```ts
 * holderOf(new Map([["v1", ["AWSCURRENT"]]]), "AWSCURRENT"); // "v1"
 * ```
 */
export function holderOf(
  versions: ReadonlyMap<string, readonly string[]>,
  stage: string,
): string | undefined {
  return [...versions].find(([, labels]) => labels.includes(stage))?.[0];
}

/**
 * Reads the shared secret's metadata (ARN, the versions holding AWSCURRENT / AWSPENDING, and when
 * the AWSCURRENT version was created), never its value. Calls DescribeSecret and ListSecretVersionIds.
 *
 * @example
 * ```ts
 * const state = await describeSharedSecret("radius-sync/shared-secret");
 * if (state.exists) state.currentVersionId;
 * ```
 */
export async function describeSharedSecret(
  name: string,
  client: SecretsManagerClient = clients.secretsManager,
): Promise<SecretState> {
  let labels: StagingLabels;
  try {
    labels = await readStagingLabels(name, client);
  } catch (error) {
    if (awsErrorName(error) === "ResourceNotFoundException") return { exists: false, name };
    throw error;
  }
  const currentVersionId = holderOf(labels.versions, "AWSCURRENT");
  if (!labels.arn || !currentVersionId) return { exists: false, name };
  const state: SecretState = { exists: true, name, arn: labels.arn, currentVersionId };
  const pendingVersionId = holderOf(labels.versions, "AWSPENDING");
  if (pendingVersionId && pendingVersionId !== currentVersionId) state.pendingVersionId = pendingVersionId;
  // DescribeSecret has no per-version dates; the AWSCURRENT version's creation is the last rotation.
  const createdAt = await readVersionCreatedAt({ arn: labels.arn, versionId: currentVersionId }, client);
  if (createdAt) state.currentVersionCreatedAt = createdAt;
  return state;
}

/** A new secret value from GetRandomPassword; it goes straight into Secrets Manager, nowhere else. */
async function generateSecret(
  options: { length: number; excludeCharacters: string },
  client: SecretsManagerClient,
): Promise<string | undefined> {
  try {
    const generated = await client.send(
      new GetRandomPasswordCommand({
        PasswordLength: options.length,
        ExcludeCharacters: options.excludeCharacters,
        IncludeSpace: false,
        RequireEachIncludedType: true,
      }),
    );
    return generated.RandomPassword;
  } catch (error) {
    throw asWorkflowError(error, "GetRandomPassword");
  }
}

/**
 * Creates the shared secret from a Secrets Manager generated password. The client request token makes
 * a retried creation a no-op; a secret that already exists (a crashed earlier run) is returned as is.
 *
 * @example
 * ```ts
 * const { arn, versionId } = await createSharedSecret({ name, length: 64, excludeCharacters, clientRequestToken });
 * ```
 */
export async function createSharedSecret(
  options: { name: string; length: number; excludeCharacters: string; clientRequestToken: string },
  client = clients.secretsManager,
): Promise<{ arn: string; versionId: string }> {
  try {
    const created = await client.send(
      new CreateSecretCommand({
        Name: options.name,
        SecretString: await generateSecret(options, client),
        ClientRequestToken: options.clientRequestToken,
        Description: "RADIUS shared secret between AWS Directory Service and NPS, managed by radius-sync",
        Tags: [{ Key: "managed-by", Value: "radius-sync" }],
      }),
    );
    return { arn: created.ARN ?? "", versionId: created.VersionId ?? "" };
  } catch (error) {
    if (awsErrorName(error) === "ResourceExistsException") {
      const existing = await readStagingLabels(options.name, client);
      const currentVersionId = holderOf(existing.versions, "AWSCURRENT");
      if (currentVersionId) return { arn: existing.arn, versionId: currentVersionId };
    }
    throw asWorkflowError(error, "CreateSecret");
  }
}

/**
 * Reads one version of the shared secret. Only the Lambda that hands it to Directory Service calls
 * this; the value must never be logged or returned.
 *
 * @example
 * ```ts
 * const secret = await readSharedSecret({ secretArn, versionId });
 * ```
 */
export async function readSharedSecret(
  options: { secretArn: string; versionId: string },
  client = clients.secretsManager,
): Promise<string> {
  try {
    const response = await client.send(
      new GetSecretValueCommand({ SecretId: options.secretArn, VersionId: options.versionId }),
    );
    return response.SecretString ?? "";
  } catch (error) {
    throw asWorkflowError(error, "GetSecretValue");
  }
}

/**
 * When a version was created (ISO), from ListSecretVersionIds; undefined when AWS does not say.
 *
 * @example
 * ```ts
 * await readVersionCreatedAt({ arn, versionId }); // "2026-10-25T03:00:12.000Z"
 * ```
 */
export async function readVersionCreatedAt(
  options: { arn: string; versionId: string },
  client: SecretsManagerClient = clients.secretsManager,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListSecretVersionIdsCommand({
          SecretId: options.arn,
          IncludeDeprecated: true,
          NextToken: nextToken,
        }),
      );
      const version = page.Versions?.find((candidate) => candidate.VersionId === options.versionId);
      if (version) return version.CreatedDate?.toISOString();
      // moto answers NextToken "" on the last page.
      nextToken = page.NextToken || undefined;
    } while (nextToken);
  } catch (error) {
    throw asWorkflowError(error, "ListSecretVersionIds");
  }
  return undefined;
}

async function moveStage(
  options: { arn: string; stage: string; moveTo?: string; removeFrom?: string },
  client: SecretsManagerClient,
): Promise<void> {
  try {
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: options.arn,
        VersionStage: options.stage,
        MoveToVersionId: options.moveTo,
        RemoveFromVersionId: options.removeFrom,
      }),
    );
  } catch (error) {
    throw asWorkflowError(error, "UpdateSecretVersionStage");
  }
}

/**
 * Stages a new generated secret as `AWSPENDING`, with the client request token as its version id.
 * Idempotent per token: when that version exists already its id is returned without generating
 * again (a cancelled one gets its `AWSPENDING` label back). Only one version ever holds `AWSPENDING`.
 * Calls DescribeSecret, GetRandomPassword, PutSecretValue and UpdateSecretVersionStage.
 *
 * @throws {InvalidInput} when the token's version was promoted already (that rotation finished).
 *
 * @example
 * ```ts
 * const { versionId } = await putPendingVersion({ arn, length: 64, excludeCharacters, clientRequestToken });
 * ```
 */
export async function putPendingVersion(
  options: { arn: string; length: number; excludeCharacters: string; clientRequestToken: string },
  client: SecretsManagerClient = clients.secretsManager,
): Promise<{ versionId: string }> {
  const { arn, clientRequestToken } = options;
  // Check first: PutSecretValue with a used token and another value fails on AWS, and on moto it
  // silently overwrites a pending version, so a retry must never generate again.
  const { versions } = await readStagingLabels(arn, client);
  const labels = versions.get(clientRequestToken) ?? [];
  if (labels.includes("AWSCURRENT") || labels.includes("AWSPREVIOUS")) {
    throw new InvalidInput(
      `secret ${arn} version ${clientRequestToken} is already ${labels.join(", ")}: this rotation ` +
        "finished; start a new execution to rotate again",
    );
  }
  if (labels.includes("AWSPENDING")) return { versionId: clientRequestToken };
  try {
    const put = await client.send(
      new PutSecretValueCommand({
        SecretId: arn,
        SecretString: await generateSecret(options, client),
        ClientRequestToken: clientRequestToken,
        VersionStages: ["AWSPENDING"],
      }),
    );
    return { versionId: put.VersionId ?? clientRequestToken };
  } catch (error) {
    if (awsErrorName(error) !== "ResourceExistsException") throw asWorkflowError(error, "PutSecretValue");
  }
  // The token's version exists without labels (cancelled, so DescribeSecret does not list it):
  // give it AWSPENDING back rather than a value it never had.
  const removeFrom = holderOf((await readStagingLabels(arn, client)).versions, "AWSPENDING");
  await moveStage({ arn, stage: "AWSPENDING", moveTo: clientRequestToken, removeFrom }, client);
  return { versionId: clientRequestToken };
}

/**
 * Makes the pending version `AWSCURRENT` (AWS labels the version it leaves `AWSPREVIOUS`), then
 * drops its `AWSPENDING` label. Idempotent: a promoted version is left as is. AWSCURRENT is taken
 * from whichever version holds it now, which is `currentVersionId` unless someone moved it meanwhile;
 * every side holds the pending version at this point, so promoting it is what keeps them in agreement.
 * Calls DescribeSecret and UpdateSecretVersionStage.
 *
 * @example
 * ```ts
 * const { previousVersionId } = await promotePendingVersion({ arn, pendingVersionId, currentVersionId });
 * ```
 */
export async function promotePendingVersion(
  options: { arn: string; pendingVersionId: string; currentVersionId: string },
  client: SecretsManagerClient = clients.secretsManager,
): Promise<{ currentVersionId: string; previousVersionId: string }> {
  const { arn, pendingVersionId } = options;
  const { versions } = await readStagingLabels(arn, client);
  const labels = versions.get(pendingVersionId) ?? [];
  let previousVersionId = holderOf(versions, "AWSPREVIOUS") ?? options.currentVersionId;
  if (!labels.includes("AWSCURRENT")) {
    const holder = holderOf(versions, "AWSCURRENT") ?? options.currentVersionId;
    await moveStage({ arn, stage: "AWSCURRENT", moveTo: pendingVersionId, removeFrom: holder }, client);
    previousVersionId = holder;
  }
  if (labels.includes("AWSPENDING")) {
    await moveStage({ arn, stage: "AWSPENDING", removeFrom: pendingVersionId }, client);
  }
  return { currentVersionId: pendingVersionId, previousVersionId };
}

/**
 * Removes `AWSPENDING` from a version; a no-op when that version no longer holds it (or is gone).
 * Calls DescribeSecret and UpdateSecretVersionStage.
 *
 * @example
 * ```ts
 * const { removed } = await removePendingLabel({ arn, pendingVersionId });
 * ```
 */
export async function removePendingLabel(
  options: { arn: string; pendingVersionId: string },
  client: SecretsManagerClient = clients.secretsManager,
): Promise<{ removed: boolean }> {
  const { versions } = await readStagingLabels(options.arn, client);
  if (!versions.get(options.pendingVersionId)?.includes("AWSPENDING")) return { removed: false };
  await moveStage({ arn: options.arn, stage: "AWSPENDING", removeFrom: options.pendingVersionId }, client);
  return { removed: true };
}
