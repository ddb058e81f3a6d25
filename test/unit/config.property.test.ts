import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config.js";
import { integerRules, requiredEnvironment } from "../fixtures/config/rules.js";

const accepts = (extra: Record<string, string>) => problemWith(extra) === "";

/** The configuration's refusal, or "" when it accepts. */
function problemWith(extra: Record<string, string>): string {
  try {
    parseConfig({ ...requiredEnvironment, ...extra });
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

/** Whole numbers around a range, its four edges drawn on purpose as often as the rest together. */
const around = (min: number, max: number) =>
  fc.oneof(fc.constantFrom(min - 1, min, max, max + 1), fc.integer({ min: min - 100, max: max + 100 }));

/** Lengths from 0 to past `max`, with the edges of 1..max drawn on purpose. */
const lengthUpTo = (max: number) =>
  fc.oneof(fc.constantFrom(0, 1, max, max + 1), fc.integer({ min: 0, max: max + 8 }));

const labelCharacter = fc.constantFrom(..."AZaz09 ._-".split(""), "M", "f");
const prefixCharacter = fc.constantFrom(..."AZaz09-".split(""));
const secretNameCharacter = fc.constantFrom(..."AZaz09/_+=.@-".split(""));

describe("configuration properties", () => {
  it.each(integerRules)(
    "$variable refuses by its range exactly the whole numbers outside $min to $max",
    (rule) => {
      fc.assert(
        fc.property(around(rule.min, rule.max), (value) => {
          // The range's own verdict; the time budget may refuse a value inside it for the sum it makes.
          const problem = problemWith({ ...rule.fits, [rule.variable]: String(value) });
          expect(problem.includes(`${rule.variable} must be at`)).toBe(value < rule.min || value > rule.max);
        }),
      );
    },
  );

  it("accepts a display label of 1 to 64 allowed characters, and no other length", () => {
    fc.assert(
      fc.property(
        lengthUpTo(64),
        fc.array(labelCharacter, { minLength: 70, maxLength: 70 }),
        (length, pool) => {
          const label = pool.slice(0, length).join("");
          expect(accepts({ RADIUS_SYNC_DISPLAY_LABEL: label })).toBe(length >= 1 && length <= 64);
        },
      ),
    );
  });

  it("accepts a name prefix of a letter and up to 23 more allowed characters, and no longer one", () => {
    fc.assert(
      fc.property(
        lengthUpTo(23),
        fc.array(prefixCharacter, { minLength: 30, maxLength: 30 }),
        (length, pool) => {
          const prefix = `r${pool.slice(0, length).join("")}`;
          expect(accepts({ RADIUS_SYNC_NAME_PREFIX: prefix })).toBe(length <= 23);
        },
      ),
    );
  });

  it("accepts a secret name of 1 to 256 allowed characters, and no other length", () => {
    fc.assert(
      fc.property(lengthUpTo(256), secretNameCharacter, (length, character) => {
        expect(accepts({ RADIUS_SYNC_SECRET_NAME: character.repeat(length) })).toBe(
          length >= 1 && length <= 256,
        );
      }),
    );
  });

  it("accepts a tag key of 1 to 128 characters and a value of 0 to 256, and nothing longer", () => {
    fc.assert(
      fc.property(lengthUpTo(128), lengthUpTo(256), (keyLength, valueLength) => {
        const tag = `${"k".repeat(keyLength)}=${"v".repeat(valueLength)}`;
        expect(accepts({ RADIUS_SYNC_NPS_TAG: tag })).toBe(
          keyLength >= 1 && keyLength <= 128 && valueLength <= 256,
        );
      }),
    );
  });
});
