import { describe, expect, it } from "vitest";
import { planChanges, unreadableRecordNote } from "../../shared/core/plan.js";
import { D1, loadConvergedDiscovery, loadDesired, NOW, NPS1 } from "../fixtures/plan/fixtures.js";

/**
 * A state-table record that fails its schema is read as absent (shared/aws/state-table.ts); the plan
 * says so with a note naming the record's key, the fields that failed and what reading it as absent does.
 */
describe("unreadableRecordNote", () => {
  it.each([
    [`directory#${D1}`, "its directory is planned as if radius-sync had never set it"],
    [`nps#${NPS1}`, "its NPS server is planned as if radius-sync had never pushed to it"],
    ["rotation#last", "how the last rotation ended is not known"],
  ])("names %s, its fields and what reading it as absent does", (key, consequence) => {
    expect(unreadableRecordNote({ key, fields: ["secretVersionId", "appliedAt"] })).toBe(
      `state-table record ${key} fails its schema (secretVersionId, appliedAt) and is read as absent: ${consequence}`,
    );
  });
});

describe("planChanges with unreadable records", () => {
  it("adds one note per record to the notes and the summary, and changes nothing else", () => {
    const discovery = loadConvergedDiscovery();
    const unreadableRecords = [{ key: "rotation#last", fields: ["status"] }];

    const plain = planChanges({ desired: loadDesired(), discovery, now: NOW });
    const noted = planChanges({
      desired: loadDesired(),
      discovery: { ...discovery, unreadableRecords },
      now: NOW,
    });

    const note = unreadableRecordNote({ key: "rotation#last", fields: ["status"] });
    expect(noted.notes).toEqual([...plain.notes, note]);
    expect(noted.summary).toContain(`note: ${note}`);
    expect({ ...noted, notes: plain.notes, summary: plain.summary }).toEqual(plain);
  });
});
