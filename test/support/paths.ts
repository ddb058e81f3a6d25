import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (this file lives in `test/support/`). */
export const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Where emulator logs go (gitignored), so test output stays quiet. */
export const motoLogDirectory = fileURLToPath(new URL("../../.moto/", import.meta.url));
