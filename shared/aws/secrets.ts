import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
} from "@aws-sdk/client-secrets-manager";
import type { SecretState } from "../core/model.js";
import { asWorkflowError, awsErrorName } from "./aws-errors.js";
import { clients } from "./clients.js";

/**
 * Reads the shared secret's metadata (ARN, the versions holding AWSCURRENT / AWSPENDING), never its value.
 *
 * @example
 * ```ts
 * const state = await describeSharedSecret("radius-sync/shared-secret");
 * if (state.exists) state.currentVersionId;
 * ```
 */
export async function describeSharedSecret(
  name: string,
  client = clients.secretsManager,
): Promise<SecretState> {
  try {
    const response = await client.send(new DescribeSecretCommand({ SecretId: name }));
    const stages = Object.entries(response.VersionIdsToStages ?? {});
    const currentVersionId = stages.find(([, labels]) => labels.includes("AWSCURRENT"))?.[0];
    if (!response.ARN || !currentVersionId) return { exists: false, name };
    const state: SecretState = { exists: true, name, arn: response.ARN, currentVersionId };
    const pendingVersionId = stages.find(([, labels]) => labels.includes("AWSPENDING"))?.[0];
    if (pendingVersionId && pendingVersionId !== currentVersionId) state.pendingVersionId = pendingVersionId;
    return state;
  } catch (error) {
    if (awsErrorName(error) === "ResourceNotFoundException") return { exists: false, name };
    throw asWorkflowError(error, "DescribeSecret");
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
    const generated = await client.send(
      new GetRandomPasswordCommand({
        PasswordLength: options.length,
        ExcludeCharacters: options.excludeCharacters,
        IncludeSpace: false,
        RequireEachIncludedType: true,
      }),
    );
    const created = await client.send(
      new CreateSecretCommand({
        Name: options.name,
        SecretString: generated.RandomPassword,
        ClientRequestToken: options.clientRequestToken,
        Description: "RADIUS shared secret between AWS Directory Service and NPS, managed by radius-sync",
        Tags: [{ Key: "managed-by", Value: "radius-sync" }],
      }),
    );
    return { arn: created.ARN ?? "", versionId: created.VersionId ?? "" };
  } catch (error) {
    if (awsErrorName(error) === "ResourceExistsException") {
      const existing = await describeSharedSecret(options.name, client);
      if (existing.exists) return { arn: existing.arn, versionId: existing.currentVersionId };
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
