import { describe, expect, it } from "vitest";
import { groupOutcome, rulesToAuthorize } from "../../shared/core/group-rule-changes.js";

describe("rulesToAuthorize", () => {
  it("puts each source on the RADIUS port with the description that marks it as ours", () => {
    const rules = rulesToAuthorize(["10.0.3.10/32", "10.0.3.11/32"], {
      port: 1812,
      descriptions: { "10.0.3.10/32": "radius-sync: RADIUS from NPS i-0123456789abcdef0" },
    });
    expect(rules).toEqual([
      { cidr: "10.0.3.10/32", port: 1812, description: "radius-sync: RADIUS from NPS i-0123456789abcdef0" },
      { cidr: "10.0.3.11/32", port: 1812, description: "" },
    ]);
  });

  it("authorizes nothing when the plan adds nothing", () => {
    expect(rulesToAuthorize([], { port: 1812, descriptions: {} })).toEqual([]);
  });
});

describe("groupOutcome", () => {
  it("counts what was added or already there, and what was removed or already gone", () => {
    expect(groupOutcome("sg-1", { added: 2, existed: 1 }, ["removed", "absent", "removed"])).toEqual({
      groupId: "sg-1",
      added: 2,
      alreadyPresent: 1,
      removed: 2,
      alreadyAbsent: 1,
    });
  });

  it("counts nothing removed when nothing was revoked", () => {
    expect(groupOutcome("sg-1", { added: 0, existed: 0 }, [])).toEqual({
      groupId: "sg-1",
      added: 0,
      alreadyPresent: 0,
      removed: 0,
      alreadyAbsent: 0,
    });
  });
});
