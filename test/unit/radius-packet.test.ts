import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInput } from "../../shared/errors.js";
import { RadiusProbeMalformedReply } from "../../shared/radius/errors.js";
import {
  decodePacket,
  encodeAccessRequest,
  encodePacket,
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
} from "../fixtures/radius/forge-reply.js";

interface RfcExample {
  secret: string;
  password: string;
  requestAuthenticator: string;
  hiddenPassword: string;
  request: string;
  reply: string;
}
interface CapturedExchange {
  identifier: number;
  requestAuthenticator: string;
  password: string;
  request: string;
  reply: string;
}
interface CapturedReplies {
  secret: string;
  userName: string;
  nasIdentifier: string;
  accept: CapturedExchange;
  reject: CapturedExchange;
}

const rfc = readRadiusFixture<RfcExample>("rfc2865-example.json");
const captured = readRadiusFixture<CapturedReplies>("freeradius-replies.json");

// The npm `radius` package is an independent implementation: it decodes our requests,
// checks their Message-Authenticator and un-hides the password.
const nodeRadius = createRequire(import.meta.url)("radius") as {
  decode(args: { packet: Buffer; secret: string }): { code: string; attributes: Record<string, unknown> };
};

const exchanges = [
  ["Access-Accept", captured.accept],
  ["Access-Reject", captured.reject],
] as const;

describe("hideUserPassword", () => {
  it("hides the RFC 2865 §7.1 example password exactly as the RFC shows", () => {
    const hidden = hideUserPassword(rfc.password, rfc.secret, hex(rfc.requestAuthenticator));

    expect(hidden.toString("hex")).toBe(rfc.hiddenPassword);
  });

  it("refuses a password longer than 128 octets", () => {
    expect(() => hideUserPassword("x".repeat(129), rfc.secret, hex(rfc.requestAuthenticator))).toThrow(
      InvalidInput,
    );
  });
});

describe("encodeAccessRequest", () => {
  it.each(exchanges)("builds byte for byte the request FreeRADIUS answered with %s", (_label, exchange) => {
    const request = encodeAccessRequest({
      identifier: exchange.identifier,
      requestAuthenticator: hex(exchange.requestAuthenticator),
      userName: captured.userName,
      password: exchange.password,
      nasIdentifier: captured.nasIdentifier,
      secret: captured.secret,
    });

    expect(request.toString("hex")).toBe(exchange.request);
  });

  it("signs a Message-Authenticator and hides any password so that another implementation reads it back", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc
          .string({ unit: "binary-ascii", minLength: 1, maxLength: 64 })
          .filter((text) => !text.includes("\0")),
        fc.string({ minLength: 1, maxLength: 40 }),
        (authenticator, password, secret) => {
          const request = encodeAccessRequest({
            identifier: 9,
            requestAuthenticator: Buffer.from(authenticator),
            userName: "radius-sync-probe",
            password,
            nasIdentifier: "radius-sync",
            secret,
          });

          const decoded = nodeRadius.decode({ packet: request, secret });

          expect(decoded.code).toBe("Access-Request");
          expect(decoded.attributes["User-Password"]).toBe(password);
          expect(decoded.attributes["NAS-Identifier"]).toBe("radius-sync");
        },
      ),
    );
  });

  it("produces a Message-Authenticator that another implementation rejects under a different secret", () => {
    const request = Buffer.from(captured.accept.request, "hex");

    expect(() => nodeRadius.decode({ packet: request, secret: "another-secret" })).toThrow(
      /Message-Authenticator mismatch/,
    );
  });

  it("puts the Message-Authenticator first (Blast-RADIUS hardening)", () => {
    const packet = decodePacket(hex(captured.accept.request));

    expect(packet.attributes.map((attribute) => attribute.type)).toEqual([
      RadiusAttributeType.MessageAuthenticator,
      RadiusAttributeType.UserName,
      RadiusAttributeType.UserPassword,
      RadiusAttributeType.NasIdentifier,
    ]);
  });
});

describe("decodePacket", () => {
  it("decodes the RFC 2865 §7.1 Access-Accept", () => {
    const packet = decodePacket(hex(rfc.reply));

    expect(packet.code).toBe(RadiusCode.AccessAccept);
    expect(packet.identifier).toBe(0);
    expect(packet.attributes.map((attribute) => attribute.type)).toEqual([6, 15, 14]);
  });

  it("round-trips any packet through encodePacket", () => {
    const attribute = fc.record({
      type: fc.integer({ min: 1, max: 255 }),
      value: fc.uint8Array({ maxLength: 253 }).map((bytes) => Buffer.from(bytes)),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
        fc.array(
          attribute.filter((item) => item.type !== 80),
          { maxLength: 12 },
        ),
        (code, identifier, authenticator, attributes) => {
          const packet = { code, identifier, authenticator, attributes };

          expect(decodePacket(encodePacket(packet))).toEqual(packet);
        },
      ),
    );
  });

  it.each([
    ["shorter than a header", "0200"],
    ["a Length beyond the datagram", "020000ff00112233445566778899aabbccddeeff"],
    ["an attribute that overruns the packet", "0200001600112233445566778899aabbccddeeff0108"],
    ["an attribute of length 1", "0200001600112233445566778899aabbccddeeff0101"],
    ["a Message-Authenticator of the wrong length", "0200001800112233445566778899aabbccddeeff50040000"],
  ])("throws RadiusProbeMalformedReply for %s", (_label, bytes) => {
    expect(() => decodePacket(hex(bytes))).toThrow(RadiusProbeMalformedReply);
  });
});

