import { DirectoryServiceClient } from "@aws-sdk/client-directory-service";

/**
 * The Directory Service client, created once per Lambda container. Its own module so that a function bundles
 * only the SDK clients its adapters use; `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/ds.js";
 * await clients.ds.send(command);
 * ```
 */
export const ds = new DirectoryServiceClient({});
