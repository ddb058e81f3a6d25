import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Node } from "web-tree-sitter";
import {
  maxClients,
  maxParameterCharacters,
  type NpsParameterName,
  npsDocumentParameters,
  npsParameterNames,
} from "../../shared/nps/document-parameters.cjs";
import { content, contentHash, invocationLine, scriptLines } from "../../shared/nps/ssm-document.cjs";
import {
  descendants,
  parsePowerShell,
  syntaxProblems,
  verbatimValue,
} from "../fixtures/nps/powershell-syntax.js";

const require = createRequire(import.meta.url);
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const realistic = JSON.parse(
  readFileSync(new URL("../fixtures/nps/realistic-parameters.json", import.meta.url), "utf8"),
) as Record<NpsParameterName, string>;
/** Every character that ends a PowerShell single-quoted string. */
const singleQuotes = ["'", "\u2018", "\u2019", "\u201a", "\u201b"];

/** What SSM does before running the script: replace each {{ Name }} with the raw value. */
function substitute(lines: string[], values: Record<string, string>): string {
  return lines
    .join("\n")
    .replace(/\{\{\s*([A-Za-z0-9]+)\s*\}\}/g, (_, name: string) => values[name] ?? `{{ ${name} }}`);
}

/** The arguments of the last top-level command, as [parameter, value] pairs. */
async function invocationArguments(source: string): Promise<{ statements: number; pairs: string[][] }> {
  const root = await parsePowerShell(source);
  const statements = root.children.find((node) => node.type === "statement_list")?.children ?? [];
  const last = statements.at(-1) as Node;
  const elements = descendants(last).find((node) => node.type === "command_elements");
  const parts = (elements?.children ?? []).filter((node) => node.type !== "command_argument_sep");
  const pairs: string[][] = [];
  for (let index = 0; index < parts.length; index += 2) {
    pairs.push([parts[index]?.text ?? "", parts[index + 1]?.text ?? ""]);
  }
  return { statements: statements.length, pairs };
}

describe("the NPS SSM document", () => {
  it("is a schema 2.2 Command document with one PowerShell step and the shared parameter definitions", () => {
    expect(content.schemaVersion).toBe("2.2");
    expect(content.parameters).toEqual(JSON.parse(JSON.stringify(npsDocumentParameters)));
    expect(content.mainSteps).toHaveLength(1);
    const [step] = content.mainSteps;
    expect(step?.action).toBe("aws:runPowerShellScript");
    expect(step?.inputs.runCommand).toEqual([...scriptLines, invocationLine]);
    expect(scriptLines.join("\n")).toBe(
      readFileSync(new URL("../../shared/nps/sync-nps.ps1", import.meta.url), "utf8").trimEnd(),
    );
  });

  it("passes every parameter once, single-quoted, in one invocation line", () => {
    const expected = npsParameterNames.map((name) => `-${name} '{{ ${name} }}'`).join(" ");
    expect(invocationLine).toBe(`Invoke-NpsSync ${expected}`);
    expect(scriptLines.filter((line) => line.includes("{{"))).toEqual([]);
  });

  it("makes Nonce optional and every other parameter required", () => {
    const optional = npsParameterNames.filter((name) => npsDocumentParameters[name].default !== undefined);
    expect(optional).toEqual(["Nonce"]);
    expect(
      new RegExp(npsDocumentParameters.Nonce.allowedPattern).test(npsDocumentParameters.Nonce.default ?? "x"),
    ).toBe(true);
  });

  it("parses with no ERROR or MISSING nodes after SSM substitutes realistic values", async () => {
    const root = await parsePowerShell(
      substitute([...(content.mainSteps[0]?.inputs.runCommand ?? [])], realistic),
    );
    expect(syntaxProblems(root)).toEqual([]);
  });

  it("keeps each substituted value inside its quotes: one command, one string per parameter", async () => {
    // Act
    const { pairs } = await invocationArguments(substitute([invocationLine], realistic));
    // Assess
    expect(pairs.map(([parameter]) => parameter)).toEqual(npsParameterNames.map((name) => `-${name}`));
    for (const [index, name] of npsParameterNames.entries()) {
      expect(verbatimValue(pairs[index]?.[1] ?? ""), name).toBe(realistic[name]);
    }
  });

  it("would break out of the quotes if a pattern ever admitted a quote (why the patterns exclude them)", async () => {
    // Prepare: a value no pattern accepts, substituted the way SSM would if it did.
    const hostile = { ...realistic, NamePrefix: "x'; Remove-Item -Recurse C:\\; '" };
    // Act
    const { statements } = await invocationArguments(substitute([invocationLine], hostile));
    // Assess: the single invocation became several statements.
    expect(statements).toBeGreaterThan(1);
    expect(new RegExp(npsDocumentParameters.NamePrefix.allowedPattern).test(hostile.NamePrefix)).toBe(false);
  });

  it.each(npsParameterNames)("%s's allowedPattern rejects every single-quote character anywhere", (name) => {
    const pattern = new RegExp(npsDocumentParameters[name].allowedPattern);
    const valid = realistic[name];
    expect(pattern.test(valid)).toBe(true);
    for (const quote of singleQuotes) {
      for (const position of [0, Math.floor(valid.length / 2), valid.length]) {
        const value = valid.slice(0, position) + quote + valid.slice(position);
        expect(pattern.test(value), JSON.stringify(value)).toBe(false);
      }
    }
  });

  it("exports the sha256 of its JSON as the content hash", () => {
    expect(contentHash).toBe(createHash("sha256").update(JSON.stringify(content)).digest("hex"));
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("the document as osls 4.3 resolves it from serverless.yml (file variable source)", () => {
  // The real osls "file" variable source and variable parser, as serverless.yml resolution uses them.
  const fileSource = require("osls/lib/configuration/variables/sources/file.js") as {
    resolve: (options: Record<string, unknown>) => Promise<{ value: unknown }>;
  };
  const parseVariables = require("osls/lib/configuration/variables/parse.js") as (value: string) => unknown;

  it("resolves to the content object", async () => {
    const { value } = await fileSource.resolve({
      serviceDir: repositoryRoot,
      params: ["./shared/nps/ssm-document.cjs"],
      address: "content",
      options: {},
      resolveConfigurationProperty: async () => undefined,
      resolveVariable: async () => undefined,
      resolveVariablesInString: async (text: string) => text,
    });
    expect(value).toEqual(content);
  });

  it("contains no variable syntax that osls would try to resolve inside the script", () => {
    const strings = JSON.stringify(content).match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    const withVariables = strings
      .map((text) => JSON.parse(text) as string)
      .filter((text) => parseVariables(text));
    expect(withVariables).toEqual([]);
    // The check itself works: osls does see a variable in PowerShell's braced-variable syntax.
    expect(parseVariables(`x $${"{"}env:PATH} y`)).toBeTruthy();
  });
});

describe("the command's size", () => {
  it("fits SSM's 64 KB for the document and the largest parameters together", () => {
    expect(JSON.stringify(content).length + maxParameterCharacters).toBeLessThanOrEqual(64 * 1024);
    // The longest client entry radius-sync makes: a 24-character prefix, a directory id, an address.
    const longest = `${"p".repeat(24)}-d-0123456789-255-255-255-255=255.255.255.255,`;
    expect(longest.length * maxClients).toBeLessThanOrEqual(maxParameterCharacters - 1000);
  });
});
