import { beforeAll, describe, expect, it } from "vitest";
import type { Node } from "web-tree-sitter";
import { content } from "../../shared/nps/health-document.cjs";
import { cmdletSignatures, nativeCommands } from "../fixtures/nps/cmdlet-signatures.js";
import { descendants, parsePowerShell, syntaxProblems } from "../fixtures/nps/powershell-syntax.js";
import { powerShell7Syntax, signatureProblems } from "../support/powershell-checks.js";

/**
 * health-nps.ps1 as the health document carries it obeys the sync script's static checks (documented
 * cmdlets and parameters, Windows PowerShell 5.1 syntax), and is read-only by construction: it calls
 * no command that writes, restarts or configures anything.
 */

const lines = content.mainSteps[0]?.inputs.runCommand ?? [];
const rendered = lines.join("\n");
let root: Node;
beforeAll(async () => {
  root = await parsePowerShell(rendered);
});

const commandNames = () =>
  descendants(root)
    .filter((node) => node.type === "command")
    .map((node) => node.childForFieldName("command_name")?.text ?? "");

describe("the NPS health script as its SSM document carries it", () => {
  it("calls only documented commands, each with parameters it has, in 5.1 syntax", () => {
    expect(syntaxProblems(root)).toEqual([]);
    expect(signatureProblems(root, cmdletSignatures, nativeCommands)).toEqual([]);
    expect(powerShell7Syntax(root)).toEqual([]);
  });

  it("changes nothing: no command whose verb writes, restarts or removes, and netsh only to show", () => {
    const writers = commandNames().filter((name) =>
      /^(Set|New|Remove|Restart|Start|Stop|Add|Clear|Rename|Move|Copy|Register|Unregister|Install|Uninstall|Import-Certificate|Export)-/i.test(
        name,
      ),
    );
    // New-Object builds an in-process object and Set-StrictMode sets the session's rules; the script's
    // own functions are checked through the commands they call.
    const own = new Set(
      descendants(root)
        .filter((node) => node.type === "function_name")
        .map((node) => node.text.toLowerCase()),
    );
    const harmless = new Set(["new-object", "set-strictmode"]);
    expect(
      writers.filter((name) => !harmless.has(name.toLowerCase()) && !own.has(name.toLowerCase())),
    ).toEqual([]);
    expect(writers).toContain("Set-StrictMode");
    expect(rendered).not.toMatch(/\.(SetValue|DeleteValue|DeleteSubKey|CreateSubKey)\(/i);
    const netsh = lines.filter((line) => /netsh/i.test(line) && line.includes("&"));
    expect(netsh.length).toBeGreaterThan(0);
    for (const line of netsh) expect(line).toMatch(/netsh\.exe nps show /);
  });

  it("reads events by client name and reason code only, never a user field", () => {
    expect(rendered).toContain("Get-WinEvent");
    expect(rendered).not.toMatch(/UserName|UserSid|FullyQualifiedSubjectUserName|CallingStationID/i);
  });

  it("takes its parameters from SSM_ environment variables and never as {{ }} text", () => {
    expect(rendered).not.toMatch(/\{\{/);
    expect(Object.values(content.parameters).map((parameter) => parameter.interpolationType)).toEqual([
      "ENV_VAR",
      "ENV_VAR",
      "ENV_VAR",
    ]);
    expect(lines.at(-1)).toBe("Invoke-NpsHealth");
  });

  it("fits SSM's 64 KB per command with room to spare, and carries no ${ for osls to resolve", () => {
    expect(Buffer.byteLength(JSON.stringify(content))).toBeLessThan(32_000);
    expect(rendered).not.toContain("${");
  });
});
