"use strict";
/**
 * The NPS SSM document's parameters: the single source of every pattern a value must match
 * before it reaches PowerShell. CommonJS with no imports and no fs, because it is bundled into
 * Lambdas (the renderer) and also read by osls while it resolves serverless.yml.
 *
 * Why the patterns look the way they do:
 * - The document passes each value to PowerShell inside single quotes. No pattern admits a
 *   single quote (nor the Unicode quotes ‘ ’ ‚ ‛ that PowerShell also treats as single
 *   quotes), so no value can end the quoted string. None admits `"`, backtick, `$`, `;`, `&`,
 *   `|`, `<`, `>`, `{`, `}`, `(`, `)` or a line break either, as defence in depth.
 * - The same pattern text is compiled by three engines: SSM (Java), PowerShell's
 *   [ValidatePattern] (.NET, case-insensitive) and JavaScript (the renderer, the tests). Only
 *   syntax that means the same in all three is used: ASCII classes like [0-9] (never \d or \w,
 *   which match non-ASCII digits/letters in .NET), groups, bounded repeats, `^` and `$`.
 *   Known difference: in Java and .NET `$` also matches before ONE final line terminator,
 *   in JavaScript it does not. A trailing newline cannot leave a single-quoted string, and the
 *   renderer (JavaScript) rejects it, so this is noted, not worked around.
 */

/**
 * Largest number of RADIUS clients one command may carry (directories × connector IPs). SSM counts
 * the document (~20 KB) and the parameters of a command together against its 64 KB limit; 500
 * clients of at most 70 characters each stay within {@link maxParameterCharacters}.
 */
const maxClients = 500;

/** Most characters all parameter values of one command may take together (64 KB minus the document). */
const maxParameterCharacters = 40000;

/** One IPv4 octet, 0-255, no leading zeros. */
const ipv4Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
/** A dotted-quad IPv4 address (unanchored), such as 10.0.1.5. */
const ipv4Source = `${ipv4Octet}(\\.${ipv4Octet}){3}`;
/** A RADIUS client name (unanchored): a letter, then letters, digits or '-', at most 80. */
const clientNameSource = "[A-Za-z][A-Za-z0-9-]{0,79}";
/** One "name=ip" pair of the Clients list (unanchored). */
const clientSource = `${clientNameSource}=${ipv4Source}`;

/** The anchored patterns, by what they validate. */
const patterns = Object.freeze({
  ipv4: `^${ipv4Source}$`,
  clientName: `^${clientNameSource}$`,
  clients: `^${clientSource}(,${clientSource}){0,${maxClients - 1}}$`,
  secretArn:
    "^arn:aws(-[a-z]+)*:secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$",
  // Version ids are UUIDs (Secrets Manager's own, and radius-sync's ClientRequestToken): a looser
  // "32-64 letters and digits" would also admit a generated secret passed here by mistake.
  secretVersion: "^(AWSCURRENT|AWSPENDING|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
  region: "^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$",
  namePrefix: "^[A-Za-z][A-Za-z0-9-]{0,23}$",
  adGroup: "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}\\\\[A-Za-z0-9][A-Za-z0-9 ._-]{0,255}$",
  nonce: "^([0-9a-f]{32,64})?$",
});

/**
 * The document's parameter definitions, in the order the script's entry function takes them.
 * Nonce is optional (default ""); every other parameter is required.
 */
const npsDocumentParameters = Object.freeze({
  SecretArn: {
    type: "String",
    description:
      "ARN of the Secrets Manager secret holding the RADIUS shared secret (the host reads it itself).",
    allowedPattern: patterns.secretArn,
  },
  SecretVersion: {
    type: "String",
    description: "Secret version id (a lowercase UUID), or the staging label AWSCURRENT or AWSPENDING.",
    allowedPattern: patterns.secretVersion,
  },
  Region: {
    type: "String",
    description: "AWS Region of the secret, such as eu-west-1.",
    allowedPattern: patterns.region,
  },
  Clients: {
    type: "String",
    description: `The complete list of radius-sync's RADIUS clients as name=ip pairs separated by commas (at most ${maxClients}).`,
    allowedPattern: patterns.clients,
  },
  NamePrefix: {
    type: "String",
    description: "Prefix that marks NPS clients and policies owned by radius-sync; others are never touched.",
    allowedPattern: patterns.namePrefix,
  },
  AdGroup: {
    type: "String",
    description: "The AD group (DOMAIN\\Group) allowed by the network policy.",
    allowedPattern: patterns.adGroup,
  },
  Nonce: {
    type: "String",
    description:
      "Optional hex nonce; when set, the summary carries one HMAC-SHA256 proof, keyed with it, of every client's name, address and configured secret.",
    allowedPattern: patterns.nonce,
    default: "",
  },
});

/** The parameter names in invocation order. */
const npsParameterNames = Object.freeze(Object.keys(npsDocumentParameters));

module.exports = { maxClients, maxParameterCharacters, patterns, npsDocumentParameters, npsParameterNames };
