"use strict";
/**
 * The NPS health-check Command document (schemaVersion 2.2): read-only, separate from the sync
 * document (which is near its share of SSM's 64 KB per command). Rendered like it
 * (ssm-document.cjs): a preamble from the single sources of which names radius-sync owns, then
 * health-nps.ps1's code lines, then ONE line that calls Invoke-NpsHealth. Parameters reach the script
 * as environment variables (interpolationType ENV_VAR), never as text. Used by serverless.yml as
 * `${file(./shared/nps/health-document.cjs):content}`, by the tests and the host double.
 */
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { ownedClientSuffix, ownedPolicySuffixes } = require("../core/naming-patterns.cjs");
const { patterns } = require("./document-parameters.cjs");
const { quoted } = require("./ssm-document.cjs");

/** How long the check may run on one server; it only reads, so a minute is ample. */
const timeoutSeconds = "120";

/** A whole-second UTC instant. */
const instant = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$";

/** The document's parameters (all required). */
const healthDocumentParameters = Object.freeze({
  NamePrefix: {
    type: "String",
    description: "Prefix that marks NPS clients and policies owned by radius-sync.",
    allowedPattern: patterns.namePrefix,
    interpolationType: "ENV_VAR",
  },
  Since: {
    type: "String",
    description: "UTC time (yyyy-MM-ddTHH:mm:ssZ) from which MFA outcomes are counted: the previous check.",
    allowedPattern: instant,
    interpolationType: "ENV_VAR",
  },
  Until: {
    type: "String",
    description:
      "UTC time (yyyy-MM-ddTHH:mm:ssZ) up to which MFA outcomes are counted: the next check starts there.",
    allowedPattern: instant,
    interpolationType: "ENV_VAR",
  },
});

const preambleLines = [
  `$script:OwnedClientSuffix = ${quoted(ownedClientSuffix)}`,
  `$script:OwnedPolicySuffixes = @(${Object.values(ownedPolicySuffixes)
    .map(({ kind, suffix }) => `@(${quoted(kind)}, ${quoted(suffix)})`)
    .join(", ")})`,
];

/** health-nps.ps1's code lines: help block, comment-only and blank lines and indentation removed. */
const scriptLines = readFileSync(path.join(__dirname, "health-nps.ps1"), "utf8")
  .replace(/^<#[\s\S]*?#>\r?\n/, "")
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));

const invocationLine = "Invoke-NpsHealth";

const content = {
  schemaVersion: "2.2",
  description:
    "radius-sync: read-only health check of this NPS server (MFA extension, certificates, settings, outcome counts); changes nothing.",
  parameters: JSON.parse(JSON.stringify(healthDocumentParameters)),
  mainSteps: [
    {
      action: "aws:runPowerShellScript",
      name: "CheckNpsHealth",
      precondition: { StringEquals: ["platformType", "Windows"] },
      inputs: { timeoutSeconds, runCommand: [...preambleLines, ...scriptLines, invocationLine] },
    },
  ],
};

module.exports = { content, healthDocumentParameters, invocationLine, preambleLines, scriptLines };
