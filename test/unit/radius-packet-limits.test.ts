import { describe, expect, it } from "vitest";
import { InvalidInput } from "../../shared/errors.js";
import { RadiusProbeMalformedReply } from "../../shared/radius/errors.js";
import {
  decodePacket,
  encodeAccessRequest,
  encodePacket,
  RadiusCode,
  verifyResponse,
} from "../../shared/radius/packet.js";
import { forgeReply } from "../fixtures/radius/forge-reply.js";

/**
 * RFC 2865's size limits at their edges, on both sides of the codec: an attribute value of at most
 * 253 octets (§5: Length is one octet and counts the two header octets), a packet of 20 to 4096
 * octets (§3), a 16-octet Request Authenticator; and what each refusal says.
 */
const authenticator = Buffer.alloc(16, 7);
const secret = "s3cret-for-limits";

/** `count` attributes of type 18 (Reply-Message) whose encoded sizes add up to `octets`. */
function attributesOf(octets: number): { type: number; value: Buffer }[] {
  const attributes: { type: number; value: Buffer }[] = [];
  let left = octets;
  while (left > 0) {
    const size = Math.min(255, left);
    attributes.push({ type: 18, value: Buffer.alloc(size - 2, 0x61) });
    left -= size;
  }
  return attributes;
}

/** A datagram of `total` octets whose Length field says `length`. */
function datagram(length: number, total = length): Buffer {
  const bytes = Buffer.alloc(total);
  bytes.writeUInt8(RadiusCode.AccessReject, 0);
  bytes.writeUInt16BE(length, 2);
  return bytes;
}

const request = encodeAccessRequest({
  identifier: 9,
  requestAuthenticator: authenticator,
  userName: "radius-sync-probe",
  password: "x",
  nasIdentifier: "radius-sync",
  secret,
});

describe("encodePacket at RFC 2865's limits", () => {
  const packet = (attributes: { type: number; value: Buffer }[]) => ({
    code: RadiusCode.AccessReject,
    identifier: 1,
    authenticator,
    attributes,
  });

  it("encodes an attribute value of 253 octets and refuses one of 254, naming the attribute", () => {
    expect(encodePacket(packet([{ type: 18, value: Buffer.alloc(253) }]))).toHaveLength(20 + 255);
    expect(() => encodePacket(packet([{ type: 18, value: Buffer.alloc(254) }]))).toThrow(
      new InvalidInput("RADIUS attribute 18 is longer than 253 octets"),
    );
  });

  it("encodes a packet of exactly 4096 octets and refuses one of 4097, saying how long it would be", () => {
    const largest = encodePacket(packet(attributesOf(4096 - 20)));
    expect(largest).toHaveLength(4096);
    expect(largest.readUInt16BE(2)).toBe(4096);
    expect(() => encodePacket(packet(attributesOf(4097 - 20)))).toThrow(
      new InvalidInput("RADIUS packet would be 4097 octets (max 4096)"),
    );
  });
});

describe("encodeAccessRequest", () => {
  it.each([15, 17, 0])("refuses a Request Authenticator of %i octets", (length) => {
    expect(() =>
      encodeAccessRequest({
        identifier: 1,
        requestAuthenticator: Buffer.alloc(length),
        userName: "u",
        password: "p",
        nasIdentifier: "n",
        secret,
      }),
    ).toThrow(new InvalidInput("the Request Authenticator must be 16 octets"));
  });
});

describe("decodePacket at RFC 2865's limits", () => {
  it("refuses fewer octets than a header, saying how many there were", () => {
    expect(() => decodePacket(Buffer.alloc(19))).toThrow(
      new RadiusProbeMalformedReply("RADIUS packet of 19 octets is shorter than its header"),
    );
  });

  it("decodes Length 20 and 4096, and refuses 19, 4097 and more than was received", () => {
    expect(decodePacket(datagram(20)).attributes).toEqual([]);
    const largest = encodePacket({
      code: RadiusCode.AccessReject,
      identifier: 1,
      authenticator,
      attributes: attributesOf(4096 - 20),
    });
    expect(decodePacket(largest).attributes).toHaveLength(16);
    for (const [length, total] of [
      [19, 20],
      [4097, 4097],
      [30, 29],
    ] as const) {
      expect(() => decodePacket(datagram(length, total)), `${length}/${total}`).toThrow(
        new RadiusProbeMalformedReply(`RADIUS Length field ${length} does not fit ${total} octets`),
      );
    }
  });

  it("refuses an attribute whose type is the packet's last octet, even with nothing received after it", () => {
    const bytes = datagram(21);
    bytes.writeUInt8(18, 20);
    expect(() => decodePacket(bytes)).toThrow(
      new RadiusProbeMalformedReply("RADIUS attribute 18 at octet 20 overruns the packet"),
    );
  });

  it("refuses an attribute whose length runs one octet past the packet", () => {
    const bytes = datagram(24, 26);
    bytes.writeUInt8(18, 20);
    bytes.writeUInt8(5, 21);
    expect(() => decodePacket(bytes)).toThrow(
      new RadiusProbeMalformedReply("RADIUS attribute 18 at octet 20 overruns the packet"),
    );
    bytes.writeUInt8(4, 21);
    expect(decodePacket(bytes).attributes).toEqual([{ type: 18, value: Buffer.from([0, 0]) }]);
  });
});

describe("verifyResponse explains each refusal", () => {
  it("names both identifiers when they differ", () => {
    const reply = forgeReply({ code: 3, identifier: 10, requestAuthenticator: authenticator, secret });
    expect(verifyResponse(reply, request, secret)).toEqual({
      verified: false,
      reason: "identifier-mismatch",
      detail: "reply identifier 10 does not match request identifier 9",
    });
  });

  it("says the Response Authenticator does not match when the reply is signed with another secret", () => {
    const reply = forgeReply({
      code: 3,
      identifier: 9,
      requestAuthenticator: authenticator,
      secret: "other",
    });
    expect(verifyResponse(reply, request, secret)).toEqual({
      verified: false,
      reason: "response-authenticator-mismatch",
      detail: "the Response Authenticator does not match the shared secret",
    });
  });

  it("says the Message-Authenticator does not match when only it is wrong", () => {
    const signed = forgeReply({
      code: 3,
      identifier: 9,
      requestAuthenticator: authenticator,
      secret,
      messageAuthenticator: true,
    });
    // Flip one octet of the Message-Authenticator and sign the Response Authenticator again over it.
    const broken = Buffer.from(signed);
    broken[22] = (broken[22] ?? 0) ^ 1;
    const reSigned = forgeReply({
      code: 3,
      identifier: 9,
      requestAuthenticator: authenticator,
      secret,
      attributes: [[80, broken.subarray(22, 38)]],
    });
    expect(verifyResponse(reSigned, request, secret)).toEqual({
      verified: false,
      reason: "message-authenticator-mismatch",
      detail: "the reply's Message-Authenticator does not match the shared secret",
    });
  });
});
