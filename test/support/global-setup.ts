import { ensureNode22 } from "./lambda/node22.js";
import { ensureVirtualenv } from "./venv.js";

/**
 * vitest globalSetup: prepares the project virtualenv (moto, cfn-lint) and the Node 22 that runs
 * the packaged functions once per run, before any worker starts an emulator.
 */
export function setup(): void {
  ensureVirtualenv();
  ensureNode22();
}
