import { describe, expect, it } from "vitest";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { runPackagedWorkflow } from "../support/lambda/packaged-workflow.js";
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
