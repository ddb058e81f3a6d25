/**
 * One execution environment of one function, as AWS's own parts run it: the Runtime Interface
 * Emulator (`aws-lambda-rie`) serving the Lambda Runtime API and the invoke lifecycle, with AWS's
 * Runtime Interface Client for Node.js (`aws-lambda-ric`) on Node 22 as the runtime, which loads the
 * handler the template names from the task folder and reports each result or error. The emulator
 * takes one invoke at a time, as an environment does; the Lambda emulator starts more environments
 * when a Map state invokes the same function concurrently.
 *
 * The Invoke answer is read as Lambda returns it: the function's result, or its error payload
 * (`errorType` is the thrown error's `name`, as the client formats it). The emulator's answer does
 * not say which (see runtime-api-recorder.ts), so the runtime's own post decides. A timed-out invoke
 * gets the emulator's plain "Task timed out after N.00 seconds", reported as Lambda names it,
 * `Sandbox.Timedout` (the emulator's own name for it, `internal/lambda-managed-instances/rapid/model`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type ErrorOrigin,
  errorOriginOf,
  type LambdaErrorPayload,
  providedModuleRoots,
} from "./error-origin.js";
import { RuntimeApiRecorder } from "./runtime-api-recorder.js";
import { runtimeInterfaceClientEntry } from "./runtime-interface-client.js";
import { runtimeInterfaceEmulatorBinary } from "./runtime-interface-emulator.js";

export type { ErrorOrigin, LambdaErrorPayload };

/** The answer to one invoke: the result, or the error payload and where the error was made. */
export type InvokeOutcome =
  | { ok: true; payload: string }
  | { ok: false; error: LambdaErrorPayload; origin: ErrorOrigin };

/** How long the emulator may take to listen after it starts (a loaded 2-core box is slow). */
const startupDeadlineMs = 30_000;
/** What a harness waits beyond the function's timeout before it calls the emulator stuck. */
const stuckAfterMs = 30_000;

const timedOut = /^Task timed out after \d+\.\d\d seconds$/;

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

