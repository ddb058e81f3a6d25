import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  ownedClientSuffix,
  ownedPolicySuffixes,
  stagedPolicySuffix,
} from "../../shared/core/naming-patterns.cjs";
import {
  maxClients,
  maxClientsCharacters,
  maxParameterCharacters,
  type NpsParameterName,
  npsDocumentParameters,
  npsParameterNames,
} from "../../shared/nps/document-parameters.cjs";
import { netshLayout } from "../../shared/nps/netsh-layout.cjs";
import {
  content,
  contentHash,
  invocationLine,
  preambleLines,
  scriptLines,
} from "../../shared/nps/ssm-document.cjs";
import { parsePowerShell, syntaxProblems } from "../fixtures/nps/powershell-syntax.js";

const require = createRequire(import.meta.url);
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const realistic = JSON.parse(
  readFileSync(new URL("../fixtures/nps/realistic-parameters.json", import.meta.url), "utf8"),
) as Record<NpsParameterName, string>;
/** Every character that ends a PowerShell single-quoted string. */
const singleQuotes = ["'", "\u2018", "\u2019", "\u201a", "\u201b"];

describe("the NPS SSM document", () => {
  const runCommand = content.mainSteps[0]?.inputs.runCommand ?? [];

  it("is a schema 2.2 Command document with one PowerShell step and the shared parameter definitions", () => {
    expect(content.schemaVersion).toBe("2.2");
    expect(content.parameters).toEqual(JSON.parse(JSON.stringify(npsDocumentParameters)));
    expect(content.mainSteps).toHaveLength(1);
    const [step] = content.mainSteps;
    expect(step?.action).toBe("aws:runPowerShellScript");
    expect(step?.inputs.runCommand).toEqual([...preambleLines, ...scriptLines, invocationLine]);
  });

  it("carries every code line of sync-nps.ps1, in order, without its comments", () => {
    const source = readFileSync(new URL("../../shared/nps/sync-nps.ps1", import.meta.url), "utf8");
    const code = source
      .replace(/^<#[\s\S]*?#>\r?\n/, "")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(scriptLines).toEqual(code);
    expect(scriptLines.length).toBeGreaterThan(300);
  });

  it("pastes no parameter into the script: every one is an environment variable (ENV_VAR) and no line has {{ }}", () => {
    for (const name of npsParameterNames)
      expect(npsDocumentParameters[name].interpolationType, name).toBe("ENV_VAR");
    expect(runCommand.filter((line) => line.includes("{{"))).toEqual([]);
    expect(invocationLine).toBe("Invoke-NpsSync");
  });

  it("declares every parameter a String, the one type SSM checks an allowedPattern on", () => {
    // SSM enforces allowedPattern on String (and StringList) parameters only: with another type, or
    // none, the document's own check of every value before it reaches the host would be gone.
    for (const name of npsParameterNames) expect(npsDocumentParameters[name].type, name).toBe("String");
  });

  it("freezes every parameter definition, so nothing at run time can loosen a pattern", () => {
    for (const name of npsParameterNames) {
      const definition = npsDocumentParameters[name] as { allowedPattern: string };
      expect(Object.isFrozen(definition), name).toBe(true);
      expect(() => {
        definition.allowedPattern = ".*";
      }, name).toThrow(TypeError);
    }
  });

  it("renders the ownership patterns and parameter names from their single sources into the preamble", () => {
    expect(preambleLines).toEqual([
      `$script:OwnedClientSuffix = '${ownedClientSuffix}'`,
      "$script:OwnedPolicySuffixes = @(@('crp', '-crp'), @('np', '-np'), @('np', '-np-deny'))",
      `$script:StagedPolicySuffix = '${stagedPolicySuffix}'`,
      `$script:NetshLayout = @{ ${Object.entries(netshLayout)
        .map(([key, pattern]) => `${key} = '${pattern}'`)
        .join("; ")} }`,
      `$script:DocumentParameterNames = @(${npsParameterNames.map((name) => `'${name}'`).join(", ")})`,
    ]);
    expect(Object.values(ownedPolicySuffixes).map(({ suffix }) => suffix)).toEqual([
      "-crp",
      "-np",
      "-np-deny",
    ]);
  });

  it("makes AdGroup, Nonce and AcknowledgedIpWhitelist optional and every other parameter required", () => {
    const optional = npsParameterNames.filter((name) => npsDocumentParameters[name].default !== undefined);
    expect(optional).toEqual(["AdGroup", "Nonce", "AcknowledgedIpWhitelist"]);
    for (const name of optional) {
      expect(
        new RegExp(npsDocumentParameters[name].allowedPattern).test(
          npsDocumentParameters[name].default ?? "x",
        ),
      ).toBe(true);
    }
  });

  it("tells an administrator who runs it from the SSM console what it does, and that no secret is typed in", () => {
    expect(content.description).toMatch(/^radius-sync: /);
    expect(content.description).toContain("the host reads the shared secret from Secrets Manager itself");
  });

  // What the SSM console shows beside each field when the document is run by hand: what the value is
  // and the form its allowedPattern asks for.
  it.each([
    ["SecretArn", "ARN of the Secrets Manager secret"],
    ["SecretVersion", "the staging label AWSCURRENT or AWSPENDING"],
    ["Region", "such as eu-west-1"],
    ["Clients", `as name=ip pairs separated by commas (at most ${maxClients})`],
    ["NamePrefix", "others are never touched"],
    ["RequireMessageAuthenticator", "true or false"],
    ["Policies", "as JSON"],
    ["AdGroup", "DOMAIN\\Name"],
    ["Nonce", "Optional hex nonce"],
    ["Sequence", "a server refuses a command older than one it already applied"],
    ["AcknowledgedIpWhitelist", "any other entry stops the command"],
  ] satisfies [NpsParameterName, string][])("describes %s in the console, saying %j", (name, words) => {
    const { description } = content.parameters[name] as { description: string };
    expect(description).toContain(words);
  });

  it("describes every parameter it declares", () => {
    for (const name of npsParameterNames)
      expect((content.parameters[name] as { description: string }).description, name).not.toBe("");
  });

  it("parses with no ERROR or MISSING nodes as SSM runs it", async () => {
    const root = await parsePowerShell(runCommand.join("\n"));
    expect(syntaxProblems(root)).toEqual([]);
  });

  it.each(npsParameterNames.filter((name) => name !== "AdGroup"))(
    "%s's allowedPattern rejects every single-quote character anywhere (defence in depth)",
    (name) => {
      const pattern = new RegExp(npsDocumentParameters[name].allowedPattern);
      const valid = realistic[name];
      expect(pattern.test(valid)).toBe(true);
      for (const quote of singleQuotes) {
        for (const position of [0, Math.floor(valid.length / 2), valid.length]) {
          const value = valid.slice(0, position) + quote + valid.slice(position);
          expect(pattern.test(value), JSON.stringify(value)).toBe(false);
        }
      }
    },
  );

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
    expect(longest.length * maxClients).toBeLessThanOrEqual(maxClientsCharacters);
    expect(maxClientsCharacters).toBe(maxParameterCharacters - 1000);
  });

  it("fits about 260 IPv6 clients of the longest form, which the plan counts by characters", () => {
    const longest = `${"p".repeat(24)}-d-0123456789-${"f".repeat(32)}=2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,`;
    expect(longest.length).toBe(110);
    expect(Math.floor(maxClientsCharacters / longest.length)).toBe(263);
  });
});
