/**
 * A recorder on the Lambda Runtime API path, between the Runtime Interface Client and the Runtime
 * Interface Emulator: it forwards every request and answer byte for byte and notes how the runtime
 * ended each invoke — `POST /runtime/invocation/{id}/response` or `…/error` (with its
 * `Lambda-Runtime-Function-Error-Type` header), or `/runtime/init/error`.
 *
 * Why: Lambda's Invoke API marks a function error with `X-Amz-Function-Error`, which Step Functions
 * reads to fail the Task, but the emulator's standalone invoke endpoint drops every header
 * (`internal/lambda/rie/util.go`: `ResponseWriterProxy.Header()` returns a new map each call), so a
 * handled error and a result arrive alike: status 200 and a JSON body. The runtime's own post tells
 * them apart, as it does for Lambda.
 * Runtime API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How the runtime ended one invoke. */
export type RuntimeReport = { kind: "response" } | { kind: "error"; errorType: string | undefined };

const invocationPost = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
const nextInvocation = "/2018-06-01/runtime/invocation/next";
const initError = "/2018-06-01/runtime/init/error";

/** One recorder per execution environment; see the module comment. */
export class RuntimeApiRecorder {
  /** The request id of the last invoke the runtime took (`Lambda-Runtime-Aws-Request-Id`). */
  lastRequestId: string | undefined;
  /** The errorType of the last init error the runtime reported, if any. */
  lastInitError: string | undefined;
  private readonly reports = new Map<string, RuntimeReport>();
  private upstreamPort = 0;

  private constructor(private readonly server: Server) {}

  /**
   * Starts a recorder on a free loopback port; point it at the emulator's Runtime API with
   * {@link forwardTo} before the runtime starts.
   *
   * @example
   * ```ts
   * const recorder = await RuntimeApiRecorder.start();
   * recorder.forwardTo(runtimeApiPort);
   * spawn("env", [`AWS_LAMBDA_RUNTIME_API=${recorder.address}`, node, ric, handler]);
   * ```
   */
  static async start(): Promise<RuntimeApiRecorder> {
    const server = createServer();
    const recorder = new RuntimeApiRecorder(server);
    server.on("request", (incoming, outgoing) => recorder.forward(incoming, outgoing));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return recorder;
  }

  /** `127.0.0.1:<port>`, the value of the runtime's `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends what the runtime asks to the emulator's Runtime API on this loopback port. */
  forwardTo(port: number): void {
    this.upstreamPort = port;
  }

  /** How the runtime ended the invoke `requestId`, once it has posted its answer. */
  reportFor(requestId: string): RuntimeReport | undefined {
    return this.reports.get(requestId);
  }

  /** Stops accepting connections and closes the open ones. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(method: string | undefined, path: string, errorType: string | undefined): void {
    if (method !== "POST") return;
    const invocation = invocationPost.exec(path);
    if (invocation !== null) {
      const requestId = decodeURIComponent(invocation[1] ?? "");
      this.reports.set(
        requestId,
        invocation[2] === "error" ? { kind: "error", errorType } : { kind: "response" },
      );
    } else if (path === initError) {
      this.lastInitError = errorType ?? "";
    }
  }

  private forward(
    incoming: import("node:http").IncomingMessage,
    outgoing: import("node:http").ServerResponse,
  ): void {
    const path = incoming.url ?? "/";
    const errorType = incoming.headers["lambda-runtime-function-error-type"];
    // Noted before it is forwarded: the emulator answers the invoke as soon as it has the post.
    this.record(incoming.method, path, Array.isArray(errorType) ? errorType[0] : errorType);
    const upstream = request(
      {
        host: "127.0.0.1",
        port: this.upstreamPort,
        method: incoming.method,
        path,
        headers: incoming.headers,
      },
      (answer) => {
        if (path === nextInvocation) {
          const requestId = answer.headers["lambda-runtime-aws-request-id"];
          this.lastRequestId = Array.isArray(requestId) ? requestId[0] : requestId;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`the Runtime API recorder could not reach the emulator: ${error.message}`);
    });
    incoming.pipe(upstream);
  }
}
