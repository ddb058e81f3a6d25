import { paginateDescribeWorkspaceDirectories } from "@aws-sdk/client-workspaces";
import { asWorkflowError } from "./aws-errors.js";
import * as clients from "./clients/workspaces.js";

/**
 * Lists the ids of directories registered with WorkSpaces (state REGISTERED), across all pages.
 *
 * @example
 * ```ts
 * const ids = await listRegisteredDirectoryIds(); // ["d-0123456789"]
 * ```
 */
export async function listRegisteredDirectoryIds(client = clients.workspaces): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const page of paginateDescribeWorkspaceDirectories({ client }, {})) {
      for (const directory of page.Directories ?? []) {
        if (directory.State === "REGISTERED" && directory.DirectoryId) ids.push(directory.DirectoryId);
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "DescribeWorkspaceDirectories");
  }
  return ids.sort();
}
