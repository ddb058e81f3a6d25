import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInput } from "../../shared/errors.js";
import { RadiusProbeMalformedReply } from "../../shared/radius/errors.js";
import {
  decodePacket,
  encodeAccessRequest,
  hideUserPassword,
  RadiusAttributeType,
  RadiusCode,
  verifyResponse,
} from "../../shared/radius/packet.js";
import {
  forgeReply,
  hex,
  readRadiusFixture,
  resignResponseAuthenticator,
  revealUserPassword,
} from "../fixtures/radius/forge-reply.js";

/**
 * The codec at its edges: passwords of every block count up to RADIUS's 128 octets (the probe's own
 * default is 32 characters, two blocks), and a reply's Message-Authenticator wherever a server puts it.
 */
const rfc = readRadiusFixture<{ secret: string; requestAuthenticator: string }>("rfc2865-example.json");
const requestAuthenticator = hex(rfc.requestAuthenticator);
const nodeRadius = createRequire(import.meta.url)("radius") as {
  decode(args: { packet: Buffer; secret: string }): { attributes: Record<string, unknown> };
};

/** A printable password of exactly `length` octets. */
const passwordOf = (length: number, seed = 0) =>
  Array.from({ length }, (_, index) => String.fromCharCode(33 + ((index * 7 + seed) % 94))).join("");

/** Password lengths 1..128 with every block edge drawn on purpose, as often as the rest together. */
const passwordLength = fc.oneof(
  fc.constantFrom(1, 15, 16, 17, 31, 32, 33, 48, 49, 112, 113, 127, 128),
  fc.integer({ min: 1, max: 128 }),
);

describe("hideUserPassword at block edges", () => {
  it.each([1, 15, 16, 17, 31, 32, 33, 127, 128])(
    "hides a %i-octet password in whole 16-octet blocks, each chained to the one before (RFC 2865 §5.2)",
    (length) => {
      // Prepare
      const password = passwordOf(length);

      // Act
      const hidden = hideUserPassword(password, rfc.secret, requestAuthenticator);

      // Assess
      expect(hidden.length).toBe(Math.max(16, Math.ceil(length / 16) * 16));
      expect(revealUserPassword(hidden, rfc.secret, requestAuthenticator)).toBe(password);
    },
  );

  it("hides the second block of a 32-octet password with the first hidden block, not the authenticator again", () => {
    // Prepare: two passwords whose second halves are equal and whose first halves differ.
    const left = hideUserPassword(`${"a".repeat(16)}${"z".repeat(16)}`, rfc.secret, requestAuthenticator);
    const right = hideUserPassword(`${"b".repeat(16)}${"z".repeat(16)}`, rfc.secret, requestAuthenticator);

    // Assess: equal plain second blocks hide differently, because the first hidden blocks differ.
    expect(left.subarray(16).equals(right.subarray(16))).toBe(false);
  });

  it("counts the 128-octet limit in octets, not characters", () => {
    expect(hideUserPassword("é".repeat(64), rfc.secret, requestAuthenticator)).toHaveLength(128);
    expect(() => hideUserPassword("é".repeat(65), rfc.secret, requestAuthenticator)).toThrow(
      new InvalidInput("User-Password is 130 octets; RADIUS allows at most 128"),
    );
  });

  it("hides a password of any length up to 128 octets so that another implementation reads it back", () => {
    fc.assert(
      fc.property(
        passwordLength,
        fc.nat(93),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (length, seed, bytes) => {
          // Prepare
          const password = passwordOf(length, seed);

          // Act
          const request = encodeAccessRequest({
            identifier: 3,
            requestAuthenticator: Buffer.from(bytes),
            userName: "radius-sync-probe",
            password,
            nasIdentifier: "radius-sync",
            secret: rfc.secret,
          });

          // Assess
          expect(nodeRadius.decode({ packet: request, secret: rfc.secret }).attributes["User-Password"]).toBe(
            password,
          );
        },
      ),
    );
  });
});

describe("verifyResponse with the Message-Authenticator anywhere in the reply", () => {
  const request = encodeAccessRequest({
    identifier: 42,
    requestAuthenticator,
    userName: "radius-sync-probe",
    password: passwordOf(32),
    nasIdentifier: "radius-sync",
    secret: rfc.secret,
  });
  const others: Array<readonly [number, Buffer]> = [
    [RadiusAttributeType.State, Buffer.from("state-0123")],
    [RadiusAttributeType.ReplyMessage, Buffer.from("Enter the code from your phone")],
    [RadiusAttributeType.ReplyMessage, Buffer.from("x")],
  ];
  const replyWithAuthenticatorAt = (at: number) =>
    forgeReply({
      code: RadiusCode.AccessChallenge,
      identifier: 42,
      requestAuthenticator,
      secret: rfc.secret,
      attributes: others,
      messageAuthenticator: true,
      messageAuthenticatorAt: at,
    });
  const offsetOf = (at: number) =>
    20 + others.slice(0, at).reduce((sum, [, value]) => sum + value.length + 2, 0);
  const positions = [0, 1, 2, 3];

  it.each(positions)("verifies a Message-Authenticator at attribute position %i", (at) => {
    // Act
    const check = verifyResponse(replyWithAuthenticatorAt(at), request, rfc.secret);

    // Assess
    expect(check).toMatchObject({ verified: true, messageAuthenticator: "verified" });
    expect(check.verified && check.packet.attributes[at]?.type).toBe(
      RadiusAttributeType.MessageAuthenticator,
    );
  });

  it.each(positions)("refuses a changed Message-Authenticator at attribute position %i", (at) => {
    // Prepare: one bit of the attribute's value flipped, the Response Authenticator signed again.
    const reply = replyWithAuthenticatorAt(at);
    const position = offsetOf(at) + 2 + 15;
    reply[position] = (reply[position] ?? 0) ^ 0x80;

    // Act
    const check = verifyResponse(
      resignResponseAuthenticator(reply, requestAuthenticator, rfc.secret),
      request,
      rfc.secret,
    );

    // Assess
    expect(check).toMatchObject({ verified: false, reason: "message-authenticator-mismatch" });
  });

  it.each(positions)(
    "refuses a reply changed after its Message-Authenticator at position %i was computed",
    (at) => {
      // Prepare: the last octet of the packet (another attribute's value) changed, then re-signed.
      const reply = replyWithAuthenticatorAt(at);
      reply[reply.length - 1] = (reply[reply.length - 1] ?? 0) ^ 0x01;

      // Act
      const check = verifyResponse(
        resignResponseAuthenticator(reply, requestAuthenticator, rfc.secret),
        request,
        rfc.secret,
      );

      // Assess
      expect(check).toMatchObject({ verified: false, reason: "message-authenticator-mismatch" });
    },
  );

  it("refuses a Message-Authenticator of the wrong length after other attributes", () => {
    const reply = Buffer.concat([
      hex("0b2a001d"),
      Buffer.alloc(16),
      Buffer.from([RadiusAttributeType.State, 3, 0x61]),
      Buffer.from([RadiusAttributeType.MessageAuthenticator, 6, 1, 2, 3, 4]),
    ]);

    expect(() => decodePacket(reply)).toThrow(
      new RadiusProbeMalformedReply("Message-Authenticator has length 6, not 18"),
    );
  });
});
