import { DirectoryNotFound, RadiusUpdateFailed, RadiusUpdateTimedOut, SecretInvalid } from "../errors.js";
import type { NetworkType, RadiusSettingsView } from "./model.js";
import { sortedUnique } from "./ordering.js";
import type { RadiusSettings } from "./plan-schema.js";
import { radiusServersFor } from "./radius-servers.js";

/**
 * The decisions of a directories phase (shared/steps/directory-radius.ts): which call each directory
 * gets, whether the secret read is usable, and after each look at Directory Service which directories
 * are done, which still wait and which error ends the phase. Pure: the step reads and writes.
 */

/** Longest list of directory ids quoted back in an error. */
export const maxQuotedDirectories = 20;

/**
 * Directory ids for an error message: the first {@link maxQuotedDirectories}, then how many more.
 *
 * @example
 * ```ts
 * quoteDirectoryIds(["d-0123456789", "d-1123456789"]); // "d-0123456789, d-1123456789"
 * ```
 */
export function quoteDirectoryIds(ids: readonly string[]): string {
  const more = ids.length - maxQuotedDirectories;
  return `${ids.slice(0, maxQuotedDirectories).join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/** "directory" for one, "directories" for any other count. */
function directories(count: number): string {
  return count === 1 ? "directory" : "directories";
}

/**
 * The Directory Service call a directory of the phase gets: EnableRadius when the plan found no RADIUS
 * on it, UpdateRadius otherwise.
 *
 * @example
 * ```ts
 * radiusCallFor("d-0123456789", new Set(["d-0123456789"])); // "enable"
 * ```
 */
export function radiusCallFor(directoryId: string, enable: ReadonlySet<string>): "enable" | "update" {
  return enable.has(directoryId) ? "enable" : "update";
}

/**
 * Whether a failed EnableRadius should be sent again as UpdateRadius: only when Directory Service
 * answered EntityAlreadyExistsException (botocore ds/2015-04-16 service-2.json, EnableRadius errors),
 * which means an earlier attempt got that far. Any other error, InvalidParameterException included,
 * is a real refusal and must surface.
 *
 * @example
 * ```ts
 * retryEnableAsUpdate("enable", "EntityAlreadyExistsException"); // true
 * retryEnableAsUpdate("update", "EntityAlreadyExistsException"); // false
 * ```
 */
export function retryEnableAsUpdate(action: "enable" | "update", errorName: string | undefined): boolean {
  return action === "enable" && errorName === "EntityAlreadyExistsException";
}

/**
 * How many directories of a chunk were enabled and how many updated, for the log.
 *
 * @example
 * ```ts
 * countRadiusCalls(["enable", "update", "update"]); // { enabled: 1, updated: 2 }
 * ```
 */
export function countRadiusCalls(actions: readonly ("enable" | "update")[]): {
  enabled: number;
  updated: number;
} {
  const enabled = actions.filter((action) => action === "enable").length;
  return { enabled, updated: actions.length - enabled };
}

/**
 * The error for a secret version that fails the secret policy, or undefined when it has no problems.
 * The message names the version and the problems, never the value.
 *
 * @example
 * ```ts
 * unusableSecret({ arn, versionId: "v1", problems: ["is 7 characters; at least 8 are required"] });
 * // SecretInvalid("secret arn:… version v1 is not usable: is 7 characters; …")
 * ```
 */
export function unusableSecret(options: {
  arn: string;
  versionId: string;
  problems: readonly string[];
}): SecretInvalid | undefined {
  if (options.problems.length === 0) return undefined;
  return new SecretInvalid(
    `secret ${options.arn} version ${options.versionId} is not usable: ${options.problems.join("; ")}`,
  );
}

/** The settings a directory reports that decide whether it holds the phase's settings. */
export type ComparedRadiusSettings = Pick<
  RadiusSettings,
  "servers" | "serversIpv6" | "port" | "protocol" | "timeoutSeconds" | "retries"
>;

/**
 * Whether the RADIUS settings a directory reports are the wanted ones: the same servers in any order
 * (the phase's list is sorted before comparing), port, protocol, timeout and retries; nothing else.
 *
 * @example
 * ```ts
 * settingsMatch({ servers: ["10.0.2.7"], port: 1812, protocol: "PAP", timeoutSeconds: 30, retries: 1 }, wanted);
 * ```
 */
export function settingsMatch(
  actual: RadiusSettingsView | undefined,
  wanted: ComparedRadiusSettings,
  networkType?: NetworkType,
): boolean {
  if (!actual) return false;
  const lists = radiusServersFor(wanted, networkType);
  return (
    sortedUnique(actual.servers).join(",") === lists.servers.join(",") &&
    sortedUnique(actual.serversIpv6 ?? []).join(",") === lists.serversIpv6.join(",") &&
    actual.port === wanted.port &&
    actual.protocol === wanted.protocol &&
    actual.timeoutSeconds === wanted.timeoutSeconds &&
    actual.retries === wanted.retries
  );
}

/** What one DescribeDirectories look says about a directory (a DirectoryView fits). */
export interface DirectoryRadiusState {
  directoryId: string;
  radiusStatus?: string | undefined;
  radiusSettings?: RadiusSettingsView | undefined;
}

/** How the pending directories stand after one look. */
export interface DirectoryStatuses {
  /** RadiusStatus Completed with the phase's settings. */
  completed: string[];
  /** RadiusStatus Failed. */
  failed: string[];
  /** Not described at all: the directory is gone. */
  missing: string[];
  /** Anything else, with the status it reports ("(none)" when it reports none). */
  waiting: Array<{ directoryId: string; status: string }>;
}

/**
 * Sorts the pending directories by what one look at Directory Service found, in the order of
 * `pending`. Completed with other settings is still waiting: it is the state before Directory
 * Service picked the change up.
 *
 * @example
 * ```ts
 * sortByStatus([{ directoryId: "d-0123456789", radiusStatus: "Failed" }], settings, ["d-0123456789"]);
 * // (a fourth argument names the directories that are not IPv4 by network type)
 * // { completed: [], failed: ["d-0123456789"], missing: [], waiting: [] }
 * ```
 */
export function sortByStatus(
  views: readonly DirectoryRadiusState[],
  settings: ComparedRadiusSettings,
  pending: readonly string[],
  networkTypes: Readonly<Record<string, NetworkType>> = {},
): DirectoryStatuses {
  const byId = new Map(views.map((view) => [view.directoryId, view]));
  const statuses: DirectoryStatuses = { completed: [], failed: [], missing: [], waiting: [] };
  for (const directoryId of pending) {
    const view = byId.get(directoryId);
    if (!view) statuses.missing.push(directoryId);
    else if (view.radiusStatus === "Failed") statuses.failed.push(directoryId);
    else if (
      view.radiusStatus === "Completed" &&
      settingsMatch(view.radiusSettings, settings, networkTypes[directoryId])
    )
      statuses.completed.push(directoryId);
    else statuses.waiting.push({ directoryId, status: view.radiusStatus ?? "(none)" });
  }
  return statuses;
}

/** What a check of a directories phase concludes: the directories still pending, or the error that ends it. */
export type DirectoryCheckVerdict =
  | { status: "done" | "pending"; pending: string[] }
  | { status: "failed"; error: DirectoryNotFound | RadiusUpdateFailed | RadiusUpdateTimedOut };

/**
 * The verdict of one check (`attempt` counts this one): a directory that disappeared ends the phase
 * with DirectoryNotFound, then any RadiusStatus Failed with RadiusUpdateFailed naming every failed
 * directory; with nothing waiting the phase is done; at `maxPolls` checks the phase ends with
 * RadiusUpdateTimedOut naming the directories still waiting and their statuses; else it stays pending
 * on them. The completed directories are recorded whatever the verdict.
 *
 * @example
 * ```ts
 * judgeDirectoryCheck({ statuses, settings, attempt: 3, maxPolls: 120 }); // { status: "pending", pending: [...] }
 * ```
 */
export function judgeDirectoryCheck(options: {
  statuses: DirectoryStatuses;
  settings: Pick<RadiusSettings, "servers" | "port">;
  attempt: number;
  maxPolls: number;
}): DirectoryCheckVerdict {
  const { statuses, settings, attempt } = options;
  const { failed, missing, waiting } = statuses;
  if (missing.length > 0) {
    const error = new DirectoryNotFound(
      `${directories(missing.length)} ${quoteDirectoryIds(missing)} disappeared while RADIUS was being set`,
    );
    return { status: "failed", error };
  }
  const servers = settings.servers.join(", ");
  if (failed.length > 0) {
    const error = new RadiusUpdateFailed(
      `${failed.length} ${directories(failed.length)} ${failed.length === 1 ? "reports" : "report"} ` +
        `RadiusStatus Failed (${quoteDirectoryIds(failed)}): ` +
        `they could not reach RADIUS servers ${servers} on UDP ${settings.port} with the shared secret; ` +
        "check the NPS servers' RADIUS clients, the security groups and network ACLs between them",
    );
    return { status: "failed", error };
  }
  if (waiting.length === 0) return { status: "done", pending: [] };
  if (attempt >= options.maxPolls) {
    const waitingStatuses = [...new Set(waiting.map((entry) => entry.status))].join(", ");
    const error = new RadiusUpdateTimedOut(
      `${waiting.length} ${directories(waiting.length)} ` +
        `(${quoteDirectoryIds(waiting.map((entry) => entry.directoryId))}) ` +
        `still report RadiusStatus ${waitingStatuses} after ${attempt} checks; ` +
        `they may not reach RADIUS servers ${servers}`,
    );
    return { status: "failed", error };
  }
  return { status: "pending", pending: waiting.map((entry) => entry.directoryId) };
}
