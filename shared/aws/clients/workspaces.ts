import { WorkSpacesClient } from "@aws-sdk/client-workspaces";

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
