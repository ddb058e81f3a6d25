import { createSharedSecret } from "../aws/secrets.js";
import type { Config } from "../config.js";
import { SECRET_EXCLUDED_CHARACTERS } from "../core/secret-policy.js";
import { requestTokenFor } from "../core/secret-versions.js";
import type { Run } from "../run.js";
import type { Work } from "./plan-step.js";

/**
 * Returns the secret ARN and the version id every side must hold, creating the secret first when
 * none exists yet. The value never leaves Secrets Manager here.
 *
 * @example
 * ```ts
 * const { arn, versionId } = await ensureSecret({ config, run, secret: work.secret });
 * ```
 */
export async function ensureSecret(options: {
  config: Readonly<Config>;
  run: Run;
  secret: Work["secret"];
}): Promise<{ arn: string; versionId: string; created: boolean }> {
  const { secret, config, run } = options;
  if (secret.action === "keep") return { arn: secret.arn, versionId: secret.versionId, created: false };
  const created = await createSharedSecret({
    name: secret.name,
    length: config.secret.length,
    excludeCharacters: SECRET_EXCLUDED_CHARACTERS,
    clientRequestToken: requestTokenFor(run.executionId),
  });
  return { ...created, created: true };
}
