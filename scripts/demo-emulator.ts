/**
 * The long-lived emulator behind `npm start`: one moto server that outlives the command, so that a
 * second `npm start` sees what the first one configured. Its pid and port live in
 * `.moto/demo-server.json` (gitignored).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { motoLogDirectory } from "../test/support/paths.js";
import { motoServerPath } from "../test/support/venv.js";

/** Where the demo emulator's pid, port and log live; RADIUS_SYNC_DEMO_DIR moves them (tests do). */
const demoDirectory = process.env.RADIUS_SYNC_DEMO_DIR ?? motoLogDirectory;
const stateFile = join(demoDirectory, "demo-server.json");
/** The demo's simulated NPS servers, kept between runs as the emulator keeps the AWS side. */
export const demoNpsHostsFile = join(demoDirectory, "demo-nps-hosts.json");

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/`);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Returns the running demo emulator, or starts one (detached) and says it is fresh.
 *
 * @example
 * ```ts
 * const { endpoint, fresh } = await ensureDemoEmulator();
 * ```
 */
export async function ensureDemoEmulator(): Promise<{ endpoint: string; fresh: boolean }> {
  if (existsSync(stateFile)) {
    const { endpoint } = JSON.parse(readFileSync(stateFile, "utf8")) as { endpoint: string };
    if (await answers(endpoint)) return { endpoint, fresh: false };
  }
  mkdirSync(demoDirectory, { recursive: true });
  // A new emulator holds a new estate: the old one's NPS servers are gone with it.
  rmSync(demoNpsHostsFile, { force: true });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = openSync(join(demoDirectory, "demo-server.log"), "a");
  const child = spawn(motoServerPath, ["-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  child.unref();
  for (let attempt = 0; attempt < 600 && !(await answers(endpoint)); attempt += 1) await sleep(100);
  if (!(await answers(endpoint)))
    throw new Error(`moto did not start on ${endpoint}; see ${join(demoDirectory, "demo-server.log")}`);
  writeFileSync(stateFile, JSON.stringify({ endpoint, pid: child.pid }));
  return { endpoint, fresh: true };
}

/**
 * Stops the demo emulator if it runs (its state is lost).
 *
 * @example
 * ```ts
 * await stopDemoEmulator();
 * ```
 */
export async function stopDemoEmulator(): Promise<boolean> {
  if (!existsSync(stateFile)) return false;
  const { pid } = JSON.parse(readFileSync(stateFile, "utf8")) as { pid: number };
  rmSync(stateFile);
  try {
    process.kill(pid, "SIGTERM");
    return true;
  } catch {
    return false;
  }
}
