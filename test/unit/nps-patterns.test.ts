import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type NpsParameterName,
  npsDocumentParameters,
  npsParameterNames,
} from "../../shared/nps/document-parameters.cjs";
import { dangerousCharacters } from "../fixtures/nps/dangerous-characters.js";

/**
 * The allowedPatterns read by the engines that apply them: JavaScript (the renderer) and Java (the
 * family SSM's parameter validation is built on; the JDK is on this machine). PowerShell's .NET
 * engine cannot run here; the patterns avoid every construct whose meaning differs (\d, \w, flags).
 */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/nps/${name}`, import.meta.url), "utf8");
const realistic = JSON.parse(fixture("realistic-parameters.json")) as Record<NpsParameterName, string>;
const injectionCases = JSON.parse(fixture("injection-cases.json")) as Array<{ field: string; value: string }>;
const javaProgram = fileURLToPath(new URL("../fixtures/nps/RegexCheck.java", import.meta.url));
const javaAvailable = spawnSync("java", ["-version"]).status === 0;

// Not "\r": Java's (and .NET's) `$` also matches before one final line terminator, the known
// difference document-parameters.cjs describes; the renderer rejects it, and it cannot end a quote.
const dangerous = dangerousCharacters.filter((character) => character !== "\r");
const quotes = ["'", "\u2018", "\u2019", "\u201a", "\u201b"];
const parameterOf: Record<string, NpsParameterName> = {
  adGroup: "AdGroup",
  namePrefix: "NamePrefix",
  secretArn: "SecretArn",
  secretVersion: "SecretVersion",
  region: "Region",
  nonce: "Nonce",
};

/** Every injection case as the document parameter value SSM would validate. */
const hostile = injectionCases.map(({ field, value }) => {
  if (field === "ip") return { parameter: "Clients" as const, value: `radius-sync-a=${value}` };
  if (field === "name") return { parameter: "Clients" as const, value: `${value}=10.0.0.1` };
  return { parameter: parameterOf[field] as NpsParameterName, value };
});

/**
 * The characters each parameter must refuse. Values reach PowerShell only as environment variables
 * (ENV_VAR), so none can become code; the patterns still refuse every dangerous character where the
 * value has no need of it. AdGroup admits what Active Directory admits in a name (quotes, `$`,
 * parentheses, `&`…) but none of what AD forbids; Policies is JSON (`"`, braces, `$` and `|` in the
 * ownership regex) but admits no single or typographic quote, backtick or line break.
 */
const refusedBy = (parameter: NpsParameterName): string[] => {
  if (parameter === "AdGroup") return ['"', "|", "<", ">", "\n"];
  if (parameter === "Policies") return ["'", "`", "\n", "\u2018", "\u2019", "\u201c", "\u201d"];
  return dangerous;
};

/** Every valid value with one character it must refuse inserted at the start, middle and end. */
const spiked = npsParameterNames.flatMap((parameter) =>
  refusedBy(parameter).flatMap((character) =>
    [0, Math.floor(realistic[parameter].length / 2), realistic[parameter].length].map((position) => ({
      parameter,
      value: realistic[parameter].slice(0, position) + character + realistic[parameter].slice(position),
    })),
  ),
);

/** Java's verdicts: [find(), matches()] per pair. */
function javaVerdicts(
  pairs: Array<{ parameter: NpsParameterName; value: string }>,
): Array<[boolean, boolean]> {
  const input = pairs
    .map(({ parameter, value }) =>
      [npsDocumentParameters[parameter].allowedPattern, value]
        .map((text) => Buffer.from(text, "utf8").toString("base64"))
        .join(" "),
    )
    .join("\n");
  const result = spawnSync("java", [javaProgram], { input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`java failed: ${result.stderr}`);
  return result.stdout
    .trim()
    .split("\n")
    .map((line) => [line[0] === "1", line[1] === "1"]);
}

const matchesInJavaScript = ({ parameter, value }: { parameter: NpsParameterName; value: string }) =>
  new RegExp(npsDocumentParameters[parameter].allowedPattern).test(value);

describe("the document's allowedPatterns", () => {
  it("reject every dangerous character inserted anywhere into a valid value (JavaScript)", () => {
    expect(
      npsParameterNames.filter(
        (parameter) => !matchesInJavaScript({ parameter, value: realistic[parameter] }),
      ),
    ).toEqual([]);
    expect(spiked.filter(matchesInJavaScript)).toEqual([]);
  });

  describe.runIf(javaAvailable)("in Java's regex engine", () => {
    it("accept the realistic values", () => {
      const verdicts = javaVerdicts(
        npsParameterNames.map((parameter) => ({ parameter, value: realistic[parameter] })),
      );
      expect(verdicts).toEqual(npsParameterNames.map(() => [true, true]));
    });

    it("reject every dangerous character inserted anywhere into a valid value", () => {
      const verdicts = javaVerdicts(spiked);
      const accepted = spiked.filter((_, index) => verdicts[index]?.[1]);
      // find() differs only where '$' may match before a final newline (documented in the .cjs).
      const foundNotAtEnd = spiked.filter(
        (pair, index) => verdicts[index]?.[0] && !pair.value.endsWith("\n"),
      );
      expect(accepted).toEqual([]);
      expect(foundNotAtEnd).toEqual([]);
    });

    it("reject every injection case; a lenient find() accepts only a trailing line break, which has no quote", () => {
      const verdicts = javaVerdicts(hostile);
      expect(hostile.filter((_, index) => verdicts[index]?.[1])).toEqual([]);
      const foundByJava = hostile.filter((_, index) => verdicts[index]?.[0]);
      for (const { value } of foundByJava) {
        expect(value).toMatch(/(\r\n|\n)$/);
        for (const quote of quotes) expect(value).not.toContain(quote);
      }
      // Same verdicts as JavaScript apart from that known '$' difference.
      expect(hostile.filter(matchesInJavaScript)).toEqual([]);
    });
  });
});
