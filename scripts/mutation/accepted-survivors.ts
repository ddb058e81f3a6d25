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
  {
    file: "shared/radius/probe.ts",
    mutator: "StringLiteral",
    original: '"."',
    replacement: '""',
    reason:
      "equivalent: the options are flat, so every issue path has one element and the separator never shows",
  },
  {
    file: "shared/radius/probe.ts",
    mutator: "ArrowFunction",
    original: "(cause: Error) => finish(…",
    replacement: "() => undefined",
    reason:
      "no socket error can be provoked here without replacing the socket: a failed send reaches send's callback (tested: RadiusProbeUnreachable), and an unconnected UDP socket gets no ICMP errors; the listener is there so that an unexpected one fails the probe instead of crashing the Lambda",
  },
  {
    file: "shared/radius/probe.ts",
    mutator: "ArrowFunction",
    original: "() => reject( new RadiusProbeUnreachable(…",
    replacement: "() => undefined",
    reason:
      "no socket error can be provoked here without replacing the socket: a failed send reaches send's callback (tested: RadiusProbeUnreachable), and an unconnected UDP socket gets no ICMP errors; the listener is there so that an unexpected one fails the probe instead of crashing the Lambda",
  },
  {
    file: "shared/radius/probe.ts",
    mutator: "StringLiteral",
    original: "`socket error while probing…",
    replacement: "``",
    reason:
      "no socket error can be provoked here without replacing the socket: a failed send reaches send's callback (tested: RadiusProbeUnreachable), and an unconnected UDP socket gets no ICMP errors; the listener is there so that an unexpected one fails the probe instead of crashing the Lambda",
  },
  {
    file: "shared/radius/probe.ts",
    mutator: "ObjectLiteral",
    original: "{ cause, }",
    replacement: "{}",
    reason:
      "no socket error can be provoked here without replacing the socket: a failed send reaches send's callback (tested: RadiusProbeUnreachable), and an unconnected UDP socket gets no ICMP errors; the listener is there so that an unexpected one fails the probe instead of crashing the Lambda",
  },
  {
    file: "shared/radius/probe.ts",
    mutator: "StringLiteral",
    original: '"error"',
    replacement: '""',
    reason:
      "no socket error can be provoked here without replacing the socket: a failed send reaches send's callback (tested: RadiusProbeUnreachable), and an unconnected UDP socket gets no ICMP errors; the listener is there so that an unexpected one fails the probe instead of crashing the Lambda",
  },
  {
    file: "shared/core/rotation.ts",
    mutator: "BooleanLiteral",
    original: "false",
    replacement: "true",
    reason:
      "equivalent: a draft phase's flag only fills the type; withMismatches sets every flag from the simulation before anything reads it",
  },
  {
    file: "shared/core/rotation.ts",
    mutator: "MethodExpression",
    original: "planned.phases.filter((phase) => phase.mismatch)",
    replacement: "planned.phases",
    reason:
      "equivalent: in place, both phases mismatch when any directory sends requests and neither does otherwise, and the count is only read when it is above zero",
  },
];
