import type { MotoServer } from "./moto.js";

let current: MotoServer | undefined;

/** Records the emulator that the `aws` setupFile started for this test file. */
export function setCurrentMoto(server: MotoServer | undefined): void {
  current = server;
}

/**
 * The moto server of the running test file (`aws` project only).
 *
 * @example
 * ```ts
 * await currentMoto().reset();
 * ```
 */
export function currentMoto(): MotoServer {
  if (current === undefined)
    throw new Error("no moto running: currentMoto() works in the aws test project only");
  return current;
}
