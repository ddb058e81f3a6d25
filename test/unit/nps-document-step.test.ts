import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NPS_EXECUTION_TIMEOUT_SECONDS } from "../../shared/core/time-budget.js";
import { content, quoted } from "../../shared/nps/ssm-document.cjs";

/** The document's one step as SSM runs it: where, for how long, and what its preamble may render. */
describe("the NPS document's step", () => {
  const [step] = content.mainSteps;

  it("runs only on Windows nodes (SSM skips the step elsewhere)", () => {
    expect(step?.precondition).toEqual({ StringEquals: ["platformType", "Windows"] });
  });

  it("lets the script run 300 s on a server before SSM stops it: the shortest NPS turn the configuration takes", () => {
    expect(step?.inputs.timeoutSeconds).toBe("300");
    expect(step?.inputs.timeoutSeconds).toBe(String(NPS_EXECUTION_TIMEOUT_SECONDS));
  });

  it("renders preamble values as single-quoted literals and refuses one with any single quote", () => {
    expect(quoted("-d-[0-9a-f]{10}")).toBe("'-d-[0-9a-f]{10}'");
    for (const quote of ["'", "\u2018", "\u2019", "\u201a", "\u201b"]) {
      expect(() => quoted(`a${quote}b`), quote).toThrow(`cannot render a${quote}b into the NPS script`);
    }
  });

  it("is built from a script saved without a byte-order mark, so its first line reaches SSM as written", () => {
    const bytes = readFileSync(new URL("../../shared/nps/sync-nps.ps1", import.meta.url));
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
  });
});
