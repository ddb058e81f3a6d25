import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createWorkflowError, RadiusSyncError, workflowErrorNames } from "../../shared/errors.js";
import { collectStates } from "../support/workflow.js";

const definition = JSON.parse(
  readFileSync(new URL("../../state-machines/reconcile.asl.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

/** Every error name the definition's Retry and Catch blocks match, and the Fail states' static errors. */
function errorNamesInDefinition(): Set<string> {
  const names = new Set<string>();
  for (const state of collectStates(definition).values()) {
    for (const rule of [
      ...((state.Retry as Array<{ ErrorEquals: string[] }>) ?? []),
      ...((state.Catch as Array<{ ErrorEquals: string[] }>) ?? []),
    ]) {
      for (const name of rule.ErrorEquals) names.add(name);
    }
    if (typeof state.Error === "string") names.add(state.Error);
  }
  return names;
}

/**
 * Names Lambda itself reports as a function's errorType, which Step Functions then matches:
 * `Sandbox.Timedout` for a function that outlived its timeout (the name in AWS's Runtime Interface
 * Emulator, `internal/lambda-managed-instances/rapid/model/customer_error.go`, with the message "Task
 * timed out after … seconds").
 */
const lambdaRuntimeErrorNames = new Set(["Sandbox.Timedout"]);

describe("workflow error names", () => {
  it("every name the definition matches is a Step Functions or Lambda name, or one of ours", () => {
    const ours = new Set(workflowErrorNames);
    const unknown = [...errorNamesInDefinition()].filter(
      (name) =>
        !name.startsWith("States.") &&
        !name.startsWith("Lambda.") &&
        !lambdaRuntimeErrorNames.has(name) &&
        !ours.has(name),
    );

    expect(unknown).toEqual([]);
  });

  it("the definition retries throttling by its typed name", () => {
    expect(errorNamesInDefinition()).toContain("AwsThrottled");
  });

  it.each(workflowErrorNames)("%s is a RadiusSyncError whose name is its class name", (name) => {
    const error = createWorkflowError(name, "why");

    expect(error).toBeInstanceOf(RadiusSyncError);
    expect(error.name).toBe(name);
    expect(error.constructor.name).toBe(name);
  });

  it("names are unique", () => {
    expect(new Set(workflowErrorNames).size).toBe(workflowErrorNames.length);
  });
});
