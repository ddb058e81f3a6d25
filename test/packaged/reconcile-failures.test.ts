import { describe, expect, it } from "vitest";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { runPackagedWorkflow } from "../support/lambda/packaged-workflow.js";

describe("the packaged reconcile path fails with each error under its own name", () => {
  it("fails with InvalidInput naming every bad field, from the packaged validateInput", async () => {
    const result = await runPackagedWorkflow(
      { mode: "rotate-everything", dryRun: "yes", surprise: 1 },
      { lambdas: currentLambdas() },
    );

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("InvalidInput");
    const cause = JSON.parse(result.cause ?? "{}") as { errorType?: string; errorMessage?: string };
    expect(cause.errorType).toBe("InvalidInput");
    expect(cause.errorMessage).toContain("mode");
    expect(cause.errorMessage).toContain("dryRun");
    expect(cause.errorMessage).toContain("surprise");
  });
});
