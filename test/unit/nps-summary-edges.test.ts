import { describe, expect, it } from "vitest";
import { NpsCommandFailed } from "../../shared/errors.js";
import { maxReportedNames, parseNpsSummary, ssmStandardOutputLimit } from "../../shared/nps/index.js";

/**
 * The summary parser at its edges: which line it takes among other output, the size at which it
 * suspects SSM cut the output, and each field's rule at its bound.
 */
const summary = {
  radiusSyncSummary: 3,
  created: 0,
  updated: 0,
  removed: 0,
  kept: 2,
  policiesChanged: [],
  restarted: false,
  owedRestart: false,
  doorReopened: false,
  restartPending: false,
  ports: [1812],
  recorders: [],
  groupSid: "S-1-5-21-1004336348-1177238915-682003330-1105",
  held: 2,
  disagreeingCount: 0,
  disagreeing: [],
};
const line = (fields: Record<string, unknown> = {}) => JSON.stringify({ ...summary, ...fields });

describe("parseNpsSummary: which line", () => {
  it("takes the line that starts with the summary key, not a JSON line before or after it", () => {
    const output = [
      '{"radiusSync":1,"created":9}',
      line({ kept: 7 }),
      '{"note":"radiusSyncSummary","radiusSyncSummary":2}',
      `echo ${line({ kept: 8 })}`,
    ].join("\n");

    expect(parseNpsSummary(output).kept).toBe(7);
  });

  it("reads Windows line endings and indentation around the summary line", () => {
    const output = `WARNING: noise\r\n   ${line({ kept: 5 })}  \r\n\r\n`;

    expect(parseNpsSummary(output).kept).toBe(5);
  });

  it("counts the lines and characters of output it found no summary in", () => {
    expect(() => parseNpsSummary("a\r\nb\nc")).toThrow(
      /^the NPS command printed no summary line \(3 lines, 6 characters of output\)$/,
    );
  });

  it(`suspects SSM cut the output from ${ssmStandardOutputLimit} characters on, not one before`, () => {
    const below = "x".repeat(ssmStandardOutputLimit - 1);
    const at = "x".repeat(ssmStandardOutputLimit);

    expect(() => parseNpsSummary(below)).toThrow(/^the NPS command printed no summary line \([^;]*\)$/);
    expect(() => parseNpsSummary(at)).toThrow(
      `(1 lines, ${ssmStandardOutputLimit} characters of output; SSM returns only the first ${ssmStandardOutputLimit} characters of output, so the line may have been cut off)`,
    );
  });

  it("says how long an unparsable summary line is", () => {
    const cut = line().slice(0, 40);
    expect(() => parseNpsSummary(cut)).toThrow(
      new RegExp(
        `^the NPS summary line is not valid JSON \\(${cut.length} characters; cut off at SSM's 24000-character output limit\\?\\)$`,
      ),
    );
  });
});

