/**
 * vitest setupFile of the `packaged` project, after the `aws` one (which starts moto): packages the
 * service (cached on disk) and starts a Lambda emulator for this test file. Its Node 22 environments
 * start on first invoke, stay warm across the file's tests, and are stopped when the file ends. After
 * each test, the error-name guard checks every failure the functions reported.
 */
import { afterAll, afterEach } from "vitest";
import { setCurrentLambdas } from "./lambda/current-lambdas.js";
import { assertKnownErrorNames } from "./lambda/error-name-guard.js";
import { startPackagedLambdas } from "./lambda/packaged-workflow.js";

const lambdas = await startPackagedLambdas();
setCurrentLambdas(lambdas);

// Every test fails if a bundle's own error reached Step Functions under a name the workflow does
// not know (a minified class name, say), whatever the test itself asserted.
afterEach(() => {
  const failures = lambdas.failures.splice(0);
  assertKnownErrorNames(failures);
});

afterAll(async () => {
  setCurrentLambdas(undefined);
  await lambdas.stop();
});
