import { paginateDescribeWorkspaceDirectories } from "@aws-sdk/client-workspaces";
import type { RegisteredDirectory } from "../core/model.js";
import { asWorkflowError } from "./aws-errors.js";
import * as clients from "./clients/workspaces.js";

/**
 * Lists the directories registered with WorkSpaces (state REGISTERED), across all pages, with the
 * fields that tell a Directory Service directory (`d-…`) from a WorkSpaces-only one (`wsd-…`:
 * WorkSpaces Pools, IAM Identity Center, Microsoft Entra ID).
 *
 * @example
 * ```ts
 * const directories = await listRegisteredDirectories();
 * // [{ directoryId: "d-0123456789", directoryType: "AD_CONNECTOR", workspaceType: "PERSONAL" }]
 * ```
 */
export async function listRegisteredDirectories(client = clients.workspaces): Promise<RegisteredDirectory[]> {
  const directories: RegisteredDirectory[] = [];
  try {
    for await (const page of paginateDescribeWorkspaceDirectories({ client }, {})) {
      for (const directory of page.Directories ?? []) {
        if (directory.State !== "REGISTERED" || !directory.DirectoryId) continue;
        const registered: RegisteredDirectory = { directoryId: directory.DirectoryId };
        if (directory.DirectoryType) registered.directoryType = directory.DirectoryType;
        if (directory.WorkspaceType) registered.workspaceType = directory.WorkspaceType;
        if (directory.UserIdentityType) registered.userIdentityType = directory.UserIdentityType;
        directories.push(registered);
      }
    }
  } catch (error) {
    throw asWorkflowError(error, "DescribeWorkspaceDirectories");
  }
  return directories.sort((left, right) => left.directoryId.localeCompare(right.directoryId));
}
