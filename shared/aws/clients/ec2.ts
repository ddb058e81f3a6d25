import { EC2Client } from "@aws-sdk/client-ec2";
import { clientIn, type MemberAccess } from "./member.js";

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

/**
 * The EC2 client acting in a hub's member target; the container's own client for
 * the hub's own account and region (no access).
 *
 * @example
 * ```ts
 * await ec2In(access).send(command);
 * ```
 */
export const ec2In = (access: MemberAccess | undefined): EC2Client => clientIn("ec2", EC2Client, ec2, access);
