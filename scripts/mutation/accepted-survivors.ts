import type { AcceptedSurvivor } from "./score.js";

/**
 * Mutants no unit test detects, kept on purpose, each with why (docs/mutation.md lists them).
 * An entry matches by file, mutator, the mutated code (whitespace collapsed; a trailing "…" matches
 * a prefix) and the replacement; the report warns about entries that match nothing any more.
 */
export const acceptedSurvivors: readonly AcceptedSurvivor[] = [
  {
    file: "shared/steps/plan-step.ts",
    mutator: "StringLiteral",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the mutated code, quoted as text
    original: "`problem ${problem.error}: ${problem.message}`",
    replacement: "``",
    reason:
      "the line is past the dry run's 100-line cap whenever the problem can arise (more than 500 clients need at least 250 directories, each with its own lines), and a real run stops with the message instead; the count of the lines past the cap is tested",
  },
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
    file: "shared/core/rotation.ts",
    mutator: "BooleanLiteral",
    original: "false",
    replacement: "true",
    reason:
      "equivalent: a draft phase's flag only fills the type; withMismatches sets every flag from the simulation before anything reads it",
  },
  {
    file: "shared/core/nps-push.ts",
    mutator: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    reason:
      "equivalent: a parameter missing on one side is read as the same value on both sides, so the comparison only changes when both lack it, where it is equal either way",
  },
  {
    file: "shared/core/plan-nps-network.ts",
    mutator: "Regex",
    original: "/^([^/]+)\\/([0-9]|[12][0-9]|3[0-2])$/",
    replacement: "/([^/]+)\\/([0-9]|[12][0-9]|3[0-2])$/",
    reason:
      "equivalent: [^/]+ cannot cross a slash, so the leftmost match starts at the beginning anyway, and a later start leaves a group that is no address",
  },
  {
    file: "shared/core/plan-nps.ts",
    mutator: "ConditionalExpression",
    original: "details.length === 0",
    replacement: "false",
    reason:
      "unreachable: when the fingerprint differs and no client or secret version changed, the recomputed settings fingerprint differs too, so the first condition holds already; kept so that a push never goes without a reason",
  },
  {
    file: "shared/radius/errors.ts",
    mutator: "StringLiteral",
    original: '""',
    replacement: '"Stryker was here!"',
    reason:
      "equivalent: the throw-away instance is made only to read its class's name; its message is never read",
  },
  {
    file: "shared/nps/ssm-document.cjs",
    mutator: "StringLiteral",
    original: '"SyncNps"',
    replacement: '""',
    reason:
      "the document step's name: SSM shows it in the command's output; radius-sync reads no step by name",
  },
];
