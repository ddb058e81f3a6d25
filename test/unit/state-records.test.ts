import { describe, expect, it } from "vitest";
import { AppliedDirectoryRecord, LastRotationRecord } from "../../shared/core/model.js";

/**
 * The records of the state table (shared/aws/state-table.ts writes each one through its schema's
 * `parse` and reads it back with `safeParse`, treating a record that fails as absent). A field the
 * schema dropped would be lost on write: the plan would not know which secret version and settings
 * a directory already has, and `status` would not say how the last rotation ended.
 */
const fieldsOf = (error: { issues: { path: PropertyKey[] }[] } | undefined) =>
  error?.issues.map((issue) => issue.path.join("."));

describe("AppliedDirectoryRecord", () => {
  const record = {
    secretVersionId: "3f2b5c1e-9a7d-4e21-8c3b-0d9e6f4a1b2c",
    settingsFingerprint: "9b1c0f4e",
    appliedAt: "2026-03-01T04:00:00.000Z",
  };

  it("keeps the secret version, the settings fingerprint and the time radius-sync applied them", () => {
    expect(AppliedDirectoryRecord.parse(record)).toEqual(record);
  });

  it.each(Object.keys(record))("refuses a record without %s, naming it", (field) => {
    const { [field as keyof typeof record]: _left, ...rest } = record;
    expect(fieldsOf(AppliedDirectoryRecord.safeParse(rest).error)).toEqual([field]);
  });
});

describe("LastRotationRecord", () => {
  const record = {
    executionId: "arn:aws:states:eu-west-1:123456789012:execution:radius-sync-rotate:run-1",
    status: "SUCCEEDED",
    at: "2026-03-01T04:00:00.000Z",
    currentVersionId: "3f2b5c1e-9a7d-4e21-8c3b-0d9e6f4a1b2c",
  } as const;

  it("keeps the execution, how it ended, when, and the version left current", () => {
    expect(LastRotationRecord.parse(record)).toEqual(record);
  });

  it.each(["SUCCEEDED", "ROLLED_BACK", "ROLLBACK_FAILED"])("takes a rotation that ended %s", (status) => {
    const failed = { ...record, status, error: "RadiusUpdateFailed: d-0123456789 reported Failed" };
    expect(LastRotationRecord.parse(failed)).toEqual(failed);
  });

  it.each(["FAILED", "succeeded", ""])("refuses the status %j, naming the field", (status) => {
    expect(fieldsOf(LastRotationRecord.safeParse({ ...record, status }).error)).toEqual(["status"]);
  });
});
