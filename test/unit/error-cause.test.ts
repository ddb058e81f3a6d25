import { describe, expect, it } from "vitest";
import { causeMessage } from "../../shared/core/error-cause.js";

describe("causeMessage", () => {
  it("reads the message out of a Lambda error payload and leaves its stack trace behind", () => {
    const cause = JSON.stringify({
      errorType: "NpsCommandFailed",
      errorMessage: "NPS server i-0123456789abcdef0 failed command c-1",
      trace: ["NpsCommandFailed: NPS server …", "    at confirmNpsServer (/var/task/index.cjs:1:2)"],
    });

    expect(causeMessage(cause)).toBe("NPS server i-0123456789abcdef0 failed command c-1");
  });

  it("keeps plain text as it is, JSON that is no error payload included", () => {
    expect(causeMessage("rotation rolled back: 2 NPS server(s) …")).toBe(
      "rotation rolled back: 2 NPS server(s) …",
    );
    expect(causeMessage('{"not":"an error payload"}')).toBe('{"not":"an error payload"}');
    expect(causeMessage("{ broken")).toBe("{ broken");
  });

  it("reads an Error's message and writes other values as JSON", () => {
    expect(causeMessage(new Error("from the local interpreter"))).toBe("from the local interpreter");
    expect(causeMessage({ Error: "X" })).toBe('{"Error":"X"}');
    expect(causeMessage(undefined)).toBe("");
  });
});
