import { ds } from "./clients/ds.js";
import { dynamodb } from "./clients/dynamodb.js";
import { ec2 } from "./clients/ec2.js";
import { eventBridge } from "./clients/event-bridge.js";
import { secretsManager } from "./clients/secrets-manager.js";
import { sfn } from "./clients/sfn.js";
import { ssm } from "./clients/ssm.js";
import { workspaces } from "./clients/workspaces.js";

/**
 * Every SDK client of the product, one per service, created once per Lambda container.
 *
 * Each client lives in its own module under `shared/aws/clients/`, imported by its adapter only,
 * so a function bundles just the clients it uses (EC2's alone is ~1 MB minified). This object
 * collects the very same instances for the places that need all of them: the test doubles and
 * the API-call recorder iterate it, and scripts read the estate through it. Product code never
 * imports this aggregate.
 *
 * Region, credentials, endpoint (`AWS_ENDPOINT_URL`) and retries (`AWS_MAX_ATTEMPTS`) come from
 * the standard SDK configuration chain, so the same code talks to AWS in production and to the
 * emulator in tests and `npm start`.
 *
 * @example
 * ```ts
 * import { clients } from "../aws/clients.js";
 * await clients.ds.send(new DescribeDirectoriesCommand({}));
 * ```
 */
export const clients = { ds, workspaces, ec2, ssm, secretsManager, dynamodb, eventBridge, sfn };

/** The shape of {@link clients}; adapters accept it (or a part of it) for injection. */
export type Clients = typeof clients;
