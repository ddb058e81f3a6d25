import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RadiusProbeTimedOut } from "../../shared/radius/errors.js";
import { type ProbeOptions, probeRadiusServer } from "../../shared/radius/probe.js";
import { type FreeRadiusServer, startFreeRadius } from "../support/freeradius.js";

const SECRET = "pending-Secret-4f9c2e71";
const users = [
  { name: "alice", password: "wonderland" },
  { name: "carol", password: "one-time-code", challenge: true },
];

function probe(server: FreeRadiusServer, options: Partial<ProbeOptions>) {
  return probeRadiusServer({
    host: server.host,
    port: server.port,
    secret: SECRET,
    userName: "alice",
    timeoutMs: 2_000,
    retries: 1,
    ...options,
  });
}

describe("probeRadiusServer against FreeRADIUS that signs its replies", () => {
  let server: FreeRadiusServer;

  beforeAll(async () => {
    server = await startFreeRadius({ secret: SECRET, users, replyMessageAuthenticator: true });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("reports accept, verified, for the right secret and the right password", async () => {
    const result = await probe(server, { password: "wonderland" });

    expect(result).toEqual({
      outcome: "accept",
      verified: true,
      host: "127.0.0.1",
      port: server.port,
      attempts: 1,
      messageAuthenticator: "verified",
    });
  });

  it("reports reject, verified, for the right secret and a wrong password: a reject proves the secret", async () => {
    const result = await probe(server, { password: "not-the-password" });

    expect(result).toMatchObject({ outcome: "reject", verified: true, messageAuthenticator: "verified" });
  });

  it("reports reject, verified, for a made-up user with a random password (what the probe does by default)", async () => {
    const result = await probe(server, { userName: "radius-sync-probe" });

    expect(result).toMatchObject({ outcome: "reject", verified: true });
    await server.waitForOutput(/Login incorrect.*\[radius-sync-probe/);
  });

  it("reports challenge, verified, when the server asks for a second factor", async () => {
    const result = await probe(server, { userName: "carol", password: "one-time-code" });

    expect(result).toMatchObject({ outcome: "challenge", verified: true, messageAuthenticator: "verified" });
  });

  it("times out on a wrong secret, because FreeRADIUS drops a request with an invalid Message-Authenticator", async () => {
    const failure = await probe(server, { secret: "stale-Secret-0000", timeoutMs: 300 }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(RadiusProbeTimedOut);
    expect((failure as Error).message).not.toContain("stale-Secret-0000");
    // The server saw the request and refused it for the secret, so the silence is not a network fault.
    await server.waitForOutput(/invalid Message-Authenticator!\s+\(Shared secret is incorrect\.\)/);
  });
});

describe("probeRadiusServer against FreeRADIUS with default replies (no Message-Authenticator)", () => {
  let server: FreeRadiusServer;

  beforeAll(async () => {
    server = await startFreeRadius({ secret: SECRET, users, replyMessageAuthenticator: false });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("verifies the Response Authenticator alone and says the Message-Authenticator was absent", async () => {
    const result = await probe(server, { password: "wonderland" });

    expect(result).toMatchObject({ outcome: "accept", verified: true, messageAuthenticator: "absent" });
  });
});

describe("probeRadiusServer with nothing listening", () => {
  it("throws RadiusProbeTimedOut once FreeRADIUS has stopped", async () => {
    const server = await startFreeRadius({ secret: SECRET, users });
    try {
      await probe(server, { password: "wonderland" });
    } finally {
      await server.stop();
    }

    await expect(probe(server, { timeoutMs: 200, retries: 1 })).rejects.toThrow(RadiusProbeTimedOut);
  });
});