describe("verifyResponse", () => {
  it("verifies the RFC 2865 §7.1 reply, which has no Message-Authenticator", () => {
    const check = verifyResponse(hex(rfc.reply), hex(rfc.request), rfc.secret);

    expect(check).toMatchObject({ verified: true, messageAuthenticator: "absent" });
  });

  it.each(exchanges)("verifies FreeRADIUS's real %s and its Message-Authenticator", (label, exchange) => {
    const check = verifyResponse(hex(exchange.reply), hex(exchange.request), captured.secret);

    expect(check).toMatchObject({ verified: true, messageAuthenticator: "verified" });
    expect(check.verified && check.packet.code).toBe(
      label === "Access-Accept" ? RadiusCode.AccessAccept : RadiusCode.AccessReject,
    );
  });

  it("ignores padding after the Length field (RFC 2865 §3)", () => {
    const padded = Buffer.concat([hex(captured.accept.reply), Buffer.alloc(7, 0xaa)]);

    expect(verifyResponse(padded, hex(captured.accept.request), captured.secret).verified).toBe(true);
  });

  it("fails when any single byte of a real reply changes", () => {
    const replies = [hex(rfc.reply), hex(captured.accept.reply), hex(captured.reject.reply)];
    const requests = [hex(rfc.request), hex(captured.accept.request), hex(captured.reject.request)];
    const secrets = [rfc.secret, captured.secret, captured.secret];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (which, position, flip) => {
          const reply = Buffer.from(replies[which] ?? []);
          const index = position % reply.length;
          reply[index] = (reply[index] ?? 0) ^ flip;

          expect(
            verifyResponse(reply, requests[which] ?? Buffer.alloc(0), secrets[which] ?? "").verified,
          ).toBe(false);
        },
      ),
    );
  });

  it("fails under any other secret", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64 }).filter((secret) => secret !== captured.secret),
        (secret) => {
          const check = verifyResponse(hex(captured.reject.reply), hex(captured.reject.request), secret);

          expect(check).toMatchObject({ verified: false, reason: "response-authenticator-mismatch" });
        },
      ),
    );
  });

  it("checks the Message-Authenticator on its own, even when the Response Authenticator is right", () => {
    const tampered = hex(captured.accept.reply);
    tampered[22] = (tampered[22] ?? 0) ^ 0x01;
    const resigned = resignResponseAuthenticator(
      tampered,
      hex(captured.accept.requestAuthenticator),
      captured.secret,
    );

    const check = verifyResponse(resigned, hex(captured.accept.request), captured.secret);

    expect(check).toMatchObject({ verified: false, reason: "message-authenticator-mismatch" });
  });

  it("computes the reply's Message-Authenticator with the Request Authenticator in place", () => {
    const request = hex(captured.reject.request);
    const reply = forgeReply({
      code: RadiusCode.AccessChallenge,
      identifier: captured.reject.identifier,
      requestAuthenticator: hex(captured.reject.requestAuthenticator),
      secret: captured.secret,
      attributes: [[RadiusAttributeType.State, Buffer.from("state")]],
      messageAuthenticator: true,
    });

    expect(verifyResponse(reply, request, captured.secret)).toMatchObject({
      verified: true,
      messageAuthenticator: "verified",
    });
  });

  it("names an identifier mismatch, a malformed reply and a bad authenticator without the secret", () => {
    const request = hex(captured.accept.request);
    const otherIdentifier = Buffer.from(hex(captured.accept.reply));
    otherIdentifier[1] = 7;

    const checks = [
      verifyResponse(otherIdentifier, request, captured.secret),
      verifyResponse(hex("0200"), request, captured.secret),
      verifyResponse(hex(captured.accept.reply), request, "the-wrong-secret"),
    ];

    expect(checks.map((check) => (check.verified ? "verified" : check.reason))).toEqual([
      "identifier-mismatch",
      "malformed",
      "response-authenticator-mismatch",
    ]);
    for (const check of checks) {
      expect(JSON.stringify(check)).not.toContain(captured.secret);
      expect(JSON.stringify(check)).not.toContain("the-wrong-secret");
    }
  });
});
