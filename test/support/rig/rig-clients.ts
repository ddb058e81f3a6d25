/**
 * The rig's own SDK clients: what the doubles use for their own calls (reading EC2 instances,
 * applying UpdateRadius through DisableRadius + EnableRadius, reading the secret as the NPS host).
 * They go straight to moto, never through the proxy, so nothing records them as product calls, and
 * they sign with the rig's credentials: moto's dummy keys by default, an admin IAM user's keys when a
 * test turns moto's IAM enforcement on.
 */
import { testRegion } from "../environment.js";
import { currentProxy } from "./current-proxy.js";

/** Static AWS credentials, as an SDK client's `credentials` option takes them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** moto's dummy credentials, accepted while IAM enforcement is off. */
const dummyCredentials: AwsCredentialIdentity = { accessKeyId: "testing", secretAccessKey: "testing" };

let credentials: AwsCredentialIdentity = dummyCredentials;
const clients = new Map<unknown, { key: string; client: { destroy(): void } }>();

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

/**
 * One client of the given SDK class, pointed straight at moto (the current proxy's upstream) with
 * the rig's credentials and no retries; built once per moto and credentials.
 *
 * @example
 * ```ts
 * const ec2 = rigClient(EC2Client);
 * await ec2.send(new DescribeInstancesCommand({}));
 * ```
 */
export function rigClient<Client extends { destroy(): void }>(
  ClientClass: new (config: {
    endpoint: string;
    region: string;
    credentials: AwsCredentialIdentity;
    maxAttempts: number;
  }) => Client,
): Client {
  const endpoint = currentProxy().upstream;
  const key = `${endpoint}|${credentials.accessKeyId}`;
  const existing = clients.get(ClientClass);
  if (existing?.key === key) return existing.client as Client;
  existing?.client.destroy();
  const client = new ClientClass({ endpoint, region: testRegion, credentials, maxAttempts: 1 });
  clients.set(ClientClass, { key, client });
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
  for (const { client } of clients.values()) client.destroy();
  clients.clear();
}
