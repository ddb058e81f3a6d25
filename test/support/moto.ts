import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { motoLogDirectory } from "./paths.js";
import { installedMotoVersion, motoServerPath } from "./venv.js";

/** A running moto server owned by the caller. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`, the value for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** The server's process id (its binary is {@link MotoServer.binary}). */
  readonly pid: number;
  /** The moto_server that runs: always the project virtualenv's. */
  readonly binary: string;
  /** moto's version as the virtualenv reports it. */
  readonly version: string;
  /** The file that receives the server's stdout and stderr. */
  readonly logFile: string;
  /** Forgets every resource in every service (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server and waits for its process to exit. */
  stop(): Promise<void>;
}

/** Start-up budget; moto usually answers within two seconds, a loaded CI box is slower. */
const startupDeadlineMs = 60_000;

async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + startupDeadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited during start-up (${child.exitCode ?? child.signalCode}); see ${logFile}`,
      );
    }
    try {
      await fetch(`${endpoint}/moto-api/`);
      return;
    } catch {
      await sleep(100);
    }
  }
  child.kill("SIGKILL");
  throw new Error(`moto_server did not answer on ${endpoint} within ${startupDeadlineMs} ms; see ${logFile}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const forced = sleep(5_000).then(() => child.kill("SIGKILL"));
  await Promise.race([exited, forced]);
  await exited;
}

/**
 * Starts the virtualenv's `moto_server` on a free loopback port and waits until it answers.
 * Its log goes to `.moto/moto-<port>.log`, not the console. `environment` adds variables to the
 * server's (e.g. `PYTHONPATH` for the bench's raised AD Connector quota).
 *
 * @example
 * ```ts
 * const moto = await startMoto();
 * process.env.AWS_ENDPOINT_URL = moto.endpoint;
 * await moto.reset();
 * await moto.stop();
 * ```
 */
export async function startMoto(options: { environment?: Record<string, string> } = {}): Promise<MotoServer> {
  mkdirSync(motoLogDirectory, { recursive: true });
  const version = installedMotoVersion();
  if (version === undefined)
    throw new Error(`no moto in the virtualenv (${motoServerPath}); run ensureVirtualenv()`);
  // Another process can take the port between our probe and moto's bind: try a few ports.
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const logFile = join(motoLogDirectory, `moto-${port}.log`);
    const log = openSync(logFile, "w");
    const child = spawn(motoServerPath, ["-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", log, log],
      env: { ...process.env, ...options.environment },
    });
    // The child holds its own copy of the descriptor.
    closeSync(log);
    try {
      await waitUntilAnswering(endpoint, child, logFile);
    } catch (error) {
      if (attempt >= 3) throw error;
      continue;
    }
    const pid = child.pid ?? -1;
    return {
      endpoint,
      pid,
      binary: motoServerPath,
      version,
      logFile,
      async reset() {
        const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
        if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
      },
      stop: () => stopProcess(child),
    };
  }
}

/**
 * Seeds moto's random generator (`POST /moto-api/seed?a=N`): after a reset, the same calls in the
 * same order then get the same ids, IPs and generated passwords on every run.
 *
 * @example
 * ```ts
 * await moto.reset();
 * await seedMotoRandom(moto.endpoint, 8);
 * ```
 */
export async function seedMotoRandom(endpoint: string, seed: number): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/seed?a=${seed}`, { method: "POST" });
  if (!response.ok) throw new Error(`moto seed answered ${response.status}`);
}
