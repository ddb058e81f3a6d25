import { describe, expect, it } from "vitest";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import type { LambdaEmulator } from "../support/lambda/emulator.js";
import type { InvokeOutcome } from "../support/lambda/execution-environment.js";
import {
  bindToEmulator,
  LambdaTaskError,
  maxTaskResultBytes,
  runPackagedWorkflow,
} from "../support/lambda/packaged-workflow.js";
import type { EventLog } from "../support/workflow.js";

/**
 * A transient failure of the Lambda service itself, as Step Functions surfaces it on the Task: the
 * Invoke call answered 500, so the function never ran
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
function lambdaServiceError(name: string): Error {
  const error = new Error(`${name}: the Lambda service failed to invoke the function (injected)`);
  error.name = name;
  return error;
}

const eventsAt = (events: EventLog[], type: string, stateName: string) =>
  events.filter(
    (event) => event.type === type && (event as { state?: { name?: string } }).state?.name === stateName,
  );

describe("the packaged definition retries Lambda service errors", () => {
  it.each(["Lambda.ServiceException", "Lambda.ClientExecutionTimeoutException"])(
    "retries one injected %s and then runs the packaged function",
    async (name) => {
      const lambdas = currentLambdas();
      let injected = 0;
      const invokedBefore = lambdas.failures.length;

      const result = await runPackagedWorkflow(
        { mode: "no-such-mode" },
        {
          lambdas,
          intercept: async (stateName, _input, next) => {
            if (stateName === "ValidateInput" && injected === 0) {
              injected += 1;
              throw lambdaServiceError(name);
            }
            return await next();
          },
        },
      );

      const retried = eventsAt(result.events, "StateRetried", "ValidateInput") as Array<{
        retry: { retrier: { ErrorEquals: string[] }; attempt: number };
      }>;
      expect(injected).toBe(1);
      expect(retried).toHaveLength(1);
      expect(retried[0]?.retry.retrier.ErrorEquals).toContain(name);
      // The retry reached the packaged function, whose own failure then ends the run.
      expect(result.error).toBe("InvalidInput");
      expect(lambdas.failures.slice(invokedBefore).map((failure) => failure.errorType)).toEqual([
        "InvalidInput",
      ]);
    },
  );
});

describe("the Task binding reports a Lambda's outcome as Step Functions does", () => {
  const arn = "arn:aws:lambda:us-east-1:123456789012:function:radius-sync-ci-discover";
  const emulatorAnswering = (outcome: InvokeOutcome) =>
    ({
      functionByArn: (candidate: string) =>
        candidate === arn ? { key: "discover", functionName: "radius-sync-ci-discover" } : undefined,
      invoke: async () => outcome,
    }) as unknown as LambdaEmulator;

  it("fails with the runtime's errorType as the Error and the whole error payload as the Cause", async () => {
    const error = {
      errorType: "DirectoryNotActive",
      errorMessage: "d-0123456789 is Impaired",
      trace: ["at x"],
    };
    const task = bindToEmulator(emulatorAnswering({ ok: false, error, origin: "bundle" }), { Resource: arn });

    const thrown = await task?.({}).catch((failure: unknown) => failure);

    expect(thrown).toBeInstanceOf(LambdaTaskError);
    expect((thrown as Error).name).toBe("DirectoryNotActive");
    expect(JSON.parse((thrown as Error).message)).toEqual(error);
  });

  it("fails with States.DataLimitExceeded when a result exceeds 256 KiB", async () => {
    const payload = JSON.stringify({ summary: "x".repeat(maxTaskResultBytes) });
    const task = bindToEmulator(emulatorAnswering({ ok: true, payload }), { Resource: arn });

    await expect(task?.({})).rejects.toMatchObject({ name: "States.DataLimitExceeded" });
  });

  it("passes a result of exactly 256 KiB through", async () => {
    const text = "x".repeat(maxTaskResultBytes - 2);
    const task = bindToEmulator(emulatorAnswering({ ok: true, payload: JSON.stringify(text) }), {
      Resource: arn,
    });

    await expect(task?.({})).resolves.toBe(text);
  });
});
