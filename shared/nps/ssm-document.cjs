"use strict";
/**
 * The NPS Command document (schemaVersion 2.2): sync-nps.ps1's lines, then ONE line that calls
 * Invoke-NpsSync with every document parameter. Used by serverless.yml as
 * `${file(./shared/nps/ssm-document.cjs):content}` (osls 4.3 `require`s the file and reads the
 * `content` property, then parses any `${...}` left in the value, so the script must not contain
 * that sequence; a test checks it), by the tests and by the emulator seed.
 *
 * Each parameter is passed as '{{ Name }}': SSM substitutes the raw value between single quotes.
 * That is safe ONLY because no allowedPattern in document-parameters.cjs admits a quote character
 * (', ‘, ’, ‚, ‛, which all close a PowerShell single-quoted string); the tests prove it.
 */
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { npsDocumentParameters, npsParameterNames } = require("./document-parameters.cjs");

/** How long one NPS server may take before SSM marks the invocation TimedOut. */
const timeoutSeconds = "600";

/** The script's lines as SSM runs them (BOM and trailing blank lines removed). */
const scriptLines = readFileSync(path.join(__dirname, "sync-nps.ps1"), "utf8")
  .replace(/^\uFEFF/, "")
  .replace(/\s+$/, "")
  .split(/\r?\n/);

/** The single invocation line appended after the script. */
const invocationLine = `Invoke-NpsSync ${npsParameterNames.map((name) => `-${name} '{{ ${name} }}'`).join(" ")}`;

/** The document content, as AWS::SSM::Document's Content and CreateDocument's Content (JSON) take it. */
const content = {
  schemaVersion: "2.2",
  description:
    "radius-sync: make this NPS server's radius-sync RADIUS clients and policies match the given list; the host reads the shared secret from Secrets Manager itself.",
  parameters: JSON.parse(JSON.stringify(npsDocumentParameters)),
  mainSteps: [
    {
      action: "aws:runPowerShellScript",
      name: "SyncNps",
      precondition: { StringEquals: ["platformType", "Windows"] },
      inputs: { timeoutSeconds, runCommand: [...scriptLines, invocationLine] },
    },
  ],
};

/** sha256 (hex) of the content's JSON: changes whenever the script or a parameter changes. */
const contentHash = createHash("sha256").update(JSON.stringify(content)).digest("hex");

module.exports = { content, contentHash, invocationLine, scriptLines };
