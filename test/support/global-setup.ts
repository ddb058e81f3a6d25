import { ensureVirtualenv } from "./venv.js";

/**
 * vitest globalSetup: prepares the project virtualenv (moto, cfn-lint) once per run,
 * before any worker starts an emulator.
 */
export function setup(): void {
  ensureVirtualenv();
}
