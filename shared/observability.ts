import { Logger } from "@aws-lambda-powertools/logger";

/**
 * The product's structured logger. Log identifiers (directory ids, instance ids, command ids,
 * secret ARN and version id), never the secret or whole payloads.
 *
 * @example
 * ```ts
 * logger.info("directory updated", { directoryId });
 * ```
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "radius-sync" });
