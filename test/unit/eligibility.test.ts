import { describe, expect, it } from "vitest";
import { assessEligibility } from "../../shared/core/eligibility.js";
import type { Discovery } from "../../shared/core/model.js";

const discovery = (override: Partial<Discovery>): Discovery => ({
  directories: [],
  missingDirectoryIds: [],
  skippedDirectories: [],
  npsServers: [],
  missingNpsInstanceIds: [],
  secret: { exists: false, name: "radius-sync/shared-secret" },
  ...override,
});

describe("assessEligibility", () => {
  it("counts every configured NPS server, found or missing, when none can be used", () => {
    const { problems } = assessEligibility(
      discovery({
        npsServers: [
          { instanceId: "i-0aaaaaaaaaaaaaaa1", pingStatus: "ConnectionLost", platformType: "Windows" },
        ],
        missingNpsInstanceIds: ["i-0bbbbbbbbbbbbbbb2"],
      }),
    );
    expect(problems.at(-1)).toEqual({
      error: "NoNpsServers",
      subject: "NPS servers",
      message: "none of the 2 configured NPS servers can be used (see the problems above)",
    });
  });

  it("lists missing directories and missing NPS servers by id, whatever order discovery found them in", () => {
    const { problems } = assessEligibility(
      discovery({
        missingDirectoryIds: ["d-2222222222", "d-1111111111"],
        missingNpsInstanceIds: ["i-0bbbbbbbbbbbbbbb2", "i-0aaaaaaaaaaaaaaa1"],
      }),
    );
    expect(problems.map((problem) => `${problem.error} ${problem.subject}`)).toEqual([
      "DirectoryNotFound d-1111111111",
      "DirectoryNotFound d-2222222222",
      "NpsServerNotManaged i-0aaaaaaaaaaaaaaa1",
      "NpsServerNotManaged i-0bbbbbbbbbbbbbbb2",
      "NoNpsServers NPS servers",
    ]);
  });
});
