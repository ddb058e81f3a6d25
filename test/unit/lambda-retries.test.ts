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