async function isListening(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The payload of a body that should be Lambda's error JSON; a runtime failure when it is not. */
function errorPayloadOf(body: string): LambdaErrorPayload {
  try {
    const parsed = JSON.parse(body) as Partial<LambdaErrorPayload>;
    return {
      errorType: String(parsed.errorType ?? "Runtime.Unknown"),
      errorMessage: String(parsed.errorMessage ?? ""),
      trace: Array.isArray(parsed.trace) ? parsed.trace.map(String) : [],
    };
  } catch {
    return { errorType: "Runtime.Unknown", errorMessage: body, trace: [] };
  }
}

/** Options of one environment. */
export interface ExecutionEnvironmentOptions {
  /** The Node.js 22 binary that runs the runtime client. */
  node: string;
  /** The function's extracted zip (`LAMBDA_TASK_ROOT`). */
  taskRoot: string;
  /** `<path>.<export>` relative to the task root (`_HANDLER`). */
  handler: string;
  /** The function's timeout; the emulator ends an invoke that outlives it. */
  timeoutSeconds: number;
  /** Every variable of the environment (the template's, Lambda's own, credentials, endpoint). */
  environment: Record<string, string>;
  /** The emulator's and the function's output go here (Lambda's log stream). */
  logFile: string;
  onOutput: (text: string) => void;
}

/** One warm environment; {@link invoke} one event at a time. */
export class ExecutionEnvironment {
  busy = false;
  private child: ChildProcess | undefined;
  private invokePort = 0;
  private readonly ready: Promise<void>;
  private recorder: RuntimeApiRecorder | undefined;
  private readonly log: WriteStream;
  private readonly providedRoots: string[];

  constructor(private readonly options: ExecutionEnvironmentOptions) {
    this.log = createWriteStream(options.logFile, { flags: "a" });
    this.providedRoots = providedModuleRoots(options.environment.NODE_PATH ?? "");
    this.ready = this.start();
    // A start-up failure is reported by the first invoke.
    this.ready.catch(() => undefined);
  }

  /** Whether the emulator is still running (its runtime may be between a reset and the next init). */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Invokes the function once (RequestResponse) and returns what Lambda returns.
   *
   * @example
   * ```ts
   * const outcome = await environment.invoke({ event: {}, traceId: "Root=1-…;Sampled=0" });
   * ```
   */
  async invoke(request: { event: unknown; traceId: string }): Promise<InvokeOutcome> {
    this.busy = true;
    try {
      await this.ready;
      const recorder = this.recorder as RuntimeApiRecorder;
      recorder.lastRequestId = undefined;
      recorder.lastInitError = undefined;
      const answer = await fetch(
        `http://127.0.0.1:${this.invokePort}/2015-03-31/functions/function/invocations`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "x-amzn-trace-id": request.traceId },
          body: JSON.stringify(request.event),
          signal: AbortSignal.timeout(this.options.timeoutSeconds * 1000 + stuckAfterMs),
        },
      );
      const body = await answer.text();
      const requestId = recorder.lastRequestId;
      const report = requestId === undefined ? undefined : recorder.reportFor(requestId);
      if (report?.kind === "response") return { ok: true, payload: body };
      if (report?.kind === "error" || answer.status === 502) return this.failure(errorPayloadOf(body));
      if (timedOut.test(body)) {
        const errorMessage = `RequestId: ${requestId ?? "unknown"} Error: ${body}`;
        return this.failure({ errorType: "Sandbox.Timedout", errorMessage, trace: [] });
      }
      throw new Error(
        `aws-lambda-rie answered ${answer.status} without a runtime answer: ${body.slice(0, 500)}`,
      );
    } finally {
      this.busy = false;
    }
  }

  private failure(error: LambdaErrorPayload): InvokeOutcome {
    return { ok: false, error, origin: errorOriginOf(error, this.providedRoots) };
  }

  /** Stops the emulator (which stops its runtime) and the recorder, and waits until they are gone. */
  async stop(): Promise<void> {
    await this.ready.catch(() => undefined);
    const child = this.child;
    if (child !== undefined && this.alive) {
      // "close": exited, and its output read to the end.
      const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await closed;
      clearTimeout(forced);
    }
    await this.recorder?.stop();
    if (!this.log.writableEnded) await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }

  /**
   * Starts the recorder and the emulator on free loopback ports. Another process can take a port
   * between the probe and the emulator's bind; the emulator then exits at once, and another pair is
   * tried.
   */
  private async start(): Promise<void> {
    const { node, taskRoot, handler, timeoutSeconds, environment } = this.options;
    const emulator = runtimeInterfaceEmulatorBinary();
    const client = runtimeInterfaceClientEntry();
    this.recorder = await RuntimeApiRecorder.start();
    for (let attempt = 1; ; attempt += 1) {
      const [runtimeApiPort, invokePort] = [await freePort(), await freePort()];
      this.recorder.forwardTo(runtimeApiPort);
      const bootstrap = [
        "/usr/bin/env",
        `AWS_LAMBDA_RUNTIME_API=${this.recorder.address}`,
        node,
        client,
        handler,
      ];
      const child = spawn(
        emulator,
        [
          "--log-level",
          "warn",
          "--runtime-api-address",
          `127.0.0.1:${runtimeApiPort}`,
          "--runtime-interface-emulator-address",
          `127.0.0.1:${invokePort}`,
          ...bootstrap,
        ],
        {
          cwd: taskRoot,
          env: { ...environment, _HANDLER: handler, AWS_LAMBDA_FUNCTION_TIMEOUT: String(timeoutSeconds) },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      for (const stream of [child.stdout, child.stderr]) {
        stream?.on("data", (chunk: Buffer) => {
          // Output may still arrive after stop() ended the log (a killed attempt's last words).
          if (!this.log.writableEnded) this.log.write(chunk);
          this.options.onOutput(chunk.toString("utf8"));
        });
      }
      this.child = child;
      this.invokePort = invokePort;
      const deadline = Date.now() + startupDeadlineMs;
      while (this.alive && Date.now() < deadline && !(await isListening(invokePort))) await sleep(20);
      if (this.alive && (await isListening(invokePort))) return;
      child.kill("SIGKILL");
      if (attempt >= 3) {
        throw new Error(
          `aws-lambda-rie did not start (ports ${runtimeApiPort}, ${invokePort}); see ${this.options.logFile}`,
        );
      }
    }
  }
}

/** The log file of one environment, under the emulator's log folder. */
export const environmentLogFile = (folder: string, functionName: string, index: number) =>
  join(folder, `${functionName}-${process.pid}-${index}.log`);
