import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collectStates, definitionPath } from "../support/workflow.js";

/**
 * The transient Lambda service errors AWS recommends retrying in every Task that invokes a Lambda:
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html ("Handle Lambda
 * service exceptions": ClientExecutionTimeoutException, ServiceException, AWSLambdaException,
 * SdkClientException; and TooManyRequestsException when Lambda hits its invocation limit).
 */
const lambdaServiceErrors = [
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

/**
 * A Lambda step that ran out of time or died without an error of its own: `States.Timeout` (the
 * Task's own TimeoutSeconds passed), `Lambda.Unknown` ("Unhandled errors in Lambda are reported as
 * Lambda.Unknown … These include out-of-memory errors and function timeouts", same AWS page) and
 * `Sandbox.Timedout` (the errorType Lambda reports for a function that outlived its timeout). Every
 * step is idempotent (docs/operations.md, "Timeouts and retries": each step checked), so each is
 * worth another try.
 */
const timeoutErrors = ["States.Timeout", "Lambda.Unknown", "Sandbox.Timedout"];

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  JitterStrategy?: string;
}

const definition = JSON.parse(readFileSync(definitionPath, "utf8")) as Record<string, unknown>;
const lambdaTasks = [...collectStates(definition)].filter(
  ([, state]) => state.Type === "Task" && typeof state.Resource === "object",
);

describe("every Task that invokes a Lambda retries Lambda's transient service errors", () => {
  it("finds the Lambda Tasks (all of the definition's Tasks)", () => {
    const tasks = [...collectStates(definition)].filter(([, state]) => state.Type === "Task");
    expect(lambdaTasks.length).toBe(tasks.length);
    expect(lambdaTasks.length).toBeGreaterThanOrEqual(15);
  });

  it.each(lambdaTasks.map(([name, state]) => [name, state] as const))(
    "%s retries each Lambda service error with backoff and jitter",
    (_name, state) => {
      const retriers = (state.Retry ?? []) as Retrier[];
      for (const error of lambdaServiceErrors) {
        const retrier = retriers.find((candidate) => candidate.ErrorEquals.includes(error));

        expect(retrier, error).toBeDefined();
        // At least the AWS example's backoff (2 s, ×2) with more than one retry, and full jitter so
        // parallel Map iterations do not retry in lockstep.
        expect(retrier?.IntervalSeconds ?? 1, error).toBeGreaterThanOrEqual(2);
        expect(retrier?.BackoffRate ?? 2, error).toBeGreaterThanOrEqual(2);
        expect(retrier?.MaxAttempts ?? 3, error).toBeGreaterThanOrEqual(3);
        expect(retrier?.JitterStrategy, error).toBe("FULL");
      }
    },
  );
});

describe("every Task that invokes a Lambda retries a timed-out or crashed attempt, a bounded number of times", () => {
  it.each(lambdaTasks.map(([name, state]) => [name, state] as const))(
    "%s has a TimeoutSeconds and retries each timeout name at most twice, with jitter",
    (_name, state) => {
      const retriers = (state.Retry ?? []) as Retrier[];

      // The packaged template holds each value against its function's timeout (test/package).
      expect(state.TimeoutSeconds).toBeTypeOf("number");
      for (const error of timeoutErrors) {
        const retrier = retriers.find((candidate) => candidate.ErrorEquals.includes(error));

        expect(retrier, error).toBeDefined();
        // Each attempt may cost the Task's whole TimeoutSeconds: two more, not the throttling retrier's five.
        expect(retrier?.MaxAttempts ?? 3, error).toBeGreaterThanOrEqual(1);
        expect(retrier?.MaxAttempts ?? 3, error).toBeLessThanOrEqual(2);
        expect(retrier?.JitterStrategy, error).toBe("FULL");
      }
    },
  );
});
