/**
 * AWS's Runtime Interface Emulator (`aws-lambda-rie`, the Go module
 * github.com/aws/aws-lambda-runtime-interface-emulator): the Lambda Runtime API and the invoke
 * lifecycle (init, suppressed init after a failure, the function timeout, a runtime that exits) that
 * the packaged functions run behind. Built once with the machine's Go from the Go module proxy at a
 * pinned version into the gitignored `.cache/aws-lambda-rie/`; the module publishes no tags, so the
 * pin is a pseudo-version (the commit `@latest` resolved to when it was chosen).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "../paths.js";

/** The emulator's Go module and the version built. */
export const runtimeInterfaceEmulatorModule = {
  path: "github.com/aws/aws-lambda-runtime-interface-emulator",
  command: "cmd/aws-lambda-rie",
  version: "v0.0.0-20261030222936-bef5c4ba774d",
} as const;

const { path, command, version } = runtimeInterfaceEmulatorModule;
const cacheDirectory = join(repositoryRoot, ".cache", "aws-lambda-rie", version);
const binary = join(cacheDirectory, "aws-lambda-rie");

/** `go`, from the PATH or Go's default install folder. */
function goBinary(): string {
  for (const candidate of ["go", "/usr/local/go/bin/go"]) {
    try {
      execFileSync(candidate, ["version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // Not this one.
    }
  }
  throw new Error(
    `no Go toolchain to build ${path}: install Go (the module's go.mod asks for 1.26) and put it on the PATH`,
  );
}

/**
 * Builds the emulator when it is missing and returns its path (a no-op on a prepared machine, so the
 * packaged project's global setup calls it every run). `go install` builds in a scratch folder that
 * is renamed into place, so two runs at once never see half a binary.
 *
 * @example
 * ```ts
 * // vitest globalSetup of the packaged project
 * export function setup() { ensureRuntimeInterfaceEmulator(); }
 * ```
 */
export function ensureRuntimeInterfaceEmulator(): string {
  if (existsSync(binary)) return binary;
  const scratch = `${cacheDirectory}.${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  execFileSync(goBinary(), ["install", `${path}/${command}@${version}`], {
    env: { ...process.env, GOBIN: scratch, GOFLAGS: "-buildvcs=false", CGO_ENABLED: "0" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (!existsSync(binary)) {
    try {
      renameSync(scratch, cacheDirectory);
    } catch (error) {
      // Another run put its build in place first: use that one.
      if (!existsSync(binary)) throw error;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return binary;
}

/**
 * The emulator's path, without building anything: fails, naming the fix, when the global setup has
 * not built it.
 *
 * @example
 * ```ts
 * spawn(runtimeInterfaceEmulatorBinary(), ["--runtime-api-address", "127.0.0.1:9001", …]);
 * ```
 */
export function runtimeInterfaceEmulatorBinary(): string {
  if (existsSync(binary)) return binary;
  throw new Error(
    `no aws-lambda-rie at ${binary}: the packaged project's global setup builds it (ensureRuntimeInterfaceEmulator())`,
  );
}
