/**
 * The build tools AWS's Runtime Interface Client needs once, while its install scripts build curl,
 * aws-lambda-cpp and its node-gyp addon: cmake, make and a C++ compiler (python3 for node-gyp comes
 * with the project's own prerequisites). As for FreeRADIUS (freeradius-setup.ts), `npm test` finds
 * them, installs them where the machine allows (Linux, root, apt-get), or stops before any test with
 * one line naming what to install. The decision is {@link planBuildTools} (pure).
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The commands the install scripts run, and the Debian package of each. */
export const buildTools: Readonly<Record<string, string>> = { cmake: "cmake", make: "make", "g++": "g++" };

/** The facts about the machine the decision rests on. */
export interface BuildToolFacts {
  platform: NodeJS.Platform;
  /** The commands of {@link buildTools} that are not on the PATH. */
  missing: readonly string[];
  isRoot: boolean;
  hasAptGet: boolean;
  /** An install already ran during this run. */
  installAttempted?: boolean;
}

/** What the run does about the build tools. */
export type BuildToolsPlan =
  | { action: "use" }
  | { action: "install"; commands: ReadonlyArray<readonly string[]> }
  | { action: "stop"; message: string };

function stopMessage(missing: readonly string[], reason: string): string {
  return (
    `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing and ${reason}. The packaged ` +
    "tests build AWS's Runtime Interface Client (aws-lambda-ric) once with them: install them — " +
    "Debian/Ubuntu: sudo apt-get install cmake make g++; Fedora: sudo dnf install cmake make gcc-c++ — " +
    "then run npm test again."
  );
}

/**
 * Decides what the run does: use the tools that are there; install the missing ones with apt-get
 * on Linux as root; otherwise stop with one line saying what to install.
 *
 * @example
 * ```ts
 * planBuildTools({ platform: "linux", missing: ["cmake"], isRoot: true, hasAptGet: true });
 * // { action: "install", commands: [["apt-get", "update", "-q"], ["apt-get", "install", …, "cmake"]] }
 * ```
 */
export function planBuildTools(facts: BuildToolFacts): BuildToolsPlan {
  const { missing } = facts;
  if (missing.length === 0) return { action: "use" };
  if (facts.installAttempted)
    return { action: "stop", message: stopMessage(missing, "apt-get did not provide them") };
  if (facts.platform !== "linux") {
    return {
      action: "stop",
      message: stopMessage(missing, `npm test installs them only on Linux (this is ${facts.platform})`),
    };
  }
  if (!facts.hasAptGet) {
    return {
      action: "stop",
      message: stopMessage(missing, "npm test installs them only with apt-get, which this machine lacks"),
    };
  }
  if (!facts.isRoot) {
    return {
      action: "stop",
      message: stopMessage(missing, "npm test installs them with apt-get only when run as root"),
    };
  }
  const packages = missing.map((command) => buildTools[command] ?? command);
  return {
    action: "install",
    commands: [
      ["apt-get", "update", "-q"],
      ["apt-get", "install", "-y", "-q", "--no-install-recommends", ...packages],
    ],
  };
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((folder) => {
    try {
      accessSync(join(folder, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function hostFacts(): Omit<BuildToolFacts, "installAttempted"> {
  return {
    platform: process.platform,
    missing: Object.keys(buildTools).filter((command) => !onPath(command)),
    isRoot: process.getuid?.() === 0,
    hasAptGet: onPath("apt-get"),
  };
}

/**
 * Makes the build tools available, or throws the one line that says what to install.
 *
 * @example
 * ```ts
 * ensureBuildTools(); // before ensureRuntimeInterfaceClient()
 * ```
 */
export function ensureBuildTools(): void {
  for (let installAttempted = false; ; installAttempted = true) {
    const plan = planBuildTools({ ...hostFacts(), installAttempted });
    if (plan.action === "use") return;
    if (plan.action === "stop") throw new Error(plan.message);
    console.log(
      `build tools for aws-lambda-ric: installing ${hostFacts().missing.join(", ")} with apt-get (as root)`,
    );
    for (const [command, ...args] of plan.commands) {
      try {
        execFileSync(command ?? "", args, { stdio: ["ignore", "ignore", "inherit"] });
      } catch {
        break;
      }
    }
  }
}
