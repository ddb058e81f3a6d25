import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { InvalidInput } from "../errors.js";
import { RadiusProbeMalformedReply } from "./errors.js";

/**
 * A deliberately small RADIUS codec: exactly what the probe needs to send one
 * Access-Request (RFC 2865) signed with a Message-Authenticator (RFC 3579 §3.2)
 * and to check the reply. Built on node:crypto alone, because the authenticator
 * checks are the point and must be readable.
 */

/** RADIUS packet codes used here (RFC 2865 §3). */
export const RadiusCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccessChallenge: 11,
} as const;

/** RADIUS attribute types used here (RFC 2865 §5, RFC 3579 §3.2). */
export const RadiusAttributeType = {
  UserName: 1,
  UserPassword: 2,
  ReplyMessage: 18,
  State: 24,
  NasIdentifier: 32,
  MessageAuthenticator: 80,
} as const;

/** One attribute as it travels: type and raw value. */
export interface RadiusAttribute {
  type: number;
  value: Buffer;
}

/** A decoded packet. `authenticator` is the 16-octet field as received. */
export interface RadiusPacket {
  code: number;
  identifier: number;
  authenticator: Buffer;
  attributes: RadiusAttribute[];
}

/** What an Access-Request carries. The random parts come in so tests can fix them. */
export interface AccessRequestInput {
  /** 0–255; replies carry it back. */
  identifier: number;
  /** 16 unpredictable octets (RFC 2865 §3). */
  requestAuthenticator: Buffer;
  userName: string;
  password: string;
  nasIdentifier: string;
  secret: string;
}

/** The outcome of {@link verifyResponse}: why a reply does not check out, or the verified packet. */
export type ResponseVerification =
  | { verified: true; packet: RadiusPacket; messageAuthenticator: "verified" | "absent" }
  | {
      verified: false;
      reason:
        | "malformed"
        | "identifier-mismatch"
        | "response-authenticator-mismatch"
        | "message-authenticator-mismatch";
      detail: string;
    };

const HEADER_LENGTH = 20;
const AUTHENTICATOR_LENGTH = 16;
const MAX_PACKET_LENGTH = 4096;
const MAX_PASSWORD_LENGTH = 128;

/**
 * Hides a User-Password as RFC 2865 §5.2 prescribes: pad with zeros to a
 * multiple of 16 octets, then XOR each block with MD5(secret + previous block),
 * starting from the Request Authenticator.
 *
 * @example
 * ```ts
 * hideUserPassword("arctangent", "xyzzy5461", Buffer.from("0f403f9473978057bd83d5cb98f4227a", "hex"));
 * // <Buffer 0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee>
 * ```
 */
export function hideUserPassword(password: string, secret: string, requestAuthenticator: Buffer): Buffer {
  const plain = Buffer.from(password, "utf8");
  if (plain.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInput(`User-Password is ${plain.length} octets; RADIUS allows at most 128`);
  }
  const padded = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16));
  plain.copy(padded);
  const hidden = Buffer.alloc(padded.length);
  let previous = requestAuthenticator;
  for (let offset = 0; offset < padded.length; offset += 16) {
    const key = md5(Buffer.from(secret, "utf8"), previous);
    for (let index = 0; index < 16; index += 1) {
      hidden[offset + index] = (padded[offset + index] ?? 0) ^ (key[index] ?? 0);
    }
    previous = hidden.subarray(offset, offset + 16);
  }
  return hidden;
}

/**
 * Encodes any packet: header, authenticator field and attributes, with the Length set.
 *
 * @example
 * ```ts
 * encodePacket({ code: RadiusCode.AccessReject, identifier: 7, authenticator: Buffer.alloc(16), attributes: [] });
 * ```
 */
export function encodePacket(packet: RadiusPacket): Buffer {
  const attributes = packet.attributes.map(({ type, value }) => {
    if (value.length > 253) throw new InvalidInput(`RADIUS attribute ${type} is longer than 253 octets`);
    return Buffer.concat([Buffer.from([type, value.length + 2]), value]);
  });
  const body = Buffer.concat(attributes);
  const length = HEADER_LENGTH + body.length;
  if (length > MAX_PACKET_LENGTH)
    throw new InvalidInput(`RADIUS packet would be ${length} octets (max 4096)`);
  const header = Buffer.alloc(4);
  header.writeUInt8(packet.code, 0);
  header.writeUInt8(packet.identifier, 1);
  header.writeUInt16BE(length, 2);
  return Buffer.concat([header, packet.authenticator, body]);
}

/**
 * Builds a signed Access-Request. The Message-Authenticator goes first: a
 * forger who controls a prefix of the packet cannot then shape the HMAC input
 * (the Blast-RADIUS mitigation, CVE-2024-3596), and servers hardened against it
 * expect exactly that.
 *
 * @example
 * ```ts
 * const request = encodeAccessRequest({
 *   identifier: 42, requestAuthenticator: randomBytes(16),
 *   userName: "radius-sync-probe", password: "x", nasIdentifier: "radius-sync", secret,
 * });
 * ```
 */
