import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

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

/**
 * The member role's temporary credentials, one provider per target per Lambda container: the SDK
 * assumes the role on first use and again shortly before the credentials expire (15 minutes, STS's
 * shortest, since no step runs longer). STS is called in the hub's own region (`AWS_REGION`), through
 * the same endpoint configuration as every other client.
 */
type CredentialProvider = ReturnType<typeof fromTemporaryCredentials>;

const providers = new Map<string, CredentialProvider>();

function credentialsFor(access: MemberAccess): CredentialProvider {
  const cacheKey = `${access.roleArn}|${access.externalId}`;
  let provider = providers.get(cacheKey);
  if (provider === undefined) {
    provider = fromTemporaryCredentials({
      params: {
        RoleArn: access.roleArn,
        RoleSessionName: "radius-sync-hub",
        DurationSeconds: 900,
        ...(access.externalId === "" ? {} : { ExternalId: access.externalId }),
      },
      ...(process.env.AWS_REGION ? { clientConfig: { region: process.env.AWS_REGION } } : {}),
    });
    providers.set(cacheKey, provider);
  }
  return provider;
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
  Constructor: new (config: { region: string; credentials: CredentialProvider }) => Client,
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
 * Forgets every member client and credential provider: for tests, whose emulator forgets the
 * temporary credentials it issued when it is reset between tests.
 *
 * @example
 * ```ts
 * forgetMemberClients();
 * ```
 */
export function forgetMemberClients(): void {
  providers.clear();
  clientsByTarget.clear();
}
