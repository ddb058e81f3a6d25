import { createHash } from "node:crypto";
import * as z from "zod";

/**
 * The targets of a hub deployment: each an (account, region) whose WorkSpaces directories the hub
 * manages. The hub's own account and region is the home target, reached with the Lambda's own
 * credentials; every other one through the member role (member-role/member-role.yml). A directory is
 * known by its target and its id; a home directory carries no target anywhere (plans, phases, records,
 * NPS client names), so a deployment without targets is exactly what it was before hubs existed.
 */

/** A 12-digit AWS account id. */
export const AccountId = z.string().regex(/^[0-9]{12}$/, "must be a 12-digit AWS account id");

/** An AWS region name such as eu-west-1 or us-gov-west-1. */
export const RegionName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/, "must be an AWS region name such as eu-west-1");

/**
 * A target as it travels in plans, phases and records: `<account>:<region>`, for example
 * `111122223333:eu-west-1`.
 */
export const TargetKey = z
  .string()
  .regex(
    /^[0-9]{12}:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/,
    "must be <account>:<region>, such as 111122223333:eu-west-1",
  );
export type TargetKey = z.infer<typeof TargetKey>;

/** A target the hub manages (the home target included). */
export interface Target {
  /** `<account>:<region>`. */
  key: string;
  account: string;
  region: string;
  /** The hub's own account and region: reached with the Lambda's own credentials. */
  home: boolean;
  /**
   * The eight hex digits that qualify this target's NPS client names (shared/core/naming.ts); empty for
   * the home target, whose names carry none.
   */
  code: string;
  /** The member role to assume (absent for the home target). */
  roleArn?: string;
}

/**
 * The eight hex digits that stand for a target in NPS client names: the first 32 bits of the SHA-256 of
 * `<account>:<region>`. NPS names are short (80 characters, docs/nps.md), so the name carries this code
 * rather than 12 digits and a region; the configuration refuses two targets with one code, so within a
 * hub a code names one target.
 *
 * @example
 * ```ts
 * targetCode("111122223333:eu-west-1"); // eight lowercase hex digits, the same on every run
 * ```
 */
export function targetCode(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex").slice(0, 8);
}

/** The partition of a region: IAM role ARNs differ in China and GovCloud. */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * The member role's ARN in a target's account.
 *
 * @example
 * ```ts
 * memberRoleArn({ account: "111122223333", region: "eu-west-1" }, "radius-sync-prod-member");
 * // "arn:aws:iam::111122223333:role/radius-sync-prod-member"
 * ```
 */
export function memberRoleArn(target: { account: string; region: string }, roleName: string): string {
  return `arn:${partitionOf(target.region)}:iam::${target.account}:role/${roleName}`;
}

/**
 * A directory as people read it: its id, and for a member target's directory the account and region.
 *
 * @example
 * ```ts
 * directoryLabel("d-0123456789"); // "d-0123456789"
 * directoryLabel("d-0123456789", "111122223333:eu-west-1"); // "d-0123456789 (111122223333 eu-west-1)"
 * ```
 */
export function directoryLabel(directoryId: string, target?: string): string {
  if (target === undefined) return directoryId;
  const [account, region] = target.split(":");
  return `${directoryId} (${account} ${region})`;
}

/**
 * The id a directory's state-table record is kept under: its id for a home directory (as always), and
 * `<account>:<region>:<id>` for a member's, so two targets' records never meet.
 *
 * @example
 * ```ts
 * directoryRecordId("d-0123456789", "111122223333:eu-west-1"); // "111122223333:eu-west-1:d-0123456789"
 * ```
 */
export function directoryRecordId(directoryId: string, target?: string): string {
  return target === undefined ? directoryId : `${target}:${directoryId}`;
}

/**
 * The targets of a deployment from its configuration: home first, then each listed target that is not
 * home, in the order given. Throws a RangeError naming the entry for a duplicate, for a listed target
 * without the hub's account, and for two targets whose codes collide.
 *
 * @example
 * ```ts
 * resolveTargets({ hubAccount: "123456789012", hubRegion: "eu-west-1", listed: ["111122223333:eu-west-1"],
 *   memberRoleName: "radius-sync-prod-member" });
 * // [{ key: "123456789012:eu-west-1", home: true, code: "", … }, { key: "111122223333:eu-west-1", home: false, … }]
 * ```
 */
export function resolveTargets(options: {
  hubAccount: string;
  hubRegion: string;
  listed: readonly string[];
  memberRoleName: string;
}): Target[] {
  // A deployment that names no targets need not know its own account: it is then just "home".
  const homeKey =
    options.hubAccount && options.hubRegion ? `${options.hubAccount}:${options.hubRegion}` : "home";
  const home: Target = {
    key: homeKey,
    account: options.hubAccount,
    region: options.hubRegion,
    home: true,
    code: "",
  };
  const targets: Target[] = [home];
  const seen = new Set<string>();
  const codes = new Map<string, string>();
  for (const key of options.listed) {
    if (seen.has(key)) throw new RangeError(`${key} is listed twice`);
    seen.add(key);
    if (key === homeKey) continue;
    const [account = "", region = ""] = key.split(":");
    const code = targetCode(key);
    const other = codes.get(code);
    if (other !== undefined) {
      throw new RangeError(
        `${key} and ${other} share the NPS name code ${code}: manage one of them from another hub`,
      );
    }
    codes.set(code, key);
    targets.push({
      key,
      account,
      region,
      home: false,
      code,
      roleArn: memberRoleArn({ account, region }, options.memberRoleName),
    });
  }
  return targets;
}

/** How to reach a member target (shared/aws/clients/member.ts MemberAccess). */
export interface TargetAccess {
  key: string;
  region: string;
  roleArn: string;
  externalId: string;
}

/**
 * How to reach the target a directory belongs to: undefined for the hub's own (no target), the member
 * role and external id otherwise.
 *
 * @throws {RangeError} for a target the configuration does not list (it changed since the plan).
 *
 * @example
 * ```ts
 * const access = targetAccess(config, "111122223333:eu-west-1");
 * access?.roleArn; // "arn:aws:iam::111122223333:role/radius-sync-prod-member"
 * ```
 */
export function targetAccess(
  config: { targets: readonly Target[]; memberExternalId: string },
  key: string | undefined,
): TargetAccess | undefined {
  if (key === undefined) return undefined;
  const target = config.targets.find((candidate) => candidate.key === key);
  if (target === undefined) {
    throw new RangeError(`target ${key} is not among the configured targets (RADIUS_SYNC_TARGETS)`);
  }
  if (target.home || target.roleArn === undefined) return undefined;
  return { key, region: target.region, roleArn: target.roleArn, externalId: config.memberExternalId };
}
