import type { LambdaEmulator } from "./emulator.js";

let current: LambdaEmulator | undefined;

/** Records the emulator that the `packaged` setupFile started for this test file. */
export function setCurrentLambdas(emulator: LambdaEmulator | undefined): void {
  current = emulator;
}

/**
 * The Lambda emulator of the running test file (`packaged` project only).
 *
 * @example
 * ```ts
 * const result = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas: currentLambdas() });
 * ```
 */
export function currentLambdas(): LambdaEmulator {
  if (current === undefined) {
    throw new Error("no Lambda emulator: currentLambdas() works in the packaged test project only");
  }
  return current;
}
