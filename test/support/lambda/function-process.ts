/**
 * One execution environment of one function: a Node 22 child running the runtime shim in the
 * function's task folder. It serves one invoke at a time, as a Lambda environment does; the emulator
 * starts more of them when a Map state invokes the same function concurrently.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";

/** What the runtime reports for a failed invoke (Step Functions matches `errorType`). */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** Where a reported error was created: the bundle's own code, Node itself, or the AWS SDK. */
export type ErrorOrigin = "bundle" | "builtin" | "aws-sdk" | "runtime";

/** The answer to one invoke. */
export type InvokeOutcome =
  | { ok: true; payload: string }
  | { ok: false; error: LambdaErrorPayload; origin: ErrorOrigin };

type Reply = { type: "result"; id: number } & (
  | { ok: true; payload: string }
  | { ok: false; error: LambdaErrorPayload; origin: ErrorOrigin }
);

const shimPath = new URL("./runtime-shim.cjs", import.meta.url).pathname;

/** A runtime failure reported the way Lambda reports them (the process died or ran out of time). */
function runtimeFailure(errorType: string, errorMessage: string): InvokeOutcome {
  return { ok: false, origin: "runtime", error: { errorType, errorMessage, trace: [] } };
}

/** One warm environment; {@link invoke} one event at a time. */
export class FunctionProcess {
  readonly child: ChildProcess;
  busy = false;
  private sequence = 0;
  private readonly pending = new Map<number, (outcome: InvokeOutcome) => void>();
  private readonly exited: Promise<void>;
  private readonly log: WriteStream;

  constructor(options: {
    node: string;
    taskRoot: string;
    environment: Record<string, string>;
    logFile: string;
    onOutput: (text: string) => void;
  }) {
    this.log = createWriteStream(options.logFile, { flags: "a" });
    this.child = fork(shimPath, [], {
      execPath: options.node,
      cwd: options.taskRoot,
      env: options.environment,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        this.log.write(chunk);
        options.onOutput(chunk.toString("utf8"));
      });
    }
    this.child.on("message", (message: Reply | { type: "ready" }) => {
      if (message.type !== "result") return;
      const settle = this.pending.get(message.id);
      this.pending.delete(message.id);
      settle?.(
        message.ok
          ? { ok: true, payload: message.payload }
          : { ok: false, error: message.error, origin: message.origin },
      );
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        for (const settle of this.pending.values()) {
          settle(
            runtimeFailure(
              "Runtime.ExitError",
              `Error: Runtime exited ${signal ? `with signal: ${signal}` : `with error: exit status ${code}`}`,
            ),
          );
        }
        this.pending.clear();
        this.log.end();
        resolve();
      });
    });
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Sends one invoke and waits for the answer; after `timeoutMs` the environment is killed and the
   * invoke fails with `Sandbox.Timedout`, as Lambda reports a function timeout.
   */
  async invoke(request: {
    event: unknown;
    requestId: string;
    traceId: string;
    invokedFunctionArn: string;
    timeoutMs: number;
  }): Promise<InvokeOutcome> {
    this.sequence += 1;
    const id = this.sequence;
    this.busy = true;
    try {
      const answer = new Promise<InvokeOutcome>((resolve) => this.pending.set(id, resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<InvokeOutcome>((resolve) => {
        timer = setTimeout(() => {
          const seconds = (request.timeoutMs / 1000).toFixed(2);
          const failure = runtimeFailure(
            "Sandbox.Timedout",
            `RequestId: ${request.requestId} Error: Task timed out after ${seconds} seconds`,
          );
          // Lambda ends the environment of a timed-out invoke; the next invoke gets a fresh one.
          this.pending.delete(id);
          void this.stop().then(() => resolve(failure));
        }, request.timeoutMs);
      });
      this.child.send({ type: "invoke", id, ...request });
      const outcome = await Promise.race([answer, timedOut]);
      clearTimeout(timer);
      return outcome;
    } finally {
      this.busy = false;
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL) and waits until it has exited. */
  async stop(): Promise<void> {
    if (this.alive) {
      this.child.kill("SIGTERM");
      const forced = setTimeout(() => this.child.kill("SIGKILL"), 2_000);
      await this.exited;
      clearTimeout(forced);
    }
    await this.exited;
  }
}

/** The log file of one environment, under the emulator's log folder. */
export const environmentLogFile = (folder: string, functionName: string, index: number) =>
  join(folder, `${functionName}-${process.pid}-${index}.log`);
