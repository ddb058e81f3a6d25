/**
 * The RADIUS codec and probe, re-exported by name.
 *
 * @example
 * ```ts
 * import { probeRadiusServer, RadiusProbeTimedOut } from "../radius/index.js";
 * ```
 */
export {
  RadiusProbeBadAuthenticator,
  RadiusProbeMalformedReply,
  RadiusProbeTimedOut,
  RadiusProbeUnreachable,
  radiusProbeErrorNames,
} from "./errors.js";
export {
  type AccessRequestInput,
  decodePacket,
  encodeAccessRequest,
  encodePacket,
  hideUserPassword,
  type RadiusAttribute,
  RadiusAttributeType,
  RadiusCode,
  type RadiusPacket,
  type ResponseVerification,
  verifyResponse,
} from "./packet.js";
export { type ProbeOptions, ProbeOptionsSchema, type ProbeResult, probeRadiusServer } from "./probe.js";
