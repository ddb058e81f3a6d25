/**
 * vitest setupFile of the `aws` project: one moto per test file.
 *
 * The top-level await runs before the test file's own imports are evaluated, so
 * `shared/aws/clients.ts` (which builds its clients at import time) sees the
 * emulator's endpoint, region and dummy credentials. Modules imported here must not
 * import the clients themselves.
 */
import { afterAll, afterEach, beforeEach } from "vitest";
import { setCurrentMoto } from "./current-moto.js";
import { removeAllTestDoubles } from "./doubles/registry.js";
import { emulatorEnvironment } from "./environment.js";
import { startMoto } from "./moto.js";

const moto = await startMoto();
setCurrentMoto(moto);
delete process.env.AWS_PROFILE;
Object.assign(process.env, emulatorEnvironment(moto.endpoint));

beforeEach(async () => {
  await moto.reset();
});

afterEach(() => {
  // Doubles hold ids of resources that the next reset forgets; never let one leak.
  removeAllTestDoubles();
});

afterAll(async () => {
  setCurrentMoto(undefined);
  await moto.stop();
});
