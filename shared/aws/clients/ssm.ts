import { SSMClient } from "@aws-sdk/client-ssm";

/**
 * The Systems Manager client, created once per Lambda container. Its own module so that a function bundles
 * only the SDK clients its adapters use; `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/ssm.js";
 * await clients.ssm.send(command);
 * ```
 */
export const ssm = new SSMClient({});
