import type { AcceptedSurvivor } from "./score.js";

/**
 * Mutants no unit test detects, kept on purpose, each with why (docs/mutation.md lists them).
 * An entry matches by file, mutator, the mutated code (whitespace collapsed; a trailing "…" matches
 * a prefix) and the replacement; the report warns about entries that match nothing any more.
 */
export const acceptedSurvivors: readonly AcceptedSurvivor[] = [
  {
    file: "shared/radius/packet.ts",
    mutator: "EqualityOperator",
    original: "offset < padded.length",
    replacement: "offset <= padded.length",
    reason:
      "equivalent: the one extra pass starts at the buffer's end, where Buffer ignores every write, so the hidden password is the same",
  },
  {
    file: "shared/radius/packet.ts",
    mutator: "EqualityOperator",
    original: "index < 16",
    replacement: "index <= 16",
    reason:
      "equivalent: the extra 17th write lands on the next block's first octet, which that block overwrites (or past the end, ignored)",
  },
  {
    file: "shared/nps/ssm-document.cjs",
    mutator: "Regex",
    original: "/^<#[\\s\\S]*?#>\\r?\\n/",
    replacement: "/<#[\\s\\S]*?#>\\r?\\n/",
    reason:
      "equivalent for this script: it opens with its help block, so the first <#…#> is at the start with or without the anchor (the document test compares every code line)",
  },
  {
    file: "shared/nps/ssm-document.cjs",
    mutator: "StringLiteral",
    original: "\"radius-sync: check this NPS server's…",
    replacement: '""',
    reason: "the document's description: text for people in the SSM console, read by nothing",
  },
];
