import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeRadiusBinaryVariable, freeRadiusLibdirVariable } from "./freeradius-setup.js";

/**
 * Starts and stops a real FreeRADIUS (Debian package `freeradius`, 3.2.x) on
 * loopback for protocol tests. The configuration is generated from scratch in a
 * temporary directory: one client (127.0.0.1) with the given secret, a users
 * file with Cleartext-Passwords, PAP, one auth listener on a free high UDP port.
 * Nothing from /etc/freeradius is read, so the host's configuration cannot leak in.
 */

/** A user the server knows. `challenge` makes it answer Access-Challenge instead of Accept. */
export interface FreeRadiusUser {
  name: string;
  password: string;
  challenge?: boolean;
}

/** Options of {@link startFreeRadius}. */
export interface FreeRadiusOptions {
  secret: string;
  users: readonly FreeRadiusUser[];
  /**
   * Sign Accept/Reject with a Message-Authenticator, as servers hardened against
   * Blast-RADIUS do. FreeRADIUS 3.2.1 sends none by default. Default: true.
   */
  replyMessageAuthenticator?: boolean;
  /** Path of the binary; default: what the run's setup found (freeradius-setup.ts), else /usr/sbin/freeradius. */
  binary?: string;
}

/** A running server. */
export interface FreeRadiusServer {
  host: "127.0.0.1";
  port: number;
  /** Everything the server printed so far (its -X debug log). */
  output(): string;
  /** Resolves once the log matches `pattern`; rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const READY = /Ready to process requests/;
const STARTUP_TIMEOUT_MS = 15_000;
const MAX_OUTPUT_CHARS = 1_000_000;
// The config and users file quote values; refuse anything that could break out of the quotes
// or that FreeRADIUS would expand (`${...}`, `%{...}`).
const SAFE_VALUE = /^[\x20-\x7e]{1,128}$/;
const UNSAFE_CHARACTERS = /["\\$%]/;

/**
 * Starts FreeRADIUS in the foreground (`-f -X`) and resolves once it listens.
 *
 * @example
 * ```ts
 * const radius = await startFreeRadius({ secret: "s3cret-Value", users: [{ name: "alice", password: "wonderland" }] });
 * try {
 *   await probeRadiusServer({ host: radius.host, port: radius.port, secret: "s3cret-Value", userName: "alice" });
 * } finally {
 *   await radius.stop();
 * }
 * ```
 */
export async function startFreeRadius(options: FreeRadiusOptions): Promise<FreeRadiusServer> {
  for (const value of [options.secret, ...options.users.flatMap((user) => [user.name, user.password])]) {
    if (!SAFE_VALUE.test(value) || UNSAFE_CHARACTERS.test(value)) {
      throw new Error(
        'FreeRADIUS test secrets, user names and passwords must be printable ASCII without " \\ $ %',
      );
    }
  }
  // A port picked this way can be taken before FreeRADIUS binds it; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const directory = await mkdtemp(join(tmpdir(), "radius-sync-freeradius-"));
    try {
      return await launch(directory, await findFreeUdpPort(), options);
    } catch (error) {
      lastError = error;
      await rm(directory, { recursive: true, force: true });
    }
  }
  throw lastError;
}

// Servers still running when the test process exits (a crashed or interrupted run) are killed
// with it, so no FreeRADIUS outlives its tests.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

async function launch(
  directory: string,
  port: number,
  options: FreeRadiusOptions,
): Promise<FreeRadiusServer> {
  await writeConfiguration(directory, port, options);
  const child = spawn(
    options.binary ?? process.env[freeRadiusBinaryVariable] ?? "/usr/sbin/freeradius",
    ["-f", "-X", "-d", directory],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-MAX_OUTPUT_CHARS);
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  running.add(child);
  let ended = false;
  const exited = new Promise<void>((resolve) => {
    const end = () => {
      ended = true;
      running.delete(child);
      for (const waiter of waiters) waiter();
      resolve();
    };
    child.once("exit", end);
    // A missing binary emits "error" and never "exit".
    child.once("error", (error) => {
      output += `\n${error.message}`;
      end();
    });
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 5_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) done(resolve);
        else if (ended) {
          done(() => reject(new Error(`FreeRADIUS exited before printing ${pattern}:\n${tail(output)}`)));
        }
      };
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`FreeRADIUS did not print ${pattern}:\n${tail(output)}`))),
        timeoutMs,
      );
      waiters.add(check);
      check();
    });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (!ended) await terminate(child, exited);
      await rm(directory, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitForOutput(READY, STARTUP_TIMEOUT_MS);
  } catch (error) {
    if (!ended) await terminate(child, exited);
    throw error;
  }
  return { host: "127.0.0.1", port, output: () => output, waitForOutput, stop };
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killTimer);
}

async function findFreeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function writeConfiguration(
  directory: string,
  port: number,
  options: FreeRadiusOptions,
): Promise<void> {
  const signReplies = options.replyMessageAuthenticator ?? true;
  await mkdir(join(directory, "run"));
  await mkdir(join(directory, "log"));
  await writeFile(
    join(directory, "radiusd.conf"),
    renderRadiusdConf(directory, port, options.secret, signReplies),
  );
  await writeFile(join(directory, "users"), renderUsers(options.users, signReplies));
}

function renderRadiusdConf(directory: string, port: number, secret: string, signReplies: boolean): string {
  // Adding Message-Authenticator to the reply list makes FreeRADIUS compute it when it encodes the reply.
  const signReply = signReplies ? "update reply {\n      Message-Authenticator := 0x00\n    }" : "";
  return `# Generated by test/support/freeradius.ts for one test run.
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
confdir = ${directory}
raddbdir = ${directory}
modconfdir = ${directory}
db_dir = ${directory}
logdir = ${directory}/log
radacctdir = ${directory}/log
run_dir = ${directory}/run
pidfile = ${directory}/run/radiusd.pid
libdir = ${process.env[freeRadiusLibdirVariable] ?? "/usr/lib/freeradius"}
name = freeradius
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
  destination = stdout
  auth = yes
}
security {
  allow_core_dumps = no
  max_attributes = 200
  # No artificial delay before Access-Reject: tests wait for replies, not for the clock.
  reject_delay = 0
  status_server = no
}
client probe {
  ipaddr = 127.0.0.1
  secret = "${secret}"
}
modules {
  pap {
  }
  files {
    filename = ${directory}/users
  }
}
server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = ${port}
  }
  authorize {
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
  post-auth {
    ${signReply}
    Post-Auth-Type REJECT {
      ${signReply}
    }
  }
}
`;
}

function renderUsers(users: readonly FreeRadiusUser[], signReplies: boolean): string {
  return users
    .map((user) => {
      const check = `${user.name} Cleartext-Password := "${user.password}"`;
      if (!user.challenge) return `${check}\n`;
      // control:Response-Packet-Type turns the answer into an Access-Challenge; post-auth does not run for it.
      const reply = ['Reply-Message := "Enter the verification code"', "State := 0x7261646975732d73796e63"];
      if (signReplies) reply.push("Message-Authenticator := 0x00");
      return `${check}, Response-Packet-Type := Access-Challenge\n\t${reply.join(", ")}\n`;
    })
    .join("");
}

function tail(text: string): string {
  return text.split("\n").slice(-40).join("\n");
}