describe("parseNpsSummary: fields at their edges", () => {
  it("accepts a count equal to the names it lists, and refuses one below", () => {
    const names = ["radius-sync-a", "radius-sync-b"];
    expect(parseNpsSummary(line({ disagreeingCount: 2, disagreeing: names })).disagreeing).toEqual(names);
    expect(() => parseNpsSummary(line({ disagreeingCount: 1, disagreeing: names }))).toThrow(
      /^the NPS summary line is malformed at disagreeingCount$/,
    );
  });

  it(`lists up to ${maxReportedNames} disagreeing names`, () => {
    const names = Array.from({ length: maxReportedNames }, (_, index) => `radius-sync-${index}`);
    expect(parseNpsSummary(line({ disagreeingCount: 99, disagreeing: names })).disagreeing).toHaveLength(20);
  });

  it("refuses counts that are negative or fractional", () => {
    for (const value of [-1, 0.5]) {
      expect(() => parseNpsSummary(line({ held: value })), String(value)).toThrow(/malformed at held$/);
    }
    expect(parseNpsSummary(line({ held: 0 })).held).toBe(0);
  });

  it("accepts three changed policies (all of ours) and refuses four", () => {
    const three = ["radius-sync-crp", "radius-sync-np", "radius-sync-np-deny"];
    expect(parseNpsSummary(line({ policiesChanged: three })).policiesChanged).toEqual(three);
    expect(() => parseNpsSummary(line({ policiesChanged: [...three, "radius-sync-x"] }))).toThrow(
      /malformed at policiesChanged$/,
    );
  });

  it("reads a summary without a group SID (push mode resolves none)", () => {
    const { groupSid: _sid, ...withoutSid } = summary;
    expect(parseNpsSummary(JSON.stringify(withoutSid)).groupSid).toBeUndefined();
  });

  it.each([
    ["null", null],
    ["a string", "radius-sync-a"],
    ["an object without value", { Count: 1 }],
    ["a number", 3],
  ])("refuses a name list that is %s, as malformed rather than crashing", (_label, value) => {
    const act = () => parseNpsSummary(line({ disagreeing: value }));
    expect(act).toThrow(NpsCommandFailed);
    expect(act).toThrow(/malformed at disagreeing$/);
  });

  it("reads the { value, Count } shape's names, and refuses one whose value is not a list of names", () => {
    expect(
      parseNpsSummary(line({ disagreeingCount: 1, disagreeing: { value: ["radius-sync-a"], Count: 1 } }))
        .disagreeing,
    ).toEqual(["radius-sync-a"]);
    expect(() => parseNpsSummary(line({ disagreeing: { value: "radius-sync-a", Count: 1 } }))).toThrow(
      /malformed at disagreeing$/,
    );
  });

  it("accepts a SID at its longest and refuses junk before, after or beyond its bounds", () => {
    const longest = `S-1-${"9".repeat(15)}${"-4294967295".repeat(15)}`;
    expect(parseNpsSummary(line({ groupSid: longest })).groupSid).toBe(longest);
    expect(parseNpsSummary(line({ groupSid: "S-1-5-32" })).groupSid).toBe("S-1-5-32");
    for (const sid of [
      `x${summary.groupSid}`,
      `${summary.groupSid}x`,
      `${summary.groupSid} `,
      "S-1-5",
      `S-1-${"9".repeat(16)}-1`,
      "S-1-5-12345678901",
      `S-1-5${"-1".repeat(16)}`,
      "S-2-5-32",
    ]) {
      expect(() => parseNpsSummary(line({ groupSid: sid })), sid).toThrow(/malformed at groupSid$/);
    }
  });

  it("accepts a proof of 64 lowercase hex digits and nothing else", () => {
    expect(parseNpsSummary(line({ proof: "a".repeat(64) })).proof).toBe("a".repeat(64));
    for (const proof of [
      "a".repeat(63),
      "a".repeat(65),
      "A".repeat(64),
      `x${"a".repeat(64)}`,
      `${"a".repeat(64)}x`,
    ]) {
      expect(() => parseNpsSummary(line({ proof })), proof).toThrow(/malformed at proof$/);
    }
  });

  it("names an unknown field as a fault of the summary as a whole, once", () => {
    expect(() => parseNpsSummary(line({ extra: 1, another: 2 }))).toThrow(
      /^the NPS summary line is malformed at summary$/,
    );
  });

  it("names every malformed field, each once", () => {
    expect(() =>
      parseNpsSummary(line({ held: -1, kept: "x", disagreeing: ["bad name", "also bad"] })),
    ).toThrow(/^the NPS summary line is malformed at kept, held, disagreeing\.0, disagreeing\.1$/);
  });

  it("refuses a missing or unknown format before anything else", () => {
    const { radiusSyncSummary: _format, ...withoutFormat } = summary;
    // Format 2 is what the script printed before it reported restarts and ports.
    const output = `{"radiusSyncSummary":2,${JSON.stringify(withoutFormat).slice(1)}`;
    expect(() => parseNpsSummary(output)).toThrow(/^the NPS summary has format 2, not 3: /);
    expect(() => parseNpsSummary('{"radiusSyncSummary":null}')).toThrow(/has format null, not 3/);
  });
});
