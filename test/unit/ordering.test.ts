import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareText, sortedUnique } from "../../shared/core/ordering.js";

/**
 * The one order of plans, fingerprints and NPS client lists: UTF-16 code units, no locale. A
 * comparator that broke its contract (anything but zero for equal strings, or a sign that depends
 * on the argument order) would leave the order to the engine's sort, and the same estate could
 * plan, fingerprint and re-push differently from one Lambda runtime to the next.
 */
describe("compareText", () => {
  it.each([
    ["d-0123456789", "d-0123456789"],
    ["", ""],
    ["ä", "ä"],
  ])("finds %j and %j equal (zero)", (left, right) => {
    expect(compareText(left, right)).toBe(0);
  });

  it.each([
    ["d-0123456789", "d-0123456790"],
    ["", "a"],
    ["radius-sync", "radius-sync-d"],
    // Code units, not a locale: capitals before small letters, digits as text, non-ASCII last.
    ["B", "a"],
    ["Z", "a"],
    ["10.0.10.1", "10.0.2.1"],
    ["z", "ä"],
  ])("puts %j before %j (negative one way, positive the other)", (less, greater) => {
    expect(compareText(less, greater)).toBeLessThan(0);
    expect(compareText(greater, less)).toBeGreaterThan(0);
  });

  it("is zero exactly for equal strings and changes sign with the argument order (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (left, right) => {
        const forward = Math.sign(compareText(left, right));
        expect(forward === 0).toBe(left === right);
        expect(Math.sign(compareText(right, left))).toBe(forward === 0 ? 0 : -forward);
        expect(compareText(left, left)).toBe(0);
      }),
    );
  });

  it("sorts the same whatever order the values come in", () => {
    const values = ["sg-b", "sg-A", "sg-a", "sg-10", "sg-9", "sg-a"];
    const expected = ["sg-10", "sg-9", "sg-A", "sg-a", "sg-a", "sg-b"];
    expect([...values].sort(compareText)).toEqual(expected);
    expect([...values].reverse().sort(compareText)).toEqual(expected);
  });
});

describe("sortedUnique", () => {
  it("keeps each value once, in compareText's order", () => {
    expect(sortedUnique(["10.0.2.7", "10.0.1.5", "10.0.2.7", "10.0.10.1", "10.0.1.5"])).toEqual([
      "10.0.1.5",
      "10.0.10.1",
      "10.0.2.7",
    ]);
    expect(sortedUnique([])).toEqual([]);
  });

  it("leaves the list it was given as it was", () => {
    const values = ["b", "a", "b"];
    sortedUnique(values);
    expect(values).toEqual(["b", "a", "b"]);
  });
});
