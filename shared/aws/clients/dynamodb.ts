import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * The DynamoDB client, created once per Lambda container. Its own module so that a function bundles
 * only the SDK clients its adapters use; `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/dynamodb.js";
 * await clients.dynamodb.send(command);
 * ```
 */
export const dynamodb = new DynamoDBClient({});
