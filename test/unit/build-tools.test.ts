import { describe, expect, it } from "vitest";
import { planBuildTools } from "../support/lambda/build-tools.js";

const linuxRoot = { platform: "linux" as const, isRoot: true, hasAptGet: true };

describe("the build tools aws-lambda-ric's install scripts need", () => {
  it("are used as they are when none is missing", () => {
    expect(planBuildTools({ ...linuxRoot, missing: [] })).toEqual({ action: "use" });
  });

  it("are installed with apt-get on Linux as root, the missing ones only", () => {
    expect(planBuildTools({ ...linuxRoot, missing: ["cmake", "g++"] })).toEqual({
      action: "install",
      commands: [
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "cmake", "g++"],
      ],
    });
  });

  it.each([
    [{ ...linuxRoot, isRoot: false }, "only when run as root"],
    [{ ...linuxRoot, hasAptGet: false }, "which this machine lacks"],
    [{ ...linuxRoot, platform: "darwin" as const }, "only on Linux (this is darwin)"],
    [{ ...linuxRoot, installAttempted: true }, "apt-get did not provide them"],
  ])("stop the run with one line naming them, what to install and why (%#)", (facts, why) => {
    const plan = planBuildTools({ ...facts, missing: ["cmake"] });

    expect(plan.action).toBe("stop");
    const message = plan.action === "stop" ? plan.message : "";
    expect(message).toContain("cmake is missing");
    expect(message).toContain(why);
    expect(message).toContain("apt-get install cmake make g++");
  });
});
