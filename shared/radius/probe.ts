import { randomBytes as cryptoRandomBytes } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import * as z from "zod";
import { Ipv4Address } from "../core/model.js";
import { InvalidInput } from "../errors.js";
import {
  RadiusProbeBadAuthenticator,
  RadiusProbeMalformedReply,
  RadiusProbeTimedOut,
  RadiusProbeUnreachable,
} from "./errors.js";
import { encodeAccessRequest, RadiusCode, type ResponseVerification, verifyResponse } from "./packet.js";

/** Options of {@link probeRadiusServer}. The secret is only used in memory, never echoed. */
export const ProbeOptionsSchema = z.object({
  /** The NPS server's IPv4 address (no names: nothing is resolved). */
  host: Ipv4Address,
  port: z.number().int().min(1).max(65535).default(1812),
  secret: z.string().min(1).max(512),
  userName: z.string().min(1).max(253),
  /** Defaults to a random one: any authenticated reply, even a reject, proves the secret. */
  password: z.string().max(128).optional(),
  nasIdentifier: z.string().min(1).max(253).default("radius-sync"),
  /** How long to wait for a reply to each attempt. */
  timeoutMs: z.number().int().min(1).max(60_000).default(5_000),
  /** Retransmissions after the first attempt (bounded: a probe must end quickly). */
  retries: z.number().int().min(0).max(10).default(1),
  /** Source of randomness for the identifier, Request Authenticator and default password. */
  randomBytes: z.custom<(size: number) => Buffer>((value) => typeof value === "function").optional(),
});

/** Input type of {@link probeRadiusServer}. */
export type ProbeOptions = z.input<typeof ProbeOptionsSchema>;

/** A reply that verified under the probed secret. */
export interface ProbeResult {
  outcome: "accept" | "reject" | "challenge";
  /** Always true: anything that does not verify is thrown as an error instead. */
  verified: true;
  host: string;
  port: number;
  /** Which attempt (1-based) was answered. */
  attempts: number;
  /** Whether the reply carried a Message-Authenticator (checked) or none. */
  messageAuthenticator: "verified" | "absent";
}

const outcomes = new Map<number, ProbeResult["outcome"]>([
  [RadiusCode.AccessAccept, "accept"],
  [RadiusCode.AccessReject, "reject"],
  [RadiusCode.AccessChallenge, "challenge"],
]);

/**
 * Sends one signed Access-Request to a RADIUS server and checks the reply
 * under `secret`. Accept, Reject and Challenge all pass: each proves the server
 * signs with the same secret. Retransmissions reuse the same packet (same
 * identifier and authenticator), so a server's duplicate cache answers them.
 * The socket is closed on every path.
 *
 * @throws InvalidInput when an option is invalid (the message names the option, not its value).
 * @throws RadiusProbeTimedOut when no reply arrives; a server with another secret also stays silent.
 * @throws RadiusProbeBadAuthenticator when a reply does not verify under `secret`.
 * @throws RadiusProbeMalformedReply when a reply is not a well-formed answer to the request.
 * @throws RadiusProbeUnreachable when the request cannot be sent.
 * @example
 * ```ts
 * const result = await probeRadiusServer({
 *   host: "10.0.1.5", port: 1812, secret: pendingSecret, userName: "radius-sync-probe",
 *   timeoutMs: 3000, retries: 1,
 * });
 * // { outcome: "reject", verified: true, host: "10.0.1.5", port: 1812, attempts: 1, messageAuthenticator: "verified" }
 * ```
 */
export async function probeRadiusServer(options: ProbeOptions): Promise<ProbeResult> {
  const parsed = ProbeOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new InvalidInput(`invalid RADIUS probe options (${problems.join("; ")})`);
  }
  const { host, port, secret, timeoutMs, retries } = parsed.data;
  const random = parsed.data.randomBytes ?? cryptoRandomBytes;
  const request = encodeAccessRequest({
    identifier: random(1).readUInt8(0),
    requestAuthenticator: random(16),
    userName: parsed.data.userName,
    password: parsed.data.password ?? random(16).toString("hex"),
    nasIdentifier: parsed.data.nasIdentifier,
    secret,
  });
  const server = `RADIUS server ${host}:${port}`;
  const socket = createSocket("udp4");
  try {
    for (let attempt = 1; attempt <= retries + 1; attempt += 1) {
      await send(socket, request, host, port).catch((cause: unknown) => {
        throw new RadiusProbeUnreachable(`could not send an Access-Request to ${server}`, { cause });
      });
      const check = await waitForReply(socket, { host, port, request, secret, timeoutMs });
      if (check !== undefined) return interpret(check, { host, port, attempt, server });
    }
  } finally {
    socket.close();
  }
  throw new RadiusProbeTimedOut(
    `${server} did not answer ${retries + 1} Access-Request(s) within ${timeoutMs} ms each: it is down, ` +
      "unreachable, or drops requests because its shared secret differs from the one probed",
  );
}

function interpret(
  check: ResponseVerification,
  context: { host: string; port: number; attempt: number; server: string },
): ProbeResult {
  if (!check.verified) {
    if (check.reason === "malformed") {
      throw new RadiusProbeMalformedReply(`${context.server} sent a malformed reply: ${check.detail}`);
    }
    throw new RadiusProbeBadAuthenticator(
      `${context.server} replied, but ${check.detail}: the server uses a different shared secret`,
    );
  }
  const outcome = outcomes.get(check.packet.code);
  if (outcome === undefined) {
    throw new RadiusProbeMalformedReply(
      `${context.server} answered an Access-Request with packet code ${check.packet.code}`,
    );
  }
  return {
    outcome,
    verified: true,
    host: context.host,
    port: context.port,
    attempts: context.attempt,
    messageAuthenticator: check.messageAuthenticator,
  };
}

function send(socket: Socket, request: Buffer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(request, port, host, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Resolves with the verification of the first datagram that answers our request,
 * or undefined when `timeoutMs` passes. Datagrams from other addresses and
 * replies to other identifiers are ignored, as RFC 2865 §3 asks: they are not ours.
 */
function waitForReply(
  socket: Socket,
  expected: { host: string; port: number; request: Buffer; secret: string; timeoutMs: number },
): Promise<ResponseVerification | undefined> {
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      socket.off("message", onMessage);
      socket.off("error", onError);
      settle();
    };
    const onMessage = (datagram: Buffer, sender: RemoteInfo) => {
      if (sender.address !== expected.host || sender.port !== expected.port) return;
      const check = verifyResponse(datagram, expected.request, expected.secret);
      if (!check.verified && check.reason === "identifier-mismatch") return;
      finish(() => resolve(check));
    };
    const onError = (cause: Error) =>
      finish(() =>
        reject(
          new RadiusProbeUnreachable(`socket error while probing ${expected.host}:${expected.port}`, {
            cause,
          }),
        ),
      );
    const timer = setTimeout(() => finish(() => resolve(undefined)), expected.timeoutMs);
    socket.on("message", onMessage);
    socket.on("error", onError);
  });
}
