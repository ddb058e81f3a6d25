/**
 * The AWS proxy: one HTTP server on 127.0.0.1 in the test process, in front of the test file's moto.
 * Every SDK call of every process (the in-process handlers, the CLI, packaged bundles in child
 * processes) reaches AWS through it (`AWS_ENDPOINT_URL` = {@link AwsProxy.endpoint}), so the test
 * doubles, the AWS rules moto lacks, injected faults and the call recorder see them all.
 *
 * A call passes through the interceptor chain ({@link chainFor}); what reaches the end is forwarded
 * to moto unchanged — method, path, query, body bytes and every header including Host — so moto's
 * SigV4 check (IAM enforcement) recomputes the very signature the caller's SDK made.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { learnIssuedKeys } from "./accounts.js";
import { type AwsCall, AwsReply, awsError, type WireRequest } from "./aws-call.js";
import { type AwsRule, type ChainEntry, chainFor, ruleEntries } from "./interceptors.js";
import { readCall } from "./read-call.js";

/** A running proxy owned by the caller. */
export interface AwsProxy {
  /** `http://127.0.0.1:<port>`, the value for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** The moto server calls are forwarded to. */
  readonly upstream: string;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Forwards the request byte for byte (Host included: SigV4 signed it) and buffers moto's reply. */
function forward(upstream: URL, agent: Agent, request: WireRequest): Promise<AwsReply> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent,
      },
      (incoming) => {
        readBody(incoming).then((body) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          resolve(new AwsReply({ status: incoming.statusCode ?? 502, headers, body }));
        }, reject);
      },
    );
    outgoing.once("error", reject);
    outgoing.end(request.body);
  });
}

/** Runs the chain for one call; an interceptor that throws answers 500 naming itself. */
async function run(call: AwsCall, chain: ChainEntry[], last: () => Promise<AwsReply>): Promise<AwsReply> {
  const step = async (index: number): Promise<AwsReply> => {
    const entry = chain[index];
    if (!entry) return await last();
    try {
      return await entry.interceptor(call, () => step(index + 1));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return awsError(call, {
        code: "RigInterceptorFailed",
        message: `${entry.label}: ${message}`,
        status: 500,
      });
    }
  };
  return await step(0);
}

const dropped = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);

function write(response: ServerResponse, call: AwsCall, reply: AwsReply): void {
  const body = reply.bodyFor(call);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (!dropped.has(name.toLowerCase())) headers[name] = value;
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
    headers["content-type"] =
      call.protocol === "awsJson1_0" ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
  }
  headers["content-length"] = String(body.length);
  response.writeHead(reply.status, headers);
  response.end(body);
}

/**
 * Starts a proxy in front of `upstream` on a free loopback port. `rules` are the AWS behaviours the
 * proxy always enforces (see `aws-rules.ts`); tests add interceptors with `installInterceptor`.
 *
 * @example
 * ```ts
 * const proxy = await startAwsProxy({ upstream: moto.endpoint, rules: defaultAwsRules() });
 * process.env.AWS_ENDPOINT_URL = proxy.endpoint;
 * await proxy.stop();
 * ```
 */
export async function startAwsProxy(options: {
  upstream: string;
  rules?: readonly AwsRule[];
}): Promise<AwsProxy> {
  const upstream = new URL(options.upstream);
  const rules = ruleEntries(options.rules ?? []);
  // moto's server closes every connection after its reply anyway.
  const agent = new Agent({ keepAlive: false });
  const server = createServer((incoming, response) => {
    void (async () => {
      const request: WireRequest = {
        method: incoming.method ?? "GET",
        path: incoming.url ?? "/",
        headers: { ...incoming.headers },
        body: await readBody(incoming),
      };
      const call = readCall(request);
      let reply: AwsReply;
      try {
        reply = await run(call, chainFor(call, rules), () => forward(upstream, agent, request));
        // Keys moto issued (AssumeRole, CreateAccessKey): later calls signed with them act in their account.
        learnIssuedKeys(call, reply);
      } catch (error) {
        // moto unreachable: answer as AWS's front door would, so the SDK reports a server error.
        const message = `the AWS proxy could not reach moto: ${error instanceof Error ? error.message : String(error)}`;
        reply = awsError(call, { code: "ServiceUnavailable", message, status: 503 });
      }
      write(response, call, reply);
    })().catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  // Kept-alive sockets are closed by the SDK's side only: a server that closed an idle socket while
  // the SDK reused it would fail that call with ECONNRESET ("socket hang up").
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    upstream: upstream.origin,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
