/**
 * IAM users for tests that turn moto's IAM enforcement on (test/support/iam/enforcement.ts): each with
 * one inline policy and an access key, made while enforcement is off (EMULATOR-NOTES, "IAM").
 */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { testRegion } from "../environment.js";
import type { AwsCredentialIdentity } from "../rig/rig-clients.js";

/**
 * An IAM user allowed `actions` on every resource, and its access key.
 *
 * @example
 * ```ts
 * const operator = await userAllowedTo("operator", ["ds:DescribeDirectories"]);
 * new DirectoryServiceClient({ credentials: operator });
 * ```
 */
export async function userAllowedTo(name: string, actions: string[]): Promise<AwsCredentialIdentity> {
  const iam = new IAMClient({ region: testRegion, maxAttempts: 1 });
  await iam.send(new CreateUserCommand({ UserName: name }));
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] };
  await iam.send(
    new PutUserPolicyCommand({ UserName: name, PolicyName: "rig", PolicyDocument: JSON.stringify(policy) }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  iam.destroy();
  return { accessKeyId: AccessKey?.AccessKeyId ?? "", secretAccessKey: AccessKey?.SecretAccessKey ?? "" };
}
