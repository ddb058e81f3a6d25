import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

/**
 * What the protocol tests need before they start: a FreeRADIUS 3.2 binary and the folder of its
 * modules. `npm test` finds it, or installs it where the machine allows (root with apt-get), or
 * stops before any test with one line that says what to install — never a crash inside a test
 * and never a silent skip. The decision is {@link planFreeRadiusSetup} (pure); the rest carries it out.
 */

/** Environment variables through which the setup tells the test workers what it found. */
export const freeRadiusBinaryVariable = "RADIUS_SYNC_FREERADIUS";
/** See {@link freeRadiusBinaryVariable}. */
export const freeRadiusLibdirVariable = "RADIUS_SYNC_FREERADIUS_LIBDIR";

/** A usable FreeRADIUS: its server binary and the folder holding its modules (rlm_pap, rlm_files). */
export interface FreeRadiusInstall {
  binary: string;
  libdir: string;
}

/** One command of an install; `mayFail` marks a best-effort one (its failure is ignored). */
export interface SetupCommand {
  argv: readonly string[];
  mayFail?: boolean;
}

/** What the run does about FreeRADIUS. */
export type FreeRadiusPlan =
  | { action: "use"; install: FreeRadiusInstall }
  | { action: "install"; commands: readonly SetupCommand[] }
  | { action: "stop"; message: string };

/** The facts about the machine the decision rests on. */
export interface HostFacts {
  platform: NodeJS.Platform;
  /** What {@link findFreeRadius} found, if anything. */
  found: FreeRadiusInstall | undefined;
  isRoot: boolean;
  hasAptGet: boolean;
  /** An install already ran during this run (so `found` is what it left). */
  installAttempted?: boolean;
}

/** The one line printed when FreeRADIUS is missing, with the reason it was not installed. */
export function missingFreeRadiusMessage(reason: string): string {
  return (
    `FreeRADIUS 3.2 is not installed and ${reason}. The protocol tests need it: install it — ` +
    "Debian/Ubuntu: sudo apt-get install freeradius; Fedora: sudo dnf install freeradius; " +
    "macOS: brew install freeradius-server — then run npm test again."
  );
}

/** The Debian package, and its service stopped: the tests start their own servers on loopback high ports. */
const aptInstall: readonly SetupCommand[] = [
  { argv: ["apt-get", "update", "-q"] },
  { argv: ["apt-get", "install", "-y", "-q", "--no-install-recommends", "freeradius"] },
  { argv: ["systemctl", "disable", "--now", "freeradius"], mayFail: true },
];

/**
 * Decides what the run does about FreeRADIUS: use what is there; install it when it is missing
 * and the machine allows (Linux, root, apt-get); otherwise stop with one line naming what to
 * install on Debian/Ubuntu, Fedora and macOS.
 *
 * @example
 * ```ts
 * planFreeRadiusSetup({ platform: "linux", found: undefined, isRoot: true, hasAptGet: true });
 * // { action: "install", commands: [apt-get update, apt-get install … freeradius, systemctl disable …] }
 * ```
 */
export function planFreeRadiusSetup(facts: HostFacts): FreeRadiusPlan {
  if (facts.found) return { action: "use", install: facts.found };
  if (facts.installAttempted) {
    return {
      action: "stop",
      message: missingFreeRadiusMessage("installing the Debian package freeradius did not provide it"),
    };
  }
  if (facts.platform !== "linux") {
    return {
      action: "stop",
      message: missingFreeRadiusMessage(`npm test installs it only on Linux (this is ${facts.platform})`),
    };
  }
  if (!facts.hasAptGet) {
    return {
      action: "stop",
      message: missingFreeRadiusMessage("npm test installs it only with apt-get, which this machine lacks"),
    };
  }
  if (!facts.isRoot) {
    return {
      action: "stop",
      message: missingFreeRadiusMessage("npm test installs it with apt-get only when run as root"),
    };
  }
  return { action: "install", commands: aptInstall };
}

/** How {@link findFreeRadius} looks at the file system (a fake one in unit tests). */
export interface FileProbe {
  exists(path: string): boolean;
  realpath(path: string): string;
  /** The folders of PATH, in order. */
  pathFolders: readonly string[];
  /** An explicit binary (RADIUS_SYNC_FREERADIUS), tried before anything else. */
  explicitBinary?: string | undefined;
}

// Debian/Ubuntu name the server freeradius; Fedora, Homebrew and source builds name it radiusd.
const binaryNames = ["freeradius", "radiusd"];
const fixedFolders = ["/usr/sbin", "/usr/local/sbin", "/opt/homebrew/bin", "/usr/local/bin"];
// Relative to the prefix the binary lives under (…/sbin/freeradius → …): Debian's, Fedora's,
// and Homebrew's or a source build's module folder.
const moduleFolders = ["lib/freeradius", "lib64/freeradius", "lib"];
const modulePapFiles = ["rlm_pap.so", "rlm_pap.dylib"];

