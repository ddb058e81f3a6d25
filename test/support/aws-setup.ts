/**
 * vitest setupFile of the `aws` project (and of `packaged`): one moto per test file, and in front of it
 * one AWS proxy (test/support/rig/aws-proxy.ts) through which every SDK call of every process goes;
 * the rig clock (test/support/rig/clock.ts) back to 0 before each test.
 *
 * The top-level await runs before the test file's own imports are evaluated, so
 * `shared/aws/clients.ts` (which builds its clients at import time) sees the proxy's endpoint,
 * region and dummy credentials. Modules imported here must not import the clients themselves.
 */
import { afterAll, afterEach, beforeEach } from "vitest";
import { forgetMemberClients } from "../../shared/aws/clients/member.js";
import { setCurrentMoto } from "./current-moto.js";
import { startMoto } from "./moto.js";
import { rigClock } from "./rig/clock.js";
import { removeAllTestDoubles } from "./rig/interceptors.js";
import { startRig } from "./rig/start-rig.js";

const moto = await startMoto();
setCurrentMoto(moto);
const rig = await startRig(moto.endpoint);

beforeEach(async () => {
  await moto.reset();
  // moto forgets the member-role credentials it issued: the next test assumes the roles again.
  forgetMemberClients();
  // A new test begins at second 0 of AWS time, with no command in flight (the Run Command model resets with it).
  rigClock.reset();
});

afterEach(() => {
  // Doubles hold ids of resources that the next reset forgets; never let one leak.
  removeAllTestDoubles();
});

afterAll(async () => {
  await rig.stop();
  setCurrentMoto(undefined);
  await moto.stop();
});
