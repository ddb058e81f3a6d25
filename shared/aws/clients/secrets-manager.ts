import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * The Secrets Manager client, created once per Lambda container. Its own module so that a function bundles
 * only the SDK clients its adapters use; `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/secrets-manager.js";
 * await clients.secretsManager.send(command);
 * ```
 */
export const secretsManager = new SecretsManagerClient({});
