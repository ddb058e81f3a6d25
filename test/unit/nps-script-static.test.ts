import { beforeAll, describe, expect, it } from "vitest";
import type { Node } from "web-tree-sitter";
import { npsParameterNames } from "../../shared/nps/document-parameters.cjs";
import { content } from "../../shared/nps/ssm-document.cjs";
import { cmdletSignatures, nativeCommands } from "../fixtures/nps/cmdlet-signatures.js";
import { parsePowerShell, syntaxProblems } from "../fixtures/nps/powershell-syntax.js";
import { powerShell7Syntax, signatureProblems } from "../support/powershell-checks.js";

/**
 * sync-nps.ps1 cannot run here, so what SSM would run (the rendered document) is checked against
 * the documented signatures of every command it calls (test/fixtures/nps/cmdlet-signatures.ts, with
 * sources) and for syntax only PowerShell 7 has (SSM's aws:runPowerShellScript runs powershell.exe,
 * Windows PowerShell 5.1).
 */

const rendered = (content.mainSteps[0]?.inputs.runCommand ?? []).join("\n");
/** Invoke-NpsSync splats the parameters it read from SSM_<Name>: exactly the document's names. */
const dynamicSplats = { parameters: [...npsParameterNames] };
const check = async (source: string) => {
  const root = await parsePowerShell(source);
  return {
    signatures: signatureProblems(root, cmdletSignatures, nativeCommands, dynamicSplats),
    ps7: powerShell7Syntax(root),
  };
};

let root: Node;
beforeAll(async () => {
  root = await parsePowerShell(rendered);
});

describe("the NPS script as the SSM document carries it", () => {
  it("calls only documented commands, each with parameters it has", () => {
    expect(syntaxProblems(root)).toEqual([]);
    expect(signatureProblems(root, cmdletSignatures, nativeCommands, dynamicSplats)).toEqual([]);
  });

  it("uses no syntax Windows PowerShell 5.1 lacks", () => {
    expect(powerShell7Syntax(root)).toEqual([]);
  });

  it("is checked in earnest: it calls the NPS, AWS and core cmdlets the table documents", () => {
    for (const command of [
      "New-NpsRadiusClient",
      "Set-NpsRadiusClient",
      "Get-SECSecretValue",
      "Restart-Service",
      "Get-Item",
      "New-ItemProperty",
      "Get-NetUDPEndpoint",
    ]) {
      expect(rendered).toContain(command);
    }
  });

  it("lists a source for every command in the table", () => {
    for (const [name, signature] of Object.entries(cmdletSignatures))
      expect(signature.source, name).toMatch(/^https:\/\//);
  });
});

describe("the static checks themselves (each fails on what it must catch)", () => {
  it.each([
    [
      "a misspelt parameter",
      "New-NpsRadiusClient -Name x -Adress 10.0.0.1",
      "New-NpsRadiusClient at line 1: no parameter -Adress",
    ],
    [
      "a PowerShell 7 parameter",
      "Get-Service x | ForEach-Object -Parallel { $_ }",
      "ForEach-Object at line 1: no parameter -Parallel",
    ],
    [
      "a 6+ parameter of ConvertFrom-Json",
      "ConvertFrom-Json -InputObject '{}' -AsHashtable",
      "ConvertFrom-Json at line 1: no parameter -AsHashtable",
    ],
    [
      "a cmdlet 5.1 does not have",
      "Join-String -InputObject 1",
      "Join-String at line 1: not a function of the script nor a documented command",
    ],
    [
      "a wrong key in a splatted hashtable",
      "$request = @{ SecretId = 'x'; Regoin = 'y' }\nGet-SECSecretValue @request",
      "Get-SECSecretValue at line 2: no parameter -Regoin",
    ],
    [
      "a parameter Get-NpsRadiusClient does not have (it takes none)",
      "Get-NpsRadiusClient -Name x",
      "Get-NpsRadiusClient at line 1: no parameter -Name",
    ],
    [
      "a parameter Remove-NpsRadiusClient does not have (it takes -Name only)",
      "Remove-NpsRadiusClient -Address x",
      "Remove-NpsRadiusClient at line 1: no parameter -Address",
    ],
    [
      "a parameter the script's own function lacks",
      "function Get-Thing { param($Name) }\nGet-Thing -Nmae x",
      "Get-Thing at line 2: no parameter -Nmae",
    ],
  ])("reports %s", async (_label, source, problem) => {
    expect((await check(source)).signatures).toEqual([problem]);
  });

  it.each([
    ["??", "$a = $b ?? 1", "?? (null-coalescing) at line 1"],
    ["??=", "$a ??= 2", "?? (null-coalescing) at line 1"],
    ["?.", "$x = $y?.Name", "?. (null-conditional) at line 1"],
    ["?[", "$a = $b?[0]", "?[ (null-conditional) at line 1"],
    ["a ternary", "$z = $c ? 1 : 2", "? : (ternary) at line 1"],
    ["&&", "Get-Service x && Get-Service y", "&& (pipeline chain) at line 1"],
    ["||", "Get-Service x || Get-Service y", "|| (pipeline chain) at line 1"],
  ])("reports the PowerShell 7 operator %s", async (_label, source, problem) => {
    expect((await check(source)).ps7).toEqual([problem]);
  });

  it("accepts 5.1 spellings of the same", async () => {
    const source = "if ($null -eq $b) { $a = 1 } else { $a = $b }\nGet-Service x\nif ($?) { Get-Service y }";
    expect(await check(source)).toEqual({ signatures: [], ps7: [] });
  });
});
