import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planRotationStart, requestTokenFor, secretNotRotatable } from "../../shared/core/secret-versions.js";
import { InvalidInput } from "../../shared/errors.js";

const execution = "arn:aws:states:us-east-1:123456789012:execution:radius-sync:abc";

describe("requestTokenFor", () => {
  it("is the first 32 hex digits of sha256(purpose:executionId), grouped like a UUID", () => {
    // sha256("create-secret:arn:aws:states:us-east-1:123456789012:execution:radius-sync:abc"), computed once.
    const token = requestTokenFor(execution);
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(token).toBe(requestTokenFor(execution, "create-secret"));
    expect(token).toBe("8358c43c-21d4-e31e-324c-270b79fb2885");
  });

  it("gives another token for another purpose or another execution, and the same one again for a retry", () => {
    expect(requestTokenFor(execution, "rotate")).not.toBe(requestTokenFor(execution));
    expect(requestTokenFor(`${execution}2`)).not.toBe(requestTokenFor(execution));
    fc.assert(
      fc.property(fc.string(), fc.string(), (executionId, purpose) => {
        const token = requestTokenFor(executionId, purpose);
        expect(token).toHaveLength(36);
        expect(requestTokenFor(executionId, purpose)).toBe(token);
      }),
    );
  });
});

describe("secretNotRotatable", () => {
  it("is InvalidInput naming the secret and what to do", () => {
    const error = secretNotRotatable("radius-sync/shared-secret");
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.name).toBe("InvalidInput");
    expect(error.message).toBe(
      "secret radius-sync/shared-secret does not exist yet; a reconcile creates it before it can be rotated",
    );
  });
});

describe("planRotationStart", () => {
  it("starts afresh when no version is pending", () => {
    expect(planRotationStart({ currentVersionId: "v1", pendingVersionId: undefined, token: "t" })).toEqual({
      leftover: undefined,
      resumed: false,
    });
  });

  it("resumes this execution's own pending version and leaves its label", () => {
    expect(planRotationStart({ currentVersionId: "v1", pendingVersionId: "t", token: "t" })).toEqual({
      leftover: undefined,
      resumed: true,
    });
  });

  it("takes the label off a pending version an earlier run left", () => {
    expect(planRotationStart({ currentVersionId: "v1", pendingVersionId: "v0", token: "t" })).toEqual({
      leftover: "v0",
      resumed: false,
    });
  });

  it("never takes a label off the current version", () => {
    expect(planRotationStart({ currentVersionId: "v1", pendingVersionId: "v1", token: "t" })).toEqual({
      leftover: undefined,
      resumed: false,
    });
  });
});
