/**
 * The rig's own credentials in a member account while moto enforces IAM. moto then looks the signing
 * key up in the account a call acts in (moto/iam/access_control.py `create_access_key`), where the
 * rig's IAM user does not exist, so the `x-moto-account-id` header cannot serve; instead the rig
 * assumes its own role there ({@link rigMemberRoleName}, which `seedMemberEstate` creates, allowed
 * everything). moto issues the key in the role's account (moto/sts/models.py `_create_access_key`)
 * and checks the caller's permission for `sts:AssumeRole` only, never a cross-account trust policy.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "./rig-clients.js";

/** The role the rig's own clients assume in a member account under IAM enforcement. */
export const rigMemberRoleName = "radius-sync-test-rig";

/**
 * A credentials provider (as SDK clients take one) that assumes the rig's role in `account` once,
 * with the rig's credentials, straight at moto; a failed attempt is tried again on the next call.
 *
 * @example
 * ```ts
 * new DirectoryServiceClient({ endpoint, region, credentials: rigMemberCredentials({ endpoint, base, account, region }) });
 * ```
 */
export function rigMemberCredentials(options: {
  endpoint: string;
  base: AwsCredentialIdentity;
  account: string;
  region: string;
}): () => Promise<AwsCredentialIdentity> {
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const sts = new STSClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.base,
      maxAttempts: 1,
    });
    try {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${options.account}:role/${rigMemberRoleName}`,
          RoleSessionName: "radius-sync-test-rig",
        }),
      );
      if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
        throw new Error(`moto issued no credentials for ${rigMemberRoleName} in ${options.account}`);
      return {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
      };
    } finally {
      sts.destroy();
    }
  };
  return () => {
    pending ??= assume().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
