import { DirectoryId, type RegisteredDirectory } from "./model.js";
import { compareText } from "./ordering.js";

/** A WorkSpaces directory radius-sync leaves alone, with why. */
export interface SkippedDirectory {
  directoryId: string;
  reason: string;
}

function describeKind(directory: RegisteredDirectory): string {
  const facts = [
    directory.workspaceType === "POOLS" ? "WorkSpaces Pools" : undefined,
    directory.userIdentityType === "AWS_IAM_IDENTITY_CENTER" ? "IAM Identity Center users" : undefined,
    directory.directoryType ? `type ${directory.directoryType}` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  return facts.length > 0 ? ` (${facts.join(", ")})` : "";
}

/**
 * Separates the WorkSpaces directories that are AWS Directory Service directories — the only ones
 * with RADIUS settings, and the only ids Directory Service accepts (`^d-[0-9a-f]{10}$`, botocore
 * ds/2015-04-16 `DirectoryId`) — from WorkSpaces-only directories (`wsd-…`: WorkSpaces Pools, IAM
 * Identity Center, Microsoft Entra ID). Passing one of those to DescribeDirectories fails the whole
 * call, so they are set aside first, each with the reason a person reads in the plan or status.
 *
 * @example
 * ```ts
 * splitRegisteredDirectories([{ directoryId: "d-0123456789" }, { directoryId: "wsd-0123abcd", workspaceType: "POOLS" }]);
 * // { directoryServiceIds: ["d-0123456789"],
 * //   skipped: [{ directoryId: "wsd-0123abcd", reason: "a WorkSpaces directory (WorkSpaces Pools) that …" }] }
 * ```
 */
export function splitRegisteredDirectories(registered: readonly RegisteredDirectory[]): {
  directoryServiceIds: string[];
  skipped: SkippedDirectory[];
} {
  const directoryServiceIds: string[] = [];
  const skipped: SkippedDirectory[] = [];
  for (const directory of [...registered].sort((a, b) => compareText(a.directoryId, b.directoryId))) {
    if (DirectoryId.safeParse(directory.directoryId).success) {
      directoryServiceIds.push(directory.directoryId);
      continue;
    }
    skipped.push({
      directoryId: directory.directoryId,
      reason:
        `a WorkSpaces directory${describeKind(directory)} that is not an AWS Directory Service directory, ` +
        "so it has no RADIUS settings to manage",
    });
  }
  return { directoryServiceIds, skipped };
}
