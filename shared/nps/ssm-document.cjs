"use strict";
/**
 * The NPS Command document (schemaVersion 2.2): a preamble rendered from the TypeScript side's
 * single sources (which names radius-sync owns, the parameter names), sync-nps.ps1's code lines, then
 * ONE line that calls Invoke-NpsSync. Used by serverless.yml as
 * `${file(./shared/nps/ssm-document.cjs):content}` (osls 4.3 `require`s the file and reads the
 * `content` property, then parses any `${...}` left in the value, so the script must not contain
 * that sequence; a test checks it), by the tests, the NPS model double and the emulator seed.
 *
 * No parameter is ever written into the script as `{{ Name }}`: each one is declared with
 * `interpolationType: ENV_VAR` (document-parameters.cjs) and read from `SSM_<Name>`, so no value can
 * become code. Comment-only lines and the help block are left out of the document: they are for
 * reviewers of sync-nps.ps1, and SSM counts the document against the command's 64 KB.
 */
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { ownedClientSuffix, ownedPolicySuffixes, stagedPolicySuffix } = require("../core/naming-patterns.cjs");
const { npsDocumentParameters, npsParameterNames } = require("./document-parameters.cjs");
const { netshLayout } = require("./netsh-layout.cjs");

/**
 * How long the script may run on one NPS server before SSM kills it (ExecutionTimedOut). The script's
 * own waits (the host lock 120 s, IAS's restart 60 s) fit well inside; shared/core/time-budget.ts
 * restates it (NPS_EXECUTION_TIMEOUT_SECONDS) and a test keeps the two equal.
 */
const timeoutSeconds = "300";

/** A PowerShell single-quoted literal; the values rendered here contain no quote, and the tests hold them to it. */
function quoted(text) {
  if (/['\u2018\u2019\u201a\u201b]/.test(text)) throw new Error(`cannot render ${text} into the NPS script`);
  return `'${text}'`;
}

/** The preamble: what the script must know and TypeScript defines, written once, rendered here. */
const preambleLines = [
  `$script:OwnedClientSuffix = ${quoted(ownedClientSuffix)}`,
  `$script:OwnedPolicySuffixes = @(${Object.values(ownedPolicySuffixes)
    .map(({ kind, suffix }) => `@(${quoted(kind)}, ${quoted(suffix)})`)
    .join(", ")})`,
  `$script:StagedPolicySuffix = ${quoted(stagedPolicySuffix)}`,
  `$script:NetshLayout = @{ ${Object.entries(netshLayout)
    .map(([key, pattern]) => `${key} = ${quoted(pattern)}`)
    .join("; ")} }`,
  `$script:DocumentParameterNames = @(${npsParameterNames.map(quoted).join(", ")})`,
];

/**
 * sync-nps.ps1's code lines as SSM runs them: help block, comment-only and blank lines and each
 * line's indentation removed (the script has no here-string, so indentation carries no meaning).
 * The file is saved without a byte-order mark (a test holds it to that), so none needs removing.
 */
const scriptLines = readFileSync(path.join(__dirname, "sync-nps.ps1"), "utf8")
  .replace(/^<#[\s\S]*?#>\r?\n/, "")
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));

/** The single invocation line appended after the script: it reads its parameters from the environment. */
const invocationLine = "Invoke-NpsSync";

/** The document content, as AWS::SSM::Document's Content and CreateDocument's Content (JSON) take it. */
const content = {
  schemaVersion: "2.2",
  description:
    "radius-sync: check this NPS server's prerequisites and make radius-sync's RADIUS clients and policies match; the host reads the shared secret from Secrets Manager itself.",
  parameters: JSON.parse(JSON.stringify(npsDocumentParameters)),
  mainSteps: [
    {
      action: "aws:runPowerShellScript",
      name: "SyncNps",
      precondition: { StringEquals: ["platformType", "Windows"] },
      inputs: { timeoutSeconds, runCommand: [...preambleLines, ...scriptLines, invocationLine] },
    },
  ],
};

/** sha256 (hex) of the content's JSON: changes whenever the script or a parameter changes. */
const contentHash = createHash("sha256").update(JSON.stringify(content)).digest("hex");

module.exports = { content, contentHash, invocationLine, preambleLines, quoted, scriptLines };