export function encodeAccessRequest(input: AccessRequestInput): Buffer {
  if (input.requestAuthenticator.length !== AUTHENTICATOR_LENGTH) {
    throw new InvalidInput("the Request Authenticator must be 16 octets");
  }
  const unsigned = encodePacket({
    code: RadiusCode.AccessRequest,
    identifier: input.identifier,
    authenticator: input.requestAuthenticator,
    attributes: [
      { type: RadiusAttributeType.MessageAuthenticator, value: Buffer.alloc(16) },
      { type: RadiusAttributeType.UserName, value: Buffer.from(input.userName, "utf8") },
      {
        type: RadiusAttributeType.UserPassword,
        value: hideUserPassword(input.password, input.secret, input.requestAuthenticator),
      },
      { type: RadiusAttributeType.NasIdentifier, value: Buffer.from(input.nasIdentifier, "utf8") },
    ],
  });
  // RFC 3579 §3.2: HMAC-MD5 over the whole request with the attribute's value zeroed.
  const signature = createHmac("md5", input.secret).update(unsigned).digest();
  signature.copy(unsigned, HEADER_LENGTH + 2);
  return unsigned;
}

/**
 * Decodes a packet. Octets past the Length field are padding and ignored
 * (RFC 2865 §3); anything shorter than it, or attributes that overrun it, are
 * malformed.
 *
 * @throws RadiusProbeMalformedReply when the bytes are not a well-formed RADIUS packet.
 * @example
 * ```ts
 * const reply = decodePacket(datagram);
 * if (reply.code === RadiusCode.AccessAccept) { ... }
 * ```
 */
export function decodePacket(bytes: Buffer): RadiusPacket {
  if (bytes.length < HEADER_LENGTH) {
    throw new RadiusProbeMalformedReply(`RADIUS packet of ${bytes.length} octets is shorter than its header`);
  }
  const length = bytes.readUInt16BE(2);
  if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH || length > bytes.length) {
    throw new RadiusProbeMalformedReply(`RADIUS Length field ${length} does not fit ${bytes.length} octets`);
  }
  const attributes: RadiusAttribute[] = [];
  let offset = HEADER_LENGTH;
  while (offset < length) {
    const type = bytes.readUInt8(offset);
    const attributeLength = offset + 1 < length ? bytes.readUInt8(offset + 1) : 0;
    if (attributeLength < 2 || offset + attributeLength > length) {
      throw new RadiusProbeMalformedReply(`RADIUS attribute ${type} at octet ${offset} overruns the packet`);
    }
    if (type === RadiusAttributeType.MessageAuthenticator && attributeLength !== 18) {
      throw new RadiusProbeMalformedReply(`Message-Authenticator has length ${attributeLength}, not 18`);
    }
    attributes.push({ type, value: Buffer.from(bytes.subarray(offset + 2, offset + attributeLength)) });
    offset += attributeLength;
  }
  return {
    code: bytes.readUInt8(0),
    identifier: bytes.readUInt8(1),
    authenticator: Buffer.from(bytes.subarray(4, HEADER_LENGTH)),
    attributes,
  };
}

/**
 * Checks that `reply` answers `request` and was signed with `secret`:
 * the identifier matches; Response Authenticator =
 * MD5(Code + Identifier + Length + Request Authenticator + Attributes + secret)
 * (RFC 2865 §3); and, when the reply carries one, its Message-Authenticator is
 * HMAC-MD5 over the reply with the Request Authenticator in the authenticator
 * field and the attribute zeroed (RFC 3579 §3.2). Never throws.
 *
 * @example
 * ```ts
 * const check = verifyResponse(datagram, request, secret);
 * if (!check.verified) console.log(check.reason); // e.g. "response-authenticator-mismatch"
 * ```
 */
export function verifyResponse(reply: Buffer, request: Buffer, secret: string): ResponseVerification {
  let packet: RadiusPacket;
  let sent: RadiusPacket;
  try {
    packet = decodePacket(reply);
    sent = decodePacket(request);
  } catch (error) {
    return { verified: false, reason: "malformed", detail: (error as Error).message };
  }
  if (packet.identifier !== sent.identifier) {
    return {
      verified: false,
      reason: "identifier-mismatch",
      detail: `reply identifier ${packet.identifier} does not match request identifier ${sent.identifier}`,
    };
  }
  // Every check below works on the packet as the server signed it, with our Request Authenticator in place.
  const signed = Buffer.from(reply.subarray(0, reply.readUInt16BE(2)));
  sent.authenticator.copy(signed, 4);
  const expected = md5(signed, Buffer.from(secret, "utf8"));
  if (!timingSafeEqual(expected, packet.authenticator)) {
    return {
      verified: false,
      reason: "response-authenticator-mismatch",
      detail: "the Response Authenticator does not match the shared secret",
    };
  }
  const offset = messageAuthenticatorOffset(packet);
  if (offset === undefined) return { verified: true, packet, messageAuthenticator: "absent" };
  const received = Buffer.from(signed.subarray(offset, offset + 16));
  signed.fill(0, offset, offset + 16);
  const computed = createHmac("md5", secret).update(signed).digest();
  if (!timingSafeEqual(computed, received)) {
    return {
      verified: false,
      reason: "message-authenticator-mismatch",
      detail: "the reply's Message-Authenticator does not match the shared secret",
    };
  }
  return { verified: true, packet, messageAuthenticator: "verified" };
}

/** Octet offset of the first Message-Authenticator's value, if the packet has one. */
function messageAuthenticatorOffset(packet: RadiusPacket): number | undefined {
  let offset = HEADER_LENGTH;
  for (const attribute of packet.attributes) {
    if (attribute.type === RadiusAttributeType.MessageAuthenticator) return offset + 2;
    offset += attribute.value.length + 2;
  }
  return undefined;
}

function md5(...parts: Buffer[]): Buffer {
  const hash = createHash("md5");
  for (const part of parts) hash.update(part);
  return hash.digest();
}
