/**
 * Which AWS account a call acts in, by moto's own rule (moto 5.2.x, read from its source):
 *
 * 1. `BaseResponse.get_current_account` (moto/core/responses.py) takes the `MOTO_ACCOUNT_ID`
 *    environment variable of the server first (the rig never sets it), then the request's
 *    `x-moto-account-id` header, then the account of the request's access key;
 * 2. the access key is read from the Authorization header by `access_key_regex`, which takes only
 *    a key of exactly 20 characters `[A-Z0-9]` (moto's dummies `testing` are none: they count as
 *    `AKIAEXAMPLE`);
 * 3. `get_account_id_from` (moto/iam/models.py) looks the key up among the IAM access keys of every
 *    account — an IAM user's (`CreateAccessKey`, in the caller's account) and the temporary keys STS
 *    issued (`create_temp_access_key`) — and answers the default account `123456789012` for any
 *    other key.
 * 4. STS `AssumeRole` (moto/sts/models.py `_create_access_key`) issues its key in the account of the
 *    `RoleArn` (`arn:aws:iam::<account>:…`), which its reply names in `AssumedRoleUser/Arn`
 *    (`arn:aws:sts::<account>:assumed-role/…`); the role need not exist.
 *
 * The proxy learns each issued key from the replies that pass through it ({@link learnIssuedKeys}),
 * so a call's account is what moto will take. Keys the rig's own clients obtain straight from moto
 * are never seen here; they act through the `x-moto-account-id` header instead (`rigClient`).
 */
import { testRegion } from "../environment.js";
import type { AwsCall, AwsReply } from "./aws-call.js";

/** moto's default account (`DEFAULT_ACCOUNT_ID`), the hub's own in every test. */
export const defaultAccount = "123456789012";

/** An account and a region: where a call acts, or where a double's state lives. */
export interface AccountScope {
  /** 12 digits. */
  account: string;
  region: string;
}

/** The home scope: moto's default account and the tests' region. */
export const homeScope: Readonly<AccountScope> = { account: defaultAccount, region: testRegion };

/** The header moto reads before the access key (`get_current_account`, PRIO 2). */
export const motoAccountHeader = "x-moto-account-id";

const issuedKeys = new Map<string, string>();
/** moto's `access_key_regex` (moto/core/responses.py) takes only 20-character keys. */
const motoKeyPattern = /^[A-Z0-9]{20}$/;

/**
 * The given scope, or the home scope for the parts left out.
 *
 * @example
 * ```ts
 * scopeOf(undefined); // { account: "123456789012", region: "us-east-1" }
 * ```
 */
export function scopeOf(scope?: Partial<AccountScope>): AccountScope {
  return { account: scope?.account ?? homeScope.account, region: scope?.region ?? homeScope.region };
}

/**
 * Where a call acts: its account and its region.
 *
 * @example
 * ```ts
 * const ds = rigClient(DirectoryServiceClient, callScope(call)); // the caller's account and region
 * ```
 */
export function callScope(call: Pick<AwsCall, "account" | "region">): AccountScope {
  return { account: call.account, region: call.region };
}

/**
 * A map key for a scope and an id, for doubles that keep state per account and region.
 *
 * @example
 * ```ts
 * scopedKey({ account: "111122223333", region: "eu-west-1" }, "d-1234567890"); // "111122223333/eu-west-1/d-1234567890"
 * ```
 */
export function scopedKey(scope: AccountScope, id: string): string {
  return `${scope.account}/${scope.region}/${id}`;
}

/**
 * The account moto will take for a request signed with `accessKeyId` (see the module's rule).
 *
 * @example
 * ```ts
 * accountOfRequest({ accessKeyId: "testing" }); // "123456789012"
 * ```
 */
export function accountOfRequest(request: { accessKeyId: string; accountHeader?: string }): string {
  if (request.accountHeader) return request.accountHeader;
  if (!motoKeyPattern.test(request.accessKeyId)) return defaultAccount;
  return issuedKeys.get(request.accessKeyId) ?? defaultAccount;
}

/**
 * Learns the keys a successful reply issues: STS `AssumeRole*` (the account of
 * `AssumedRoleUser/Arn`) and IAM `CreateAccessKey` (the caller's account). Both are query-protocol
 * XML replies.
 *
 * @example
 * ```ts
 * learnIssuedKeys(call, reply); // the proxy calls it for every reply
 * ```
 */
export function learnIssuedKeys(call: AwsCall, reply: AwsReply): void {
  if (!reply.ok) return;
  const assumesRole = call.service === "sts" && call.operation.startsWith("AssumeRole");
  const createsKey = call.service === "iam" && call.operation === "CreateAccessKey";
  if (!assumesRole && !createsKey) return;
  const text = reply.bodyFor(call).toString("utf8");
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text)?.[1];
  if (accessKeyId === undefined) return;
  const account = assumesRole
    ? /<Arn>arn:[^:]+:sts::(\d{12}):assumed-role\/[^<]*<\/Arn>/.exec(text)?.[1]
    : call.account;
  if (account !== undefined) issuedKeys.set(accessKeyId, account);
}

/**
 * Forgets every learned key: moto forgets them at each reset (the harness removes the doubles
 * before the next one, and this with them).
 *
 * @example
 * ```ts
 * forgetIssuedKeys();
 * ```
 */
export function forgetIssuedKeys(): void {
  issuedKeys.clear();
}
