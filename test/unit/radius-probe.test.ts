import { createSocket, type RemoteInfo } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidInput } from "../../shared/errors.js";
import {
  RadiusProbeBadAuthenticator,
  RadiusProbeMalformedReply,
  RadiusProbeTimedOut,
} from "../../shared/radius/errors.js";
import { decodePacket, RadiusCode } from "../../shared/radius/packet.js";
import { probeRadiusServer } from "../../shared/radius/probe.js";
import { forgeReply } from "../fixtures/radius/forge-reply.js";

/**
 * The probe's error paths need replies no real server sends (FreeRADIUS drops a
 * request signed with another secret instead of answering it; see
 * test/protocol/freeradius.test.ts). TEST DOUBLE: a scripted UDP responder on
 * loopback answers each request with bytes the test chooses.
 */
interface ScriptedResponder {
  port: number;
  received: Buffer[];
  close(): Promise<void>;
}

type Script = (request: Buffer, attempt: number, reply: (bytes: Buffer) => void, sender: RemoteInfo) => void;

const SECRET = "probe-unit-secret-0123456789";
const open: ScriptedResponder[] = [];

async function startScriptedResponder(script: Script): Promise<ScriptedResponder> {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  socket.on("message", (request, sender) => {
    received.push(request);
    script(request, received.length, (bytes) => socket.send(bytes, sender.port, sender.address), sender);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const responder = {
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  open.push(responder);
  return responder;
}

/** A correctly signed reply to `request` under `secret`. */
function answer(request: Buffer, code: number, secret = SECRET): Buffer {
  const sent = decodePacket(request);
  return forgeReply({
    code,
    identifier: sent.identifier,
    requestAuthenticator: sent.authenticator,
    secret,
    messageAuthenticator: true,
  });
}

const probe = (port: number, overrides: Partial<Parameters<typeof probeRadiusServer>[0]> = {}) =>
  probeRadiusServer({
    host: "127.0.0.1",
    port,
    secret: SECRET,
    userName: "radius-sync-probe",
    timeoutMs: 500,
    retries: 1,
    ...overrides,
  });

const openUdpSockets = () => process.getActiveResourcesInfo().filter((name) => name === "UDPWrap").length;

async function settledUdpSockets(expected: number): Promise<number> {
  // A closed dgram handle leaves the active list on a later turn of the event loop.
  for (let turn = 0; turn < 50 && openUdpSockets() !== expected; turn += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return openUdpSockets();
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((responder) => responder.close()));
});

describe("probeRadiusServer against a scripted responder (test double)", () => {
  it.each([
    [RadiusCode.AccessAccept, "accept"],
    [RadiusCode.AccessReject, "reject"],
    [RadiusCode.AccessChallenge, "challenge"],
  ] as const)("reports code %i as %s when the reply verifies", async (code, outcome) => {
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, code)),
    );

    const result = await probe(responder.port);

    expect(result).toEqual({
      outcome,
      verified: true,
      host: "127.0.0.1",
      port: responder.port,
      attempts: 1,
      messageAuthenticator: "verified",
    });
  });

  it("throws RadiusProbeBadAuthenticator, without the secret, when the reply is signed with another secret", async () => {
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, RadiusCode.AccessReject, "the-server-secret")),
    );

    const failure = await probe(responder.port).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RadiusProbeBadAuthenticator);
    expect((failure as Error).name).toBe("RadiusProbeBadAuthenticator");
    expect((failure as Error).message).not.toContain(SECRET);
    expect((failure as Error).message).not.toContain("the-server-secret");
  });

  it("throws RadiusProbeMalformedReply for bytes that are not a RADIUS packet", async () => {
    const responder = await startScriptedResponder((_request, _attempt, reply) =>
      reply(Buffer.from("hello")),
    );

    await expect(probe(responder.port)).rejects.toThrow(RadiusProbeMalformedReply);
  });

  it("throws RadiusProbeMalformedReply for a verified reply whose code does not answer an Access-Request", async () => {
    const accountingResponse = 5;
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, accountingResponse)),
    );

    await expect(probe(responder.port)).rejects.toThrow(RadiusProbeMalformedReply);
  });

  it("retransmits the identical request and reports the attempt that was answered", async () => {
    const responder = await startScriptedResponder((request, attempt, reply) => {
      if (attempt === 2) reply(answer(request, RadiusCode.AccessAccept));
    });

    const result = await probe(responder.port, { timeoutMs: 200, retries: 2 });

    expect(result.attempts).toBe(2);
    expect(responder.received).toHaveLength(2);
    expect(responder.received[1]).toEqual(responder.received[0]);
  });

  it("ignores replies to other identifiers and datagrams from other ports", async () => {
    const stranger = createSocket("udp4");
    const responder = await startScriptedResponder((request, _attempt, reply, sender) => {
      const stale = answer(request, RadiusCode.AccessReject);
      stale[1] = ((stale[1] ?? 0) + 1) % 256;
      reply(stale);
      // Loopback queues datagrams in send order: the valid reply arrives last.
      stranger.send(Buffer.from("not from the server"), sender.port, sender.address, () =>
        reply(answer(request, RadiusCode.AccessAccept)),
      );
    });

    const result = await probe(responder.port, { retries: 0 });
    stranger.close();

    expect(result).toMatchObject({ outcome: "accept", attempts: 1 });
  });

  it("gives up with RadiusProbeTimedOut after 1 + retries attempts", async () => {
    const responder = await startScriptedResponder(() => {});

    await expect(probe(responder.port, { timeoutMs: 100, retries: 2 })).rejects.toThrow(RadiusProbeTimedOut);
    expect(responder.received).toHaveLength(3);
  });

  it("uses the injected randomness for the identifier and Request Authenticator", async () => {
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, RadiusCode.AccessReject)),
    );

    await probe(responder.port, { randomBytes: (size) => Buffer.alloc(size, 0x5a) });

    const sent = decodePacket(responder.received[0] ?? Buffer.alloc(0));
    expect(sent.identifier).toBe(0x5a);
    expect(sent.authenticator).toEqual(Buffer.alloc(16, 0x5a));
  });

  it("closes its socket whether the probe succeeds, fails or times out", async () => {
    const responder = await startScriptedResponder((request, attempt, reply) => {
      if (attempt === 1) reply(answer(request, RadiusCode.AccessAccept));
      if (attempt === 2) reply(answer(request, RadiusCode.AccessAccept, "other"));
    });
    // Sockets closed by earlier tests may still be listed for a moment; only the responder's stays.
    const before = await settledUdpSockets(1);

    await probe(responder.port);
    await probe(responder.port).catch(() => undefined);
    await probe(responder.port, { timeoutMs: 50, retries: 0 }).catch(() => undefined);

    expect(responder.received).toHaveLength(3);
    expect(await settledUdpSockets(before)).toBe(before);
  });
});

describe("probeRadiusServer input validation", () => {
  it.each([
    ["a host name", { host: "nps.example.com" }, "host"],
    ["an IPv6 address", { host: "::1" }, "host"],
    ["port 0", { port: 0 }, "port"],
    ["an empty user name", { userName: "" }, "userName"],
    ["unbounded retries", { retries: 1000 }, "retries"],
  ])("throws InvalidInput naming the option for %s, never the secret", async (_label, overrides, option) => {
    const failure = await probe(1812, overrides).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InvalidInput);
    expect((failure as Error).message).toContain(option);
    expect((failure as Error).message).not.toContain(SECRET);
  });
});
