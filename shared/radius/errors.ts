import { RadiusSyncError } from "../errors.js";

/**
 * Errors of the optional RADIUS probe. Like every workflow error, each class's
 * `name` is the string the state machine's Retry/Catch blocks match on, written as a literal so a
 * minifier that renames the classes cannot change it (see shared/errors.ts). Messages
 * name the server and the failed check, never the shared secret.
 *
 * @example
 * ```ts
 * try {
 *   await probeRadiusServer({ host: "10.0.1.5", secret, userName: "radius-sync-probe" });
 * } catch (error) {
 *   if (error instanceof RadiusProbeBadAuthenticator) {
 *     // the server signs with a different secret than the pending one: do not commit it
 *   }
 * }
 * ```
 */

/**
 * The server sent no reply after every attempt. RADIUS servers (FreeRADIUS, NPS)
 * silently drop requests whose Message-Authenticator does not verify, so a wrong
 * shared secret looks exactly like a server that is down or firewalled.
 */
export class RadiusProbeTimedOut extends RadiusSyncError {
  override name = "RadiusProbeTimedOut";
}

/** The server replied, but the reply does not verify under the secret we probed with. */
export class RadiusProbeBadAuthenticator extends RadiusSyncError {
  override name = "RadiusProbeBadAuthenticator";
}

/** The server replied with bytes that are not a well-formed RADIUS reply to our request. */
export class RadiusProbeMalformedReply extends RadiusSyncError {
  override name = "RadiusProbeMalformedReply";
}

/** The request could not be sent at all (for example no route to the host). */
export class RadiusProbeUnreachable extends RadiusSyncError {
  override name = "RadiusProbeUnreachable";
}

/** The names of the probe's errors, for the workflow's error-name list. */
export const radiusProbeErrorNames = [
  RadiusProbeTimedOut,
  RadiusProbeBadAuthenticator,
  RadiusProbeMalformedReply,
  RadiusProbeUnreachable,
].map((errorClass) => new errorClass("").name);
