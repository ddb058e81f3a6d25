import { DirectoryServiceClient } from "@aws-sdk/client-directory-service";
import { clientIn, type MemberAccess } from "./member.js";

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

/**
 * The DirectoryService client acting in a hub's member target; the container's own client for
 * the hub's own account and region (no access).
 *
 * @example
 * ```ts
 * await dsIn(access).send(command);
 * ```
 */
export const dsIn = (access: MemberAccess | undefined): DirectoryServiceClient =>
  clientIn("ds", DirectoryServiceClient, ds, access);