/**
 * Finds a FreeRADIUS binary (the explicit one, then the usual folders, then PATH) and the module
 * folder of its installation; `undefined` when there is none.
 *
 * @example
 * ```ts
 * findFreeRadius(hostFileProbe()); // { binary: "/usr/sbin/freeradius", libdir: "/usr/lib/freeradius" } on Debian
 * ```
 */
export function findFreeRadius(probe: FileProbe): FreeRadiusInstall | undefined {
  const folders = [...fixedFolders, ...probe.pathFolders];
  const candidates = [
    ...(probe.explicitBinary ? [probe.explicitBinary] : []),
    ...folders.flatMap((folder) => binaryNames.map((name) => join(folder, name))),
  ];
  for (const binary of candidates) {
    if (!probe.exists(binary)) continue;
    const prefix = dirname(dirname(probe.realpath(binary)));
    const libdir = moduleFolders
      .map((folder) => join(prefix, folder))
      .find((folder) => modulePapFiles.some((file) => probe.exists(join(folder, file))));
    if (libdir) return { binary, libdir };
  }
  return undefined;
}

/** The real file system and PATH. */
export function hostFileProbe(): FileProbe {
  return {
    exists: existsSync,
    realpath: realpathSync,
    pathFolders: (process.env.PATH ?? "").split(delimiter).filter(Boolean),
    explicitBinary: process.env[freeRadiusBinaryVariable],
  };
}

/** What {@link prepareFreeRadius} does to the machine and the run (a fake one in unit tests). */
export interface SetupSystem {
  facts(): Omit<HostFacts, "installAttempted">;
  /** Runs one command, printing its output; throws when it fails. */
  run(argv: readonly string[]): void;
  /** The first line of `binary -v`. */
  version(binary: string): string;
  log(line: string): void;
  /** Ends the run before any test, with one line. */
  stop(message: string): never;
}

/**
 * Makes FreeRADIUS available to the tests, or stops the run with one line; tells the workers
 * what it found through {@link freeRadiusBinaryVariable} and {@link freeRadiusLibdirVariable}, and
 * prints which path ran (found, installed, missing).
 *
 * @example
 * ```ts
 * // vitest globalSetup of the protocol project
 * export function setup() { prepareFreeRadius(); }
 * ```
 */
export function prepareFreeRadius(system: SetupSystem = hostSystem()): FreeRadiusInstall {
  let installAttempted = false;
  for (;;) {
    const plan = planFreeRadiusSetup({ ...system.facts(), installAttempted });
    if (plan.action === "stop") return system.stop(plan.message);
    if (plan.action === "use") {
      const { binary, libdir } = plan.install;
      process.env[freeRadiusBinaryVariable] = binary;
      process.env[freeRadiusLibdirVariable] = libdir;
      system.log(
        `FreeRADIUS: ${installAttempted ? "installed" : "found"} ${binary} (${system.version(binary)}), modules in ${libdir}`,
      );
      return plan.install;
    }
    system.log("FreeRADIUS: not installed; installing the Debian package freeradius with apt-get (as root)");
    for (const command of plan.commands) {
      try {
        system.run(command.argv);
      } catch (error) {
        if (command.mayFail) continue;
        system.log(`FreeRADIUS: ${command.argv.join(" ")} failed: ${(error as Error).message}`);
        break;
      }
    }
    installAttempted = true;
  }
}

function commandExists(name: string): boolean {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .some((folder) => folder !== "" && existsSync(join(folder, name)));
}

/** The real machine: facts from the process and the file system, commands through execFileSync. */
export function hostSystem(): SetupSystem {
  return {
    facts: () => ({
      platform: process.platform,
      found: findFreeRadius(hostFileProbe()),
      isRoot: process.getuid?.() === 0,
      hasAptGet: commandExists("apt-get"),
    }),
    run: ([command = "", ...args]) => {
      execFileSync(command, args, {
        stdio: "inherit",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    },
    version: (binary) => {
      try {
        return execFileSync(binary, ["-v"], { encoding: "utf8" }).split("\n")[0]?.trim() ?? "";
      } catch (error) {
        return `version unknown: ${(error as Error).message}`;
      }
    },
    log: (line) => process.stdout.write(`${line}\n`),
    stop: (message) => {
      process.stderr.write(`${message}\n`);
      // Not a throw: vitest would wrap it in "No test files found" and a stack; one line is the point.
      process.exit(1);
    },
  };
}
