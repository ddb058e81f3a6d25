/**
 * The rig's own SDK clients: what the doubles use for their own calls (reading EC2 instances,
 * applying UpdateRadius through DisableRadius + EnableRadius, reading the secret as the NPS host).
 * They go straight to moto, never through the proxy, so nothing records them as product calls, and
 * they sign with the rig's credentials: moto's dummy keys by default, an admin IAM user's keys when a
 * test turns moto's IAM enforcement on.
 */
import { type AccountScope, homeScope, motoAccountHeader, scopeOf } from "./accounts.js";
import { currentProxy } from "./current-proxy.js";
import { rigMemberCredentials } from "./member-credentials.js";

/** Static AWS credentials, as an SDK client's `credentials` option takes them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** moto's dummy credentials, accepted while IAM enforcement is off. */
const dummyCredentials: AwsCredentialIdentity = { accessKeyId: "testing", secretAccessKey: "testing" };

let credentials: AwsCredentialIdentity = dummyCredentials;
/** Per client class, per scope (`account/region`): the client and the moto + credentials it was built for. */
const clients = new Map<unknown, Map<string, { key: string; client: { destroy(): void } }>>();

/**
 * The credentials every rig client signs with.
 *
 * @example
 * ```ts
 * rigCredentials().accessKeyId; // "testing" unless a test set an IAM user's keys
 * ```
 */
export function rigCredentials(): AwsCredentialIdentity {
  return credentials;
}

/**
 * Sets the credentials of the rig's own calls (undefined: back to moto's dummies). Clients built
 * before are dropped, since an SDK client keeps the credentials it first resolved.
 *
 * @example
 * ```ts
 * setRigCredentials({ accessKeyId: admin.AccessKeyId, secretAccessKey: admin.SecretAccessKey });
 * ```
 */
export function setRigCredentials(next: AwsCredentialIdentity | undefined): void {
  credentials = next ?? dummyCredentials;
  destroyRigClients();
}

/** The middleware stack of an SDK v3 client, as far as the rig uses it. */
interface WithMiddleware {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { request: unknown }) => Promise<unknown>,
      ) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: "build"; name: string },
    ): void;
  };
}

/**
 * Makes every call of the client act in `account`: moto takes the `x-moto-account-id` header before
 * the access key (moto/core/responses.py `get_current_account`), so the rig needs no credentials of
 * the member account and none that the next reset forgets. With the dummy credentials only: under IAM
 * enforcement moto looks the signing key up in that account, where the rig's IAM user does not exist
 * (`member-credentials.ts` serves then).
 */
function actIn(client: unknown, account: string): void {
  (client as WithMiddleware).middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[motoAccountHeader] = account;
      return await next(args);
    },
    { step: "build", name: "rigActsInAccount" },
  );
}

/**
 * One client of the given SDK class, pointed straight at moto (the current proxy's upstream) with
 * the rig's credentials and no retries, acting in `scope` (default: the home account and region);
 * built once per moto, credentials and scope. In a member account it acts through the
 * `x-moto-account-id` header ({@link actIn}), or, once a test set the rig's credentials for IAM
 * enforcement, with the rig's own role there (`member-credentials.ts`, created by `seedMemberEstate`).
 *
 * @example
 * ```ts
 * const ec2 = rigClient(EC2Client);
 * await ec2.send(new DescribeInstancesCommand({}));
 * const memberDs = rigClient(DirectoryServiceClient, { account: "111122223333", region: "eu-west-1" });
 * ```
 */
export function rigClient<Client extends { destroy(): void }>(
  ClientClass: new (config: {
    endpoint: string;
    region: string;
    credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
    maxAttempts: number;
  }) => Client,
  scope?: AccountScope,
): Client {
  const { account, region } = scopeOf(scope);
  const endpoint = currentProxy().upstream;
  const key = `${endpoint}|${credentials.accessKeyId}`;
  const byScope = clients.get(ClientClass) ?? new Map<string, { key: string; client: { destroy(): void } }>();
  clients.set(ClientClass, byScope);
  const scopeKey = `${account}/${region}`;
  const existing = byScope.get(scopeKey);
  if (existing?.key === key) return existing.client as Client;
  existing?.client.destroy();
  const member = account !== homeScope.account;
  const enforced = credentials !== dummyCredentials;
  const client = new ClientClass({
    endpoint,
    region,
    credentials:
      member && enforced
        ? rigMemberCredentials({ endpoint, base: credentials, account, region })
        : credentials,
    maxAttempts: 1,
  });
  if (member && !enforced) actIn(client, account);
  byScope.set(scopeKey, { key, client });
  return client;
}

/**
 * Closes every rig client (their sockets would otherwise outlive the moto they talk to).
 *
 * @example
 * ```ts
 * afterAll(() => destroyRigClients());
 * ```
 */
export function destroyRigClients(): void {
  for (const byScope of clients.values()) for (const { client } of byScope.values()) client.destroy();
  clients.clear();
}
