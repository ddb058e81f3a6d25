import { describe, expect, it } from "vitest";
import { type MutationReport, scoreOf, summarize } from "../../scripts/mutation/score.js";

/** The arithmetic and matching behind docs/mutation.md (scripts/mutation/report.ts). */
const source = ["const a = 1;", "if (a < 2) go();", "  return 'x';"].join("\n");
type Status = MutationReport["files"][string]["mutants"][number]["status"];
const mutant = (
  id: string,
  status: Status,
  line: number,
  start: number,
  end: number,
  replacement: string,
) => ({
  id,
  mutatorName: "EqualityOperator",
  replacement,
  status,
  location: { start: { line, column: start }, end: { line, column: end } },
});
const report: MutationReport = {
  files: {
    "shared/core/b.ts": {
      source,
      mutants: [
        mutant("1", "Killed", 2, 5, 10, "a <= 2"),
        mutant("2", "Timeout", 2, 5, 10, "a >= 2"),
        mutant("3", "Survived", 2, 5, 10, "a > 2"),
        mutant("4", "NoCoverage", 3, 10, 13, "''"),
        mutant("5", "CompileError", 1, 11, 12, "2"),
        mutant("6", "RuntimeError", 1, 11, 12, "3"),
      ],
    },
    "shared/core/a.ts": { source, mutants: [mutant("7", "Killed", 2, 5, 10, "a <= 2")] },
  },
};

describe("mutation score", () => {
  it("counts killed and timed-out mutants as detected, and leaves compile and runtime errors out", () => {
    const { files } = summarize(report, []);
    const tally = files.get("shared/core/b.ts");
    expect(tally).toEqual({ killed: 1, timeout: 1, survived: 1, noCoverage: 1, invalid: 2, ignored: 0 });
    expect(tally && scoreOf(tally)).toBe(50);
    expect(
      scoreOf({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, invalid: 3, ignored: 0 }),
    ).toBeUndefined();
    expect([...files.keys()]).toEqual(["shared/core/a.ts", "shared/core/b.ts"]);
  });

  it("lists each undetected mutant with the code it replaced and the accepted reason that matches it", () => {
    const accepted = [
      {
        file: "shared/core/b.ts",
        mutator: "EqualityOperator",
        original: "a < 2",
        replacement: "a > 2",
        reason: "why",
      },
      {
        file: "shared/core/b.ts",
        mutator: "EqualityOperator",
        original: "'x…",
        replacement: "''",
        reason: "prefix",
      },
      {
        file: "shared/core/b.ts",
        mutator: "EqualityOperator",
        original: "gone",
        replacement: "x",
        reason: "stale",
      },
    ];
    const { survivors, unusedReasons } = summarize(report, accepted);
    expect(survivors).toEqual([
      {
        file: "shared/core/b.ts",
        line: 2,
        mutator: "EqualityOperator",
        original: "a < 2",
        replacement: "a > 2",
        status: "Survived",
        reason: "why",
      },
      {
        file: "shared/core/b.ts",
        line: 3,
        mutator: "EqualityOperator",
        original: "'x'",
        replacement: "''",
        status: "NoCoverage",
        reason: "prefix",
      },
    ]);
    expect(unusedReasons.map((entry) => entry.reason)).toEqual(["stale"]);
  });

  it("leaves a survivor without a reason when file, mutator or replacement differ", () => {
    const accepted = [
      {
        file: "shared/core/a.ts",
        mutator: "EqualityOperator",
        original: "a < 2",
        replacement: "a > 2",
        reason: "x",
      },
      {
        file: "shared/core/b.ts",
        mutator: "StringLiteral",
        original: "a < 2",
        replacement: "a > 2",
        reason: "x",
      },
      {
        file: "shared/core/b.ts",
        mutator: "EqualityOperator",
        original: "a < 2",
        replacement: "a >= 2",
        reason: "x",
      },
    ];
    expect(summarize(report, accepted).survivors.map((survivor) => survivor.reason)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
