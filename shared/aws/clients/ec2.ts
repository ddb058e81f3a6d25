import { EC2Client } from "@aws-sdk/client-ec2";

/**
 * The EC2 client, created once per Lambda container. Its own module so that a function bundles
 * only the SDK clients its adapters use; `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/ec2.js";
 * await clients.ec2.send(command);
 * ```
 */
export const ec2 = new EC2Client({});
