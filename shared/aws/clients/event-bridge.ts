import { EventBridgeClient } from "@aws-sdk/client-eventbridge";

/**
 * The EventBridge client, created once per Lambda container. Its own module so that a function bundles
 * only the SDK clients its adapters use; `shared/aws/clients.ts` collects the same instance.
 *
 * @example
 * ```ts
 * import * as clients from "./clients/event-bridge.js";
 * await clients.eventBridge.send(command);
 * ```
 */
export const eventBridge = new EventBridgeClient({});
