import { beforeEach, describe, expect, it } from "vitest";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

describe("WorkSpaces-only (wsd-) directories beside ours", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld({ workspacesOnlyDirectories: true });
  });

  it("are named in the plan as skipped, with why, and never sent to Directory Service", async () => {
    // Act
    const result = await runWorkflow({ mode: "reconcile", dryRun: true });

    // Assess
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const summary = (result.output as { plan: { summary: string[] } }).plan.summary.join("\n");
    expect(summary).toContain(
      "directory wsd-pools0a1b2 is skipped: a WorkSpaces directory (WorkSpaces Pools, type CUSTOMER_MANAGED) " +
        "that is not an AWS Directory Service directory, so it has no RADIUS settings to manage",
    );
    for (const directoryId of world.estate.workspacesOnlyDirectoryIds) {
      expect(summary).toContain(`directory ${directoryId} is skipped: a WorkSpaces directory`);
    }
    const described = world.calls
      .callsTo("DescribeDirectories")
      .flatMap((call) => call.input.DirectoryIds as string[]);
    expect(new Set(described)).toEqual(new Set([world.estate.directory.directoryId]));
  });

  it("leave a first-time set-up of our directory to succeed", async () => {
    const result = await runWorkflow({ mode: "reconcile" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(world.calls.callsTo("EnableRadius").map((call) => call.input.DirectoryId)).toEqual([
      world.estate.directory.directoryId,
    ]);
  });
});
