import { prepareFreeRadius } from "./freeradius-setup.js";

/**
 * vitest globalSetup of the `protocol` project (the tests that talk to a real FreeRADIUS): finds
 * FreeRADIUS, installs it where the machine allows, or stops the run before any test with one
 * line saying what to install. It runs only when protocol tests are part of the run.
 */
export function setup(): void {
  prepareFreeRadius();
}
