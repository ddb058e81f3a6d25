import { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { clientIn, type MemberAccess } from "./member.js";

/**
 * The WorkSpaces client, created once per Lambda container. Its own module so that a function bundles
 * only the SDK clients its adapters use; `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/workspaces.js";
 * await clients.workspaces.send(command);
 * ```
 */
export const workspaces = new WorkSpacesClient({});

/**
 * The WorkSpaces client acting in a hub's member target; the container's own client for
 * the hub's own account and region (no access).
 *
 * @example
 * ```ts
 * await workspacesIn(access).send(command);
 * ```
 */
export const workspacesIn = (access: MemberAccess | undefined): WorkSpacesClient =>
  clientIn("workspaces", WorkSpacesClient, workspaces, access);
