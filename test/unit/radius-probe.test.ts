import { createSocket, type RemoteInfo } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidInput } from "../../shared/errors.js";
import {
  RadiusProbeBadAuthenticator,
  RadiusProbeMalformedReply,
  RadiusProbeTimedOut,
  RadiusProbeUnreachable,
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

describe("probeRadiusServer: each outcome's words and each option's bounds", () => {
  it("says which server did not answer, how often and how long it waited", async () => {
    const responder = await startScriptedResponder(() => {});

    await expect(probe(responder.port, { timeoutMs: 40, retries: 1 })).rejects.toThrow(
      new RadiusProbeTimedOut(
        `RADIUS server 127.0.0.1:${responder.port} did not answer 2 Access-Request(s) within 40 ms each: it is ` +
          "down, unreachable, or drops requests because its shared secret differs from the one probed",
      ),
    );
  });

  it("names the server and the mismatch when a reply is signed with another secret", async () => {
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, RadiusCode.AccessReject, "the-server-secret")),
    );

    await expect(probe(responder.port)).rejects.toThrow(
      `RADIUS server 127.0.0.1:${responder.port} replied, but the Response Authenticator does not ` +
        "match the shared secret: the server uses a different shared secret",
    );
  });

  it("names the server and what is malformed", async () => {
    const responder = await startScriptedResponder((_request, _attempt, reply) =>
      reply(Buffer.from("hello")),
    );

    await expect(probe(responder.port)).rejects.toThrow(
      `RADIUS server 127.0.0.1:${responder.port} sent a malformed reply: RADIUS packet of 5 octets is shorter than its header`,
    );
  });

  it("names the packet code that does not answer an Access-Request", async () => {
    const responder = await startScriptedResponder((request, _attempt, reply) => reply(answer(request, 5)));

    await expect(probe(responder.port)).rejects.toThrow(
      `RADIUS server 127.0.0.1:${responder.port} answered an Access-Request with packet code 5`,
    );
  });

  it("throws RadiusProbeUnreachable, with the cause, when the request cannot be sent", async () => {
    // Linux refuses a datagram to the broadcast address from a socket without SO_BROADCAST (EACCES).
    const failure = await probe(1812, { host: "255.255.255.255", retries: 0 }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(RadiusProbeUnreachable);
    expect((failure as Error).message).toBe(
      "could not send an Access-Request to RADIUS server 255.255.255.255:1812",
    );
    // The socket's own error, not just any.
    expect((failure as Error).cause).toMatchObject({ code: "EACCES", syscall: "send" });
  });

  it("ignores a signed reply from another address on the server's port", async () => {
    const impostor = createSocket("udp4");
    const responder = await startScriptedResponder((request, _attempt, reply, sender) => {
      // Same port, other loopback address: only the address tells it apart from the server.
      impostor.send(answer(request, RadiusCode.AccessAccept), sender.port, sender.address, () =>
        setTimeout(() => reply(answer(request, RadiusCode.AccessReject)), 20),
      );
    });
    await new Promise<void>((resolve) => impostor.bind(responder.port, "127.0.0.2", () => resolve()));

    const result = await probe(responder.port, { retries: 0 });
    impostor.close();

    expect(result.outcome).toBe("reject");
  });

  it("sends the NAS-Identifier radius-sync unless told otherwise", async () => {
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, RadiusCode.AccessReject)),
    );

    await probe(responder.port);
    await probe(responder.port, { nasIdentifier: "n".repeat(253), password: "p".repeat(128) });

    const nasIdentifiers = responder.received.map((request) =>
      decodePacket(request)
        .attributes.find((attribute) => attribute.type === 32)
        ?.value.toString("utf8"),
    );
    expect(nasIdentifiers).toEqual(["radius-sync", "n".repeat(253)]);
  });

  it("accepts a user name of 253 octets, RADIUS's largest attribute", async () => {
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, RadiusCode.AccessReject)),
    );

    await expect(probe(responder.port, { userName: "u".repeat(253) })).resolves.toMatchObject({
      outcome: "reject",
    });
  });

  it.each([
    ["a password of 129 characters", { password: "p".repeat(129) }, "password"],
    ["a user name of 254 characters", { userName: "u".repeat(254) }, "userName"],
    ["an empty NAS-Identifier", { nasIdentifier: "" }, "nasIdentifier"],
    ["a NAS-Identifier of 254 characters", { nasIdentifier: "n".repeat(254) }, "nasIdentifier"],
    ["randomness that is not a function", { randomBytes: "0123" as unknown as () => Buffer }, "randomBytes"],
  ])("throws InvalidInput naming the option for %s", async (_label, overrides, option) => {
    await expect(probe(1812, overrides)).rejects.toThrow(InvalidInput);
    await expect(probe(1812, overrides)).rejects.toThrow(new RegExp(`\\(${option}: `));
  });

  it("lists every bad option, separated", async () => {
    await expect(probe(0, { userName: "" })).rejects.toThrow(
      /^invalid RADIUS probe options \(port: [^;]+; userName: [^;]+\)$/,
    );
  });

  it("leaves no timer behind when a reply arrives before the timeout", async () => {
    const responder = await startScriptedResponder((request, _attempt, reply) =>
      reply(answer(request, RadiusCode.AccessAccept)),
    );
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
    const before = timers();

    await probe(responder.port, { timeoutMs: 60_000 });

    expect(timers()).toBe(before);
  });

  it("stops listening after each attempt: ten retries add no listener warning", async () => {
    const responder = await startScriptedResponder(() => {});
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);

    await probe(responder.port, { timeoutMs: 1, retries: 10 }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off("warning", onWarning);

    expect(responder.received.length).toBeGreaterThan(0);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});
