import { DirectoryServiceClient } from "@aws-sdk/client-directory-service";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { WorkSpacesClient } from "@aws-sdk/client-workspaces";

/**
 * One SDK client per service, created once per Lambda container.
 *
 * Region, credentials, endpoint (`AWS_ENDPOINT_URL`) and retries (`AWS_MAX_ATTEMPTS`)
 * come from the standard SDK configuration chain, so the same code talks to AWS in
 * production and to the emulator in tests and `npm start`.
 *
 * @example
 * ```ts
 * import { clients } from "../aws/clients.js";
 * await clients.ds.send(new DescribeDirectoriesCommand({}));
 * ```
 */
export const clients = {
  ds: new DirectoryServiceClient({}),
  workspaces: new WorkSpacesClient({}),
  ec2: new EC2Client({}),
  ssm: new SSMClient({}),
  secretsManager: new SecretsManagerClient({}),
  dynamodb: new DynamoDBClient({}),
  eventBridge: new EventBridgeClient({}),
};

/** The shape of {@link clients}; adapters accept it (or a part of it) for injection. */
export type Clients = typeof clients;
