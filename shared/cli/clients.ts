import { DirectoryServiceClient } from "@aws-sdk/client-directory-service";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { WorkSpacesClient } from "@aws-sdk/client-workspaces";

/** The SDK clients the CLI talks to; never the Lambdas' shared clients (the CLI runs on a laptop). */
export interface CliClients {
  sfn: SFNClient;
  ds: DirectoryServiceClient;
  secretsManager: SecretsManagerClient;
  workspaces: WorkSpacesClient;
  /** Reads a large dry run's stored plan from the state table. */
  dynamodb: DynamoDBClient;
}

/** Where the CLI's clients send their calls and as whom. */
export interface ClientOptions {
  region?: string;
  /** A named profile of ~/.aws/config; the SDK resolves its credentials (ini, SSO, process) itself. */
  profile?: string;
  /** Overrides every client's endpoint, e.g. a local emulator. */
  endpoint?: string;
}

/**
 * Builds one client per service from the user's options; anything not given comes from the
 * standard SDK chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, …).
 *
 * @example
 * ```ts
 * const clients = createCliClients({ profile: "prod", region: "eu-west-1" });
 * ```
 */
export function createCliClients(options: ClientOptions = {}): CliClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    // The client-level `profile` is the SDK's per-client AWS_PROFILE: credentials via fromIni
    // (and SSO/process profiles), and the profile's region when --region is absent.
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
  return {
    sfn: new SFNClient(config),
    ds: new DirectoryServiceClient(config),
    secretsManager: new SecretsManagerClient(config),
    workspaces: new WorkSpacesClient(config),
    dynamodb: new DynamoDBClient(config),
  };
}
