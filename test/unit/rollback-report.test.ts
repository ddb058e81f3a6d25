import { describe, expect, it } from "vitest";
import {
  describeRollbackState,
  rollbackVersionId,
  rolledBackCause,
} from "../../shared/core/rollback-report.js";

const name = "radius-sync/shared-secret";
const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:radius-sync/shared-secret-AbCdEf";
/** A Lambda failure's Cause: the runtime's JSON error payload, stack trace included. */
const lambdaCause = JSON.stringify({
  errorType: "NpsCommandFailed",
  errorMessage: "NPS server i-0123456789abcdef0 failed",
  trace: ["at secret place (/var/task/index.js:1:1)"],
});

describe("rollbackVersionId", () => {
  it("returns every side to whatever holds AWSCURRENT now, even when the rotation moved it", () => {
    expect(rollbackVersionId({ exists: true, name, arn, currentVersionId: "v2" }, "v1")).toBe("v2");
  });

  it("falls back to the version the rotation started from when the secret is gone", () => {
    expect(rollbackVersionId({ exists: false, name }, "v1")).toBe("v1");
  });
});

describe("rolledBackCause", () => {
  it("appends the rollback's outcome to the original message, without the stack trace", () => {
    const cause = rolledBackCause({
      cause: lambdaCause,
      servers: 2,
      directories: 3,
      restoredVersionId: "v1",
      pendingVersionId: "v2",
    });
    expect(cause).toBe(
      "NPS server i-0123456789abcdef0 failed; rotation rolled back: 2 NPS server(s) and 3 directory(ies) hold " +
        "AWSCURRENT v1 again, and AWSPENDING v2 was removed",
    );
    expect(cause).not.toContain("trace");
  });
});

describe("describeRollbackState", () => {
  const error = { Error: "NpsCommandFailed", Cause: lambdaCause };
  const rollbackError = { Error: "RadiusUpdateTimedOut", Cause: "2 directories still report Updating" };
  const records = {
    directories: new Map([["d-0000000001", { secretVersionId: "v2" }]]),
    npsServers: new Map([["i-0000000000000001", { secretVersionId: "v1" }]]),
  };

  it("names both errors and where the secret, each directory and each NPS server stand", () => {
    const failure = describeRollbackState({
      error,
      rollbackError,
      secret: { exists: true, name, arn, currentVersionId: "v1", pendingVersionId: "v2" },
      directories: [
        {
          directoryId: "d-0000000001",
          radiusStatus: "Failed",
          radiusSettings: {
            servers: ["10.0.1.5", "10.0.2.7"],
            port: 1812,
            protocol: "PAP",
            timeoutSeconds: 30,
            retries: 1,
          },
        },
        { directoryId: "d-0000000002" },
      ],
      serverIds: ["i-0000000000000001", "i-0000000000000002"],
      records,
    });
    expect(failure).toEqual({
      Error: "RollbackFailed",
      Cause:
        "rotation failed with NpsCommandFailed: NPS server i-0123456789abcdef0 failed; the rollback failed too with " +
        "RadiusUpdateTimedOut: 2 directories still report Updating. Now: AWSCURRENT is v1, AWSPENDING v2 is still " +
        "labelled; directory d-0000000001 points at 10.0.1.5, 10.0.2.7 (RadiusStatus Failed, last recorded secret " +
        "version v2); directory d-0000000002 points at no servers (RadiusStatus none, last recorded secret version " +
        "unknown); NPS server i-0000000000000001 last recorded secret version v1; NPS server i-0000000000000002 last " +
        "recorded secret version unknown. The next reconcile converges every side to AWSCURRENT.",
    });
  });

  it("says only AWSCURRENT when nothing is pending, and that the secret is missing when it is", () => {
    const base = { error, rollbackError, directories: [], serverIds: [], records };
    const settled = describeRollbackState({
      ...base,
      secret: { exists: true, name, arn, currentVersionId: "v1" },
    });
    expect(settled.Cause).toContain(". Now: AWSCURRENT is v1. The next reconcile");
    const missing = describeRollbackState({ ...base, secret: { exists: false, name } });
    expect(missing.Cause).toContain(". Now: the secret is missing. The next reconcile");
  });
});
