import { SFNClient } from "@aws-sdk/client-sfn";

/**
 * The Step Functions client, created once per Lambda container (the health check starts a reconcile
 * with it). Its own module so that a function bundles only the SDK clients its adapters use;
 * `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/sfn.js";
 * await clients.sfn.send(command);
 * ```
 */
export const sfn = new SFNClient({});
