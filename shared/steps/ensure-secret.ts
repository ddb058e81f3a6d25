import { createHash } from "node:crypto";
import { createSharedSecret } from "../aws/secrets.js";
import type { Config } from "../config.js";
import { SECRET_EXCLUDED_CHARACTERS } from "../core/secret-policy.js";
import type { Run } from "../run.js";
import type { Work } from "./plan-step.js";

/**
 * A client request token derived from the execution id, so a retried or re-driven step cannot
 * create a second version.
 *
 * @example
 * ```ts
 * requestTokenFor("arn:aws:states:…:execution:…:abc"); // "3f2a…-…" (36 characters)
 * ```
 */
export function requestTokenFor(executionId: string, purpose = "create-secret"): string {
  const hex = createHash("sha256").update(`${purpose}:${executionId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

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
