import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Node } from "web-tree-sitter";
import { npsDocumentParameters, npsParameterNames } from "../../shared/nps/document-parameters.cjs";
import { maxReportedNames, NpsSummary, summaryFormat } from "../../shared/nps/summary.js";
import {
  ancestorOfType,
  commandName,
  descendants,
  parsePowerShell,
  syntaxProblems,
  verbatimValue,
} from "../fixtures/nps/powershell-syntax.js";

const scriptSource = readFileSync(new URL("../../shared/nps/sync-nps.ps1", import.meta.url), "utf8");
const approvedVerbs = new Set(
  readFileSync(new URL("../fixtures/nps/approved-verbs.txt", import.meta.url), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#")),
);

/** Commands and statements whose arguments end up in output, files, logs or errors. */
const sinks = new Set(
  [
    "Write-Output",
    "Write-Host",
    "Write-Error",
    "Write-Warning",
    "Write-Verbose",
    "Write-Debug",
    "Write-Information",
    "Out-File",
    "Out-String",
    "Out-Host",
    "Set-Content",
    "Add-Content",
    "ConvertTo-Json",
    "Export-Csv",
    "Export-Clixml",
    "Tee-Object",
    "Start-Transcript",
    "Write-EventLog",
  ].map((name) => name.toLowerCase()),
);
/** Variables that hold the secret, or objects that carry it (secret response, NPS client objects). */
const secretVariables = new Set([
  "sharedsecret",
  "response",
  "value",
  "existing",
  "ours",
  "current",
  "configured",
  "client",
  "held",
  "open",
  "foreign",
]);
/** Members of NPS client objects that are safe to report. */
const safeMembers = new Set(["name", "address", "count"]);
/** Cmdlets whose output carries the secret: their output must be captured, never emitted. */
const secretBearingCommands = [
  "Get-SECSecretValue",
  "Get-NpsRadiusClient",
  "New-NpsRadiusClient",
  "Set-NpsRadiusClient",
];

function isSafeUse(variable: Node): boolean {
  const parent = variable.parent;
  if (parent?.type !== "member_access") return false;
  const member = parent.children.find((child) => child.type === "member_name");
  return member !== undefined && safeMembers.has(member.text.toLowerCase());
}

/** Where a secret-bearing variable reaches a sink (a sink command's pipeline, throw, or Console.Write*). */
function findSecretLeaks(root: Node): string[] {
  const scopes: Array<{ label: string; node: Node }> = [];
  for (const node of descendants(root)) {
    const name = commandName(node)?.toLowerCase();
    if (name && sinks.has(name)) {
      scopes.push({ label: name, node: ancestorOfType(node, ["pipeline_chain"]) ?? node });
    }
    if (node.type === "flow_control_statement" && node.child(0)?.type === "throw") {
      scopes.push({ label: "throw", node });
    }
    if (node.type === "invokation_expression" && /^\[Console\]::(Out|Error)\.Write/i.test(node.text)) {
      scopes.push({ label: "Console.Write", node });
    }
  }
  return scopes.flatMap(({ label, node }) =>
    descendants(node)
      .filter((child) => child.type === "variable" && secretVariables.has(child.text.slice(1).toLowerCase()))
      .filter((variable) => !isSafeUse(variable))
      .map((variable) => `${label} receives ${variable.text} at line ${variable.startPosition.row + 1}`),
  );
}

function functionNames(root: Node): string[] {
  return descendants(root)
    .filter((node) => node.type === "function_statement")
    .map((node) => node.children.find((child) => child.type === "function_name")?.text ?? "");
}

function unapprovedFunctionNames(root: Node): string[] {
  return functionNames(root).filter((name) => {
    const [verb, noun, ...rest] = name.split("-");
    return !(verb && noun && rest.length === 0 && approvedVerbs.has(verb));
  });
}

let root: Node;

beforeAll(async () => {
  root = await parsePowerShell(scriptSource);
});

describe("sync-nps.ps1", () => {
  it("parses with no ERROR and no MISSING nodes", () => {
    expect(syntaxProblems(root)).toEqual([]);
  });

  it("turns on strict mode and stop-on-error at the top level", () => {
    // Prepare: only top-level statements count; a buried call would not protect the whole script.
    const topLevel = root.children.find((node) => node.type === "statement_list")?.children ?? [];
    // Act
    const strictMode = topLevel.flatMap(descendants).find((node) => commandName(node) === "Set-StrictMode");
    const stop = topLevel.find((node) => /^\$ErrorActionPreference\s*=\s*'Stop'$/.test(node.text));
    // Assess
    expect(strictMode?.text).toMatch(/^Set-StrictMode\s+-Version\s+Latest$/);
    expect(stop).toBeDefined();
  });

  it("names every function with an approved verb", () => {
    expect(functionNames(root).length).toBeGreaterThan(5);
    expect(unapprovedFunctionNames(root)).toEqual([]);
  });

  it("validates every entry parameter with the document's exact allowedPattern", () => {
    // Prepare
    const entry = descendants(root).find(
      (node) =>
        node.type === "function_statement" &&
        node.children.some(
          (child) => child.type === "function_name" && child.text === "Sync-NpsConfiguration",
        ),
    );
    const parameters = descendants(entry as Node).filter((node) => node.type === "script_parameter");
    // Act
    const patternsByName = Object.fromEntries(
      parameters.map((parameter) => {
        const name = parameter.children.find((child) => child.type === "variable")?.text.slice(1) ?? "";
        const validate = descendants(parameter).find(
          (node) => node.type === "attribute" && /^\[ValidatePattern\(/.test(node.text),
        );
        const literal =
          validate && descendants(validate).find((node) => node.type === "verbatim_string_characters");
        return [name, literal ? verbatimValue(literal.text) : undefined];
      }),
    );
    // Assess: same names, same order, same pattern text as the SSM document.
    expect(Object.keys(patternsByName)).toEqual([...npsParameterNames]);
    for (const name of npsParameterNames) {
      expect(patternsByName[name], name).toBe(npsDocumentParameters[name].allowedPattern);
    }
  });

  it("never passes the secret to output, files, JSON, errors or the console", () => {
    expect(findSecretLeaks(root)).toEqual([]);
  });

  it("captures the output of every cmdlet that returns the secret instead of emitting it", () => {
    const calls = descendants(root).filter((node) => secretBearingCommands.includes(commandName(node) ?? ""));
    expect(calls.length).toBeGreaterThanOrEqual(4);
    const emitted = calls
      .filter((call) => !ancestorOfType(call, ["assignment_expression"]))
      .map((call) => `${commandName(call)} at line ${call.startPosition.row + 1}`);
    expect(emitted).toEqual([]);
  });

  it("restarts NPS (IAS) only when the host's marker says a restart is owed, and starts it again if the restart fails", () => {
    const calls = descendants(root).filter((node) => commandName(node) === "Restart-NpsService");
    expect(calls).toHaveLength(2);
    const conditions = calls.map((call) => ancestorOfType(call, ["if_statement"])?.text.split("\n")[0]);
    expect(conditions).toEqual(["if ($Marker.RestartOwed -ne '') {", "if ($restarted) {"]);
    expect(scriptSource).toContain("$restarted = $marker.RestartOwed -ne ''");
    // Each restart clears the debt right after it, never before.
    for (const call of calls) {
      const block = ancestorOfType(call, ["statement_block"])?.text ?? "";
      expect(block.indexOf("Clear-SyncMarkerValue")).toBeGreaterThan(block.indexOf("Restart-NpsService"));
      expect(block).toMatch(/Clear-SyncMarkerValue -Marker \$marker -Name 'RestartOwed'/i);
    }
    const restarts = descendants(root).filter((node) => commandName(node) === "Restart-Service");
    expect(restarts.map((node) => node.text)).toEqual(["Restart-Service -Name IAS"]);
    const restart = ancestorOfType(restarts[0] as Node, ["function_statement"]);
    expect(restart?.text).toMatch(/^function Restart-NpsService/);
    expect(restart?.text).toMatch(/catch \{\s+Start-Service -Name IAS\s+\}/);
    expect(restart?.text).toContain("WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Running");
  });

  it("takes the host lock, checks every prerequisite (closing the door on a definite one), then applies policies before clients", () => {
    const order = [
      "Enter-NpsHostLock",
      "Get-NpsPrerequisiteFinding",
      "Close-NpsDoor",
      "Assert-CommandSequence",
      "Get-SecretRecorder",
      "Get-RadiusSharedSecret",
      "Assert-AddressFree",
      "Sync-NpsPolicySet",
      "Sync-RadiusClientSet",
      "Restart-NpsService",
      "Get-ClientSetReport",
      "Get-PolicyDisagreement",
    ].map((name) => calledAt(functionNamed("Sync-NpsConfiguration"), name));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((left, right) => left - right)).toEqual(order);
    // The lock is released whatever happens.
    expect(functionNamed("Sync-NpsConfiguration").text).toMatch(/finally \{\s+\$lock\.ReleaseMutex\(\)/);
  });

  it("replaces a policy without a gap and applies network policies before the connection request policy", () => {
    const replace = functionNamed("Sync-NpsPolicy");
    const addStaged = calledAt(replace, "Add-NpsPolicy", "-Name $staged");
    const removeCurrent = calledAt(replace, "Remove-NpsPolicy", "-Name $Policy.name");
    expect(addStaged).toBeGreaterThan(0);
    expect(removeCurrent).toBeGreaterThan(addStaged);
    expect(replace.text.indexOf("'rename'")).toBeGreaterThan(
      replace.text.indexOf("-Name $Policy.name -Marker"),
    );
    const set = functionNamed("Sync-NpsPolicySet").text;
    expect(set).toContain("foreach ($kind in @('np', 'crp'))");
    expect(set.indexOf("foreach ($owned in $script:OwnedPolicySuffixes)")).toBeGreaterThan(
      set.indexOf("foreach ($kind in @('np', 'crp'))"),
    );
  });

  it("notes a restart as owed on the host right before every change to NPS", () => {
    const mutations = descendants(root).filter(
      (node) =>
        ["New-NpsRadiusClient", "Set-NpsRadiusClient", "Remove-NpsRadiusClient"].includes(
          commandName(node) ?? "",
        ) ||
        (commandName(node) === "Invoke-Netsh" && /'(add|delete|rename)'|\$arguments/.test(node.text)),
    );
    expect(mutations.length).toBeGreaterThanOrEqual(7);
    for (const mutation of mutations) {
      let statement = mutation;
      while (statement.parent && statement.parent.type !== "statement_list") statement = statement.parent;
      const siblings = statement.parent?.children ?? [];
      // Nodes are new objects at every access: compare positions, not identities.
      const before = siblings.slice(
        0,
        siblings.findIndex((node) => node.startIndex === statement.startIndex),
      );
      const previous = before.filter((node) => node.type !== "comment").at(-1);
      expect(previous?.text, mutation.text).toMatch(/^Register-PendingRestart -Marker \$Marker$/i);
    }
  });

  it("never touches clients outside the name prefix: every removal and update is of an owned client", () => {
    // Remove/Set act on names taken from $ours (filtered by Test-OwnedName) or from the desired list,
    // whose names ConvertFrom-ClientList has checked against the prefix.
    const mutations = descendants(root).filter((node) =>
      ["Remove-NpsRadiusClient", "Set-NpsRadiusClient", "New-NpsRadiusClient"].includes(
        commandName(node) ?? "",
      ),
    );
    expect(mutations.map((node) => node.text.split(" -Address")[0])).toEqual([
      "Set-NpsRadiusClient -Name $client.Name -Enabled $false",
      "Remove-NpsRadiusClient -Name $client.Name",
      "New-NpsRadiusClient -Name $name",
      "Set-NpsRadiusClient -Name $name",
    ]);
    expect(scriptSource).toMatch(
      /\$open = @\(Get-NpsRadiusClient \| Where-Object \{ \(Test-OwnedClientName -Name \$_\.Name -NamePrefix \$NamePrefix\) -and/,
    );
    expect(scriptSource).toMatch(/\$ours = @\(Get-NpsRadiusClient \| Where-Object \{ Test-OwnedClientName /);
    expect(scriptSource).toMatch(/foreach \(\$client in \$ours\)/);
    expect(scriptSource).toMatch(/foreach \(\$client in \$open\)/);
  });
});

/** The script's function of that name. */
function functionNamed(name: string): Node {
  const found = descendants(root).find(
    (node) => node.type === "function_statement" && node.text.startsWith(`function ${name} `),
  );
  if (found === undefined) throw new Error(`sync-nps.ps1 has no function ${name}`);
  return found;
}

/** Where, in depth-first order inside `scope`, the first call of `command` (whose text contains `withText`) is; -1 if none. */
function calledAt(scope: Node, command: string, withText = ""): number {
  return descendants(scope).findIndex(
    (node) => commandName(node) === command && node.text.includes(withText),
  );
}

/** The keys and values of the `[ordered]@{ … }` literal that contains `key`, from the syntax tree. */
function hashLiteralWith(key: string): Map<string, string> {
  const literal = descendants(root).find(
    (node) =>
      node.type === "hash_literal_expression" &&
      descendants(node).some((entry) => entry.type === "key_expression" && entry.text === key),
  );
  const entries = descendants(literal as Node).filter((node) => node.type === "hash_entry");
  return new Map(entries.map((entry) => [entry.child(0)?.text ?? "", entry.child(2)?.text ?? ""]));
}

describe("sync-nps.ps1's summary (the contract with shared/nps/summary.ts)", () => {
  it("prints exactly the fields the parser reads, in the format it reads", () => {
    // Prepare: the summary literal, the client-set report merged into it, and the proof added to that.
    const summary = hashLiteralWith("radiusSyncSummary");
    const report = hashLiteralWith("disagreeingCount");
    // Act
    const printed = [
      ...summary.keys(),
      ...report.keys(),
      ...(/\$report\['proof'\] = /.test(scriptSource) ? ["proof"] : []),
      ...(/\$summary\['groupSid'\] = /.test(scriptSource) ? ["groupSid"] : []),
    ];
    // Assess
    expect(printed.sort()).toEqual(Object.keys(NpsSummary.shape).sort());
    expect(summary.get("radiusSyncSummary")).toBe(String(summaryFormat));
    expect(scriptSource).toMatch(
      /foreach \(\$key in @\(\$report\.Keys\)\) \{\s+\$summary\[\$key\] = \$report\[\$key\]/,
    );
  });

  it("reports counts, not name lists, and names at most as many disagreeing clients as the parser accepts", () => {
    const summary = hashLiteralWith("radiusSyncSummary");
    const report = hashLiteralWith("disagreeingCount");

    for (const key of ["created", "updated", "removed", "kept"]) {
      expect(summary.get(key)).toBe(`$clientResult.${key}`);
    }
    expect(report.get("disagreeing")).toBe(`@($disagreeing | Select-Object -First ${maxReportedNames})`);
  });
});

describe("the script checks themselves (so a broken check cannot pass silently)", () => {
  it("reports a secret written to output, a file or an error", async () => {
    const bad = await parsePowerShell(
      "Write-Output $sharedSecret\n$sharedSecret | Out-File x.txt\nthrow ('bad ' + $sharedSecret)\n" +
        "[Console]::Out.WriteLine($SharedSecret)\nWrite-Host $client\nWrite-Host $client.Name\n",
    );
    expect(findSecretLeaks(bad)).toEqual([
      "write-output receives $sharedSecret at line 1",
      "out-file receives $sharedSecret at line 2",
      "throw receives $sharedSecret at line 3",
      "Console.Write receives $SharedSecret at line 4",
      "write-host receives $client at line 5",
    ]);
  });

  it("reports unapproved verbs and names that are not Verb-Noun", async () => {
    const bad = await parsePowerShell(
      "function Apply-Thing { }\nfunction Get-Thing { }\nfunction helper { }\n",
    );
    expect(unapprovedFunctionNames(bad)).toEqual(["Apply-Thing", "helper"]);
  });

  it("reports broken PowerShell", async () => {
    const bad = await parsePowerShell("function Get-Thing {\n  if ($x -eq ) { 'a' \n");
    expect(syntaxProblems(bad).length).toBeGreaterThan(0);
  });
});
