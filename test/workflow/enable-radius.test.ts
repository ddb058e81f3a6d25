import { beforeEach, describe, expect, it } from "vitest";
import { faults } from "../support/rig/faults.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/** A Lambda service error after the handler did its work: Step Functions retries the Task. */
class LambdaServiceException extends Error {
  override name = "Lambda.ServiceException";
}

describe("EnableRadius on a directory", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("falls back to UpdateRadius when a retried enable finds RADIUS already on (EntityAlreadyExistsException)", async () => {
    // Prepare: the first UpdateDirectories enables RADIUS, then its answer is lost.
    let lost = false;

    // Act
    const result = await runWorkflow(
      { mode: "reconcile" },
      {
        intercept: async (state, _input, next) => {
          const output = await next();
          if (state === "UpdateDirectories" && !lost) {
            lost = true;
            throw new LambdaServiceException("the invocation's response was lost");
          }
          return output;
        },
      },
    );

    // Assess: the retry's EnableRadius was refused as AWS refuses it, and UpdateRadius applied the settings.
    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(world.calls.callsTo("EnableRadius").map((call) => call.errorCode ?? "ok")).toEqual([
      "ok",
      "EntityAlreadyExistsException",
    ]);
    expect(world.calls.callsTo("UpdateRadius").map((call) => call.errorCode ?? "ok")).toEqual(["ok"]);
  });

  it("does not mistake InvalidParameterException for an enabled directory: the run fails and nothing is updated", async () => {
    faults.fail({
      service: "ds",
      operation: "EnableRadius",
      code: "InvalidParameterException",
      message: "Invalid RADIUS settings",
      times: 1,
    });

    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("InvalidParameterException");
    expect(result.cause).toContain("Invalid RADIUS settings");
    expect(world.calls.callsTo("UpdateRadius")).toEqual([]);
  });
});
