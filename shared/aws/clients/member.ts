import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/**
 * How the hub reaches a member target: the member role to assume, the external id the role's trust
 * policy wants, and the region its directories are in.
 */
export interface MemberAccess {
  /** `<account>:<region>`. */
  key: string;
  region: string;
  roleArn: string;
  /** Empty when the member role asks for none. */
  externalId: string;
}

/** Temporary credentials as the SDK's clients take them. */
interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * STS's shortest session: no step runs longer than a Lambda's 30 s, and a container reused later
 * assumes the role again ({@link refreshBeforeMs} before the end).
 */
const sessionSeconds = 900;

/** Credentials are replaced this long before they expire, so no call is signed with nearly dead ones. */
const refreshBeforeMs = 5 * 60 * 1000;

/**
 * STS in the hub's own region (`AWS_REGION`), through the same endpoint configuration as every other
 * client; created on first use, so a function that never reaches a member never builds it. The
 * Lambda runtime ships `@aws-sdk/client-sts` with the other clients.
 */
let sts: STSClient | undefined;

/** The credentials of each member role (by role ARN and external id), assumed once per container. */
const sessions = new Map<string, Promise<TemporaryCredentials>>();

async function assume(access: MemberAccess): Promise<TemporaryCredentials> {
  sts ??= new STSClient({});
  const { Credentials: credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: access.roleArn,
      RoleSessionName: "radius-sync-hub",
      DurationSeconds: sessionSeconds,
      // Written out, not spread: what the request carries is known (no Tags, so no sts:TagSession).
      ExternalId: access.externalId === "" ? undefined : access.externalId,
    }),
  );
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new Error(`AssumeRole of ${access.roleArn} returned no credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration ?? new Date(Date.now() + sessionSeconds * 1000),
  };
}

/**
 * The member role's credentials as a provider the SDK calls before each request: assumed on first
 * use, shared by every client of that role, and assumed again when they are about to expire. A failed
 * AssumeRole is not kept, so the next call tries again.
 */
function credentialsFor(access: MemberAccess): () => Promise<TemporaryCredentials> {
  const key = `${access.roleArn}|${access.externalId}`;
  return async () => {
    const cached = sessions.get(key);
    if (cached !== undefined) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && credentials.expiration.getTime() - Date.now() > refreshBeforeMs) return credentials;
    }
    const fresh = assume(access);
    sessions.set(key, fresh);
    fresh.catch(() => sessions.delete(key));
    return await fresh;
  };
}

const clientsByTarget = new Map<string, unknown>();

/**
 * An SDK client acting in a member target (its region, the member role's credentials), created once
 * per container; `home` itself when there is no member access (the hub's own account and region).
 *
 * @example
 * ```ts
 * const client = clientIn("ds", DirectoryServiceClient, clients.ds, access);
 * ```
 */
export function clientIn<Client>(
  service: string,
  Constructor: new (config: { region: string; credentials: () => Promise<TemporaryCredentials> }) => Client,
  home: Client,
  access: MemberAccess | undefined,
): Client {
  if (access === undefined) return home;
  const key = `${service}|${access.key}|${access.roleArn}|${access.externalId}`;
  let client = clientsByTarget.get(key) as Client | undefined;
  if (client === undefined) {
    client = new Constructor({ region: access.region, credentials: credentialsFor(access) });
    clientsByTarget.set(key, client);
  }
  return client;
}

/**
 * Forgets every member client and session: for tests, whose emulator forgets the temporary
 * credentials it issued when it is reset between tests.
 *
 * @example
 * ```ts
 * forgetMemberClients();
 * ```
 */
export function forgetMemberClients(): void {
  sessions.clear();
  clientsByTarget.clear();
  sts = undefined;
}
