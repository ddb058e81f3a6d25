/**
 * vitest setupFile of the `packaged` project, after the `aws` one (which starts moto): packages the
 * service (cached on disk) and starts a Lambda emulator for this test file. Its Node 22 environments
 * start on first invoke, stay warm across the file's tests, and are stopped when the file ends.
 */
import { afterAll } from "vitest";
import { setCurrentLambdas } from "./lambda/current-lambdas.js";
import { startPackagedLambdas } from "./lambda/packaged-workflow.js";

const lambdas = await startPackagedLambdas();
setCurrentLambdas(lambdas);

afterAll(async () => {
  setCurrentLambdas(undefined);
  await lambdas.stop();
});
