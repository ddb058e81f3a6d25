import { beforeEach, describe, expect, it } from "vitest";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

const validId = "d-0123456789";
const manyIds = Array.from({ length: 101 }, (_, index) => `d-${index.toString(16).padStart(10, "0")}`);

/** Malformed manual inputs, each with the field(s) its error must name. */
const malformedInputs: Array<[label: string, input: unknown, named: string[]]> = [
  ["empty object", {}, ["mode"]],
  ["mode missing with dryRun", { dryRun: true }, ["mode"]],
  ["mode null", { mode: null }, ["mode"]],
  ["mode number", { mode: 1 }, ["mode"]],
  ["mode boolean", { mode: true }, ["mode"]],
  ["mode array", { mode: ["reconcile"] }, ["mode"]],
  ["mode object", { mode: { value: "reconcile" } }, ["mode"]],
  ["mode capitalised", { mode: "Reconcile" }, ["mode"]],
  ["mode upper case", { mode: "RECONCILE" }, ["mode"]],
  ["mode with spaces", { mode: " reconcile " }, ["mode"]],
  ["mode empty", { mode: "" }, ["mode"]],
  ["mode unknown", { mode: "sync" }, ["mode"]],
  ["mode injection", { mode: "reconcile'; Remove-Item C:\\ -Recurse" }, ["mode"]],
  ["dryRun string", { mode: "reconcile", dryRun: "true" }, ["dryRun"]],
  ["dryRun number", { mode: "reconcile", dryRun: 1 }, ["dryRun"]],
  ["dryRun null", { mode: "reconcile", dryRun: null }, ["dryRun"]],
  ["dryRun object", { mode: "reconcile", dryRun: {} }, ["dryRun"]],
  ["dryRun array", { mode: "reconcile", dryRun: [true] }, ["dryRun"]],
  ["misspelt dryrun", { mode: "reconcile", dryrun: true }, ["dryrun"]],
  ["misspelt dry_run", { mode: "reconcile", dry_run: true }, ["dry_run"]],
  ["unknown field", { mode: "reconcile", force: true }, ["force"]],
  ["two unknown fields", { mode: "reconcile", a: 1, b: 2 }, ["a", "b"]],
  ["misspelt directoryIds", { mode: "reconcile", directoryIDs: [validId] }, ["directoryIDs"]],
  ["directoryIds string", { mode: "reconcile", directoryIds: validId }, ["directoryIds"]],
  ["directoryIds null", { mode: "reconcile", directoryIds: null }, ["directoryIds"]],
  ["directoryIds object", { mode: "reconcile", directoryIds: { id: validId } }, ["directoryIds"]],
  ["directoryIds empty", { mode: "reconcile", directoryIds: [] }, ["directoryIds"]],
  ["directoryIds too many", { mode: "reconcile", directoryIds: manyIds }, ["directoryIds"]],
  ["directoryIds repeated", { mode: "reconcile", directoryIds: [validId, validId] }, ["directoryIds"]],
  ["directory id number", { mode: "reconcile", directoryIds: [12] }, ["directoryIds.0"]],
  ["directory id null", { mode: "reconcile", directoryIds: [null] }, ["directoryIds.0"]],
  ["directory id empty", { mode: "reconcile", directoryIds: [""] }, ["directoryIds.0"]],
  [
    "directory id upper case",
    { mode: "reconcile", directoryIds: ["d-0123456789".toUpperCase()] },
    ["directoryIds.0"],
  ],
  ["directory id too short", { mode: "reconcile", directoryIds: ["d-012345678"] }, ["directoryIds.0"]],
  ["directory id too long", { mode: "reconcile", directoryIds: ["d-01234567890"] }, ["directoryIds.0"]],
  ["directory id not hex", { mode: "reconcile", directoryIds: ["d-012345678g"] }, ["directoryIds.0"]],
  ["directory id no prefix", { mode: "reconcile", directoryIds: ["0123456789"] }, ["directoryIds.0"]],
  ["directory id workspace id", { mode: "reconcile", directoryIds: ["ws-0123456789"] }, ["directoryIds.0"]],
  ["directory id with space", { mode: "reconcile", directoryIds: [" d-0123456789"] }, ["directoryIds.0"]],
  ["directory id injection", { mode: "reconcile", directoryIds: ["d-0123456789;rm"] }, ["directoryIds.0"]],
  ["directory id with quote", { mode: "reconcile", directoryIds: ["d-01234'6789"] }, ["directoryIds.0"]],
  ["directory id with newline", { mode: "reconcile", directoryIds: ["d-0123456789\n"] }, ["directoryIds.0"]],
  ["second directory id bad", { mode: "reconcile", directoryIds: [validId, "nope"] }, ["directoryIds.1"]],
  ["directory id nested array", { mode: "reconcile", directoryIds: [[validId]] }, ["directoryIds.0"]],
  [
    "every field bad",
    { mode: "x", dryRun: "no", directoryIds: "d", extra: 1 },
    ["mode", "dryRun", "directoryIds", "extra"],
  ],
  ["input is an array", [{ mode: "reconcile" }], ["input"]],
  ["input is a string", "reconcile", ["input"]],
  ["input is a number", 42, ["input"]],
  ["input is true", true, ["input"]],
  ["mode and a stray secret", { mode: "reconcile", sharedSecret: "hunter2hunter2" }, ["sharedSecret"]],
  ["__proto__ key", JSON.parse('{"mode":"reconcile","__proto__":{"dryRun":false}}'), ["__proto__"]],
  ["constructor key", { mode: "reconcile", constructor: "x" }, ["constructor"]],
];

describe("a manual start with a malformed input", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    world.calls.reset();
  });

  it("is covered by at least 50 cases", () => {
    expect(malformedInputs.length).toBeGreaterThanOrEqual(50);
  });

  it.each(malformedInputs)(
    "fails at once with InvalidInput naming the bad field: %s",
    async (_label, input, named) => {
      const result = await runWorkflow(input);

      expect(result.status).toBe("FAILED");
      expect(result.error).toBe("InvalidInput");
      for (const field of named) expect(result.cause).toContain(field);
      expect(result.cause).not.toContain("hunter2hunter2");
      expect(world.calls.calls).toEqual([]);
    },
  );
});
