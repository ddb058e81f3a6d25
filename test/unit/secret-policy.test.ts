import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SECRET_EXCLUDED_CHARACTERS,
  validateSecretLength,
  validateSharedSecret,
} from "../../shared/core/secret-policy.js";

describe("validateSharedSecret", () => {
  it("accepts a secret of letters, digits and the punctuation radius-sync allows", () => {
    // Prepare
    const secret = "Abc123#()*+,-./:=?@[]_{}~Zz";

    // Act
    const problems = validateSharedSecret(secret);

    // Assess
    expect(problems).toEqual([]);
  });

  it("accepts letters and digits outside ASCII, as Directory Service's \\p{LD} does", () => {
    expect(validateSharedSecret("Grüße-ÅÄÖ-١٢٣-secret")).toEqual([]);
  });

  it.each([
    { secret: "Short1", expected: "is shorter than 8 characters" },
    { secret: "x".repeat(129), expected: "is longer than 128 characters" },
    { secret: "", expected: "is shorter than 8 characters" },
  ])("reports a secret whose length is out of range: $expected", ({ secret, expected }) => {
    expect(validateSharedSecret(secret)).toEqual([expected]);
  });

  it.each([
    { length: 8, options: {} },
    { length: 128, options: {} },
    { length: 22, options: { minLength: 22, maxLength: 128 } },
    { length: 128, options: { minLength: 22, maxLength: 128 } },
  ])("accepts a secret of exactly $length characters, the edge of %o", ({ length, options }) => {
    expect(validateSharedSecret("aB3-".repeat(32).slice(0, length), options)).toEqual([]);
  });

  it.each([
    { length: 7, options: {}, expected: "is shorter than 8 characters" },
    { length: 129, options: {}, expected: "is longer than 128 characters" },
    { length: 21, options: { minLength: 22, maxLength: 128 }, expected: "is shorter than 22 characters" },
    { length: 129, options: { minLength: 22, maxLength: 128 }, expected: "is longer than 128 characters" },
  ])("reports a secret one character past an edge: $length", ({ length, options, expected }) => {
    expect(validateSharedSecret("aB3-".repeat(33).slice(0, length), options)).toEqual([expected]);
  });

  it("honours other length limits given as options", () => {
    expect(validateSharedSecret("a".repeat(21), { minLength: 22 })).toEqual([
      "is shorter than 22 characters",
    ]);
    expect(validateSharedSecret("a".repeat(21), { maxLength: 20 })).toEqual(["is longer than 20 characters"]);
  });

  it("counts characters, not UTF-16 units", () => {
    expect(validateSharedSecret("𝐀".repeat(8))).toEqual([]);
  });

  it.each([
    "tab\there-secret",
    "newline\nsecret",
    "emoji🙂secret",
    "control\u0001secret",
    "euro€symbol-secret",
  ])("reports characters Directory Service does not accept (%j)", (secret) => {
    expect(validateSharedSecret(secret)).toEqual([
      "contains characters Directory Service does not accept (only letters, digits, ASCII punctuation and space)",
    ]);
  });

  it.each([...SECRET_EXCLUDED_CHARACTERS])("reports the excluded character %j", (character) => {
    // Prepare
    const secret = `Secret${character}Value123`;

    // Act
    const problems = validateSharedSecret(secret);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^contains characters radius-sync excludes because they are unsafe on the NPS host/,
    );
  });

  it("never quotes the secret or any part of it in a problem", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 4, maxLength: 200 }), (body) => {
        // Prepare: a marker that cannot occur in the fixed problem texts.
        const secret = `Qz9${body}Xq7`;

        // Act
        const problems = validateSharedSecret(secret);

        // Assess
        for (const problem of problems) {
          expect(problem).not.toContain("Qz9");
          expect(problem).not.toContain("Xq7");
          if (body.length >= 4 && !SECRET_EXCLUDED_CHARACTERS.includes(body))
            expect(problem).not.toContain(body);
        }
      }),
    );
  });
});

describe("SECRET_EXCLUDED_CHARACTERS", () => {
  it("excludes quotes, backtick, shell and PowerShell metacharacters, backslash and space", () => {
    expect([...SECRET_EXCLUDED_CHARACTERS].sort()).toEqual(
      ['"', "'", "`", "$", ";", "&", "|", "<", ">", "%", "^", "!", "\\", " "].sort(),
    );
  });
});

describe("validateSecretLength", () => {
  it.each([22, 64, 128])("accepts %i", (length) => {
    expect(validateSecretLength(length)).toEqual([]);
  });

  it.each([
    { length: 21, expected: "secret length 21 is below the minimum of 22" },
    { length: 129, expected: "secret length 129 is above the maximum of 128" },
    { length: 32.5, expected: "secret length 32.5 is not a whole number" },
    { length: Number.NaN, expected: "secret length NaN is not a whole number" },
  ])("rejects $length", ({ length, expected }) => {
    expect(validateSecretLength(length)).toEqual([expected]);
  });
});
