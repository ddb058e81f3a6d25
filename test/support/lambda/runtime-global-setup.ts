import { ensureBuildTools } from "./build-tools.js";
import {
  ensureRuntimeInterfaceClient,
  isRuntimeInterfaceClientInstalled,
} from "./runtime-interface-client.js";
import { ensureRuntimeInterfaceEmulator } from "./runtime-interface-emulator.js";

/**
 * vitest globalSetup of the `packaged` project, before any worker starts an execution environment:
 * builds AWS's Runtime Interface Emulator with the machine's Go, and installs AWS's Runtime Interface
 * Client with its native part (the build tools first, where they are missing), each once into
 * `.cache/` (a no-op on a prepared machine). Either stops the run with one line when it cannot.
 */
export function setup(): void {
  ensureRuntimeInterfaceEmulator();
  if (!isRuntimeInterfaceClientInstalled()) ensureBuildTools();
  ensureRuntimeInterfaceClient();
}
