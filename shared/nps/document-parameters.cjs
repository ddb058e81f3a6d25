"use strict";
/**
 * The NPS SSM document's parameters: the single source of every pattern a value must match
 * before it reaches PowerShell. CommonJS with no imports and no fs, because it is bundled into
 * Lambdas (the renderer) and also read by osls while it resolves serverless.yml.
 *
 * Every parameter reaches the script as an ENVIRONMENT VARIABLE (`interpolationType: ENV_VAR`,
 * SSM Agent 3.3.2746.0 or later: "the system creates an environment variable named
 * SSM_parameter-name", docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html),
 * and the document never writes `{{ Name }}`: no value is ever pasted into the script's text, so no
 * value can become code, whatever it contains. An older agent sets no SSM_ variable and the script
 * stops before reading anything ("SsmAgentOutdated"). The patterns are defence in depth and the
 * validation of data: values that do not name an AD group (AdGroup) or carry the rendered policies
 * (Policies) still admit no quote, `$`, backtick, `;`, `&`, `|`, `<`, `>`, braces, parentheses or
 * line break.
 *
 * The same pattern text is compiled by three engines: SSM (Java), PowerShell's [ValidatePattern]
 * (.NET, case-insensitive) and JavaScript (the renderer, the tests). Only syntax that means the
 * same in all three is used: ASCII classes like [0-9] (never \d or \w, which match non-ASCII
 * digits/letters in .NET), negated classes, \xHH escapes, groups, bounded repeats, `^` and `$`.
 * Known difference: in Java and .NET `$` also matches before ONE final line terminator, in
 * JavaScript it does not; the renderer (JavaScript) rejects it, and an environment variable's
 * trailing newline cannot become code, so this is noted, not worked around.
 */

/**
 * Largest number of RADIUS clients one command may carry (directories × connector IPs). SSM counts
 * the document and the parameters of a command together against its 64 KB limit ("This quota also
 * includes the content specified for input parameters at runtime", CreateDocument `Content`); 400
 * clients of a typical 55 characters stay within {@link maxParameterCharacters}, and the renderer
 * refuses a longer set by its characters.
 */
const maxClients = 400;

/** Most characters all parameter values of one command may take together (64 KB minus the document). */
const maxParameterCharacters = 30000;

/**
 * Most characters the Clients list may take, leaving 1,000 for the other parameters. An IPv4 entry
 * takes at most 70 characters (`<24-character prefix>-d-<id>-255-255-255-255=255.255.255.255,`), so
 * {@link maxClients} of them always fit; an IPv6 entry up to 110 (32 hex digits in the name, up to 39
 * characters of address), so an estate of IPv6 sources only fits about 260. The plan refuses a longer
 * list before any change (shared/steps/plan-step.ts).
 */
const maxClientsCharacters = maxParameterCharacters - 1000;

/** One IPv4 octet, 0-255, no leading zeros. */
const ipv4Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
/** A dotted-quad IPv4 address (unanchored), such as 10.0.1.5. */
const ipv4Source = `${ipv4Octet}(\\.${ipv4Octet}){3}`;
/**
 * An IPv6 address in its RFC 5952 form (unanchored): lowercase hex groups of at most four digits and
 * colons, 2 to 39 characters. The shape only: the renderer (shared/core/ipv6.ts) admits just the
 * canonical text of an accepted unicast address; this pattern keeps anything else — a zone, a
 * prefix, a dotted tail, upper case — out of the script whoever sends the command.
 */
const ipv6Source = "[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}";
/** A RADIUS client name (unanchored): a letter, then letters, digits or '-', at most 80. */
const clientNameSource = "[A-Za-z][A-Za-z0-9-]{0,79}";
/** One "name=ip" pair of the Clients list (unanchored): an IPv4 or an IPv6 address. */
const clientSource = `${clientNameSource}=(${ipv4Source}|${ipv6Source})`;
/** A Windows SID such as S-1-5-21-1004336348-1177238915-682003330-1105 (unanchored). */
const sidSource = "S-1-[0-9]{1,14}(-[0-9]{1,10}){1,15}";
/**
 * A domain: its NetBIOS name (1-15 characters) or its DNS name (up to 255), none of \ / : * ? " < > | nor a control character
 * ("Naming conventions in Active Directory for computers, domains, sites, and OUs",
 * learn.microsoft.com/troubleshoot/windows-server/active-directory/naming-conventions-for-computer-domain-site-ou).
 */
const netbiosDomainSource = '[^\\\\/:*?"<>|\\x00-\\x1f\\x7f]{1,255}';
/**
 * A group's pre-Windows 2000 name (sAMAccountName): up to 256 characters, none of
 * " / \ [ ] : ; | = , + * ? < > nor a control character (same article, and the sAMAccountName
 * attribute, learn.microsoft.com/windows/win32/adschema/a-samaccountname).
 */
const groupNameSource = '[^"/\\\\\\[\\]:;|=,+*?<>\\x00-\\x1f\\x7f]{1,256}';

/** The anchored patterns, by what they validate. */
const patterns = Object.freeze({
  ipv4: `^${ipv4Source}$`,
  ipv6: `^${ipv6Source}$`,
  clientName: `^${clientNameSource}$`,
  clients: `^${clientSource}(,${clientSource}){0,${maxClients - 1}}$`,
  secretArn:
    "^arn:aws(-[a-z]+)*:secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$",
  // Version ids are UUIDs (Secrets Manager's own, and radius-sync's ClientRequestToken): a looser
  // "32-64 letters and digits" would also admit a generated secret passed here by mistake.
  secretVersion: "^(AWSCURRENT|AWSPENDING|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
  region: "^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$",
  namePrefix: "^[A-Za-z][A-Za-z0-9-]{0,23}$",
  /** Empty (push mode, or a SID rendered into Policies), a SID, or DOMAIN\\Name. */
  adGroup: `^(${sidSource}|${netbiosDomainSource}\\\\${groupNameSource})?$`,
  sid: `^${sidSource}$`,
  requireMessageAuthenticator: "^(true|false)$",
  /** The rendered policies' JSON: printable ASCII without ' and backtick, as a JSON array. */
  policies: "^\\[[ -&(-_a-~]{0,3998}\\]$",
  nonce: "^([0-9a-f]{32,64})?$",
  /**
   * Which push a command is, in the order pushes are made: the execution's start (UTC, to the
   * millisecond) and the push's ordinal in it. Fixed width, so text order is push order.
   */
  sequence: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z/[0-9]{3}$",
  /** Empty, or IPv4 addresses separated by commas: IP_WHITELIST entries the configuration acknowledges. */
  acknowledgedIpWhitelist: `^(${ipv4Source}(,${ipv4Source}){0,49})?$`,
});

/**
 * The document's parameter definitions, in the order the script's entry function takes them.
 * AdGroup, Nonce and AcknowledgedIpWhitelist are optional (default ""); every other parameter is required. Each one reaches
 * the script as the environment variable SSM_<Name> (interpolationType ENV_VAR), never as text.
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
    description: `The complete list of radius-sync's RADIUS clients as name=ip pairs separated by commas (at most ${maxClients}); each ip IPv4, or IPv6 in RFC 5952 form.`,
    allowedPattern: patterns.clients,
  },
  NamePrefix: {
    type: "String",
    description: "Prefix that marks NPS clients and policies owned by radius-sync; others are never touched.",
    allowedPattern: patterns.namePrefix,
  },
  RequireMessageAuthenticator: {
    type: "String",
    description:
      "true or false: whether our RADIUS clients require the Message-Authenticator attribute (BlastRADIUS, CVE-2024-3596).",
    allowedPattern: patterns.requireMessageAuthenticator,
  },
  Policies: {
    type: "String",
    description:
      "radius-sync's connection request and network policies as JSON (name, order, conditions and profile by attribute id), rendered by shared/core/nps-policies.ts.",
    allowedPattern: patterns.policies,
  },
  AdGroup: {
    type: "String",
    description:
      "Group access mode: the AD group as DOMAIN\\Name, resolved to its SID on the host; empty otherwise.",
    allowedPattern: patterns.adGroup,
    default: "",
  },
  Nonce: {
    type: "String",
    description:
      "Optional hex nonce; when set, the summary carries one HMAC-SHA256 proof, keyed with it, of every client's name, address and configured secret.",
    allowedPattern: patterns.nonce,
    default: "",
  },
  Sequence: {
    type: "String",
    description:
      "Which push this is (execution start, then the push's ordinal): a server refuses a command older than one it already applied.",
    allowedPattern: patterns.sequence,
  },
  AcknowledgedIpWhitelist: {
    type: "String",
    description:
      "IP_WHITELIST entries of the MFA extension that the configuration acknowledges as not Directory Service's (IPv4, comma-separated); any other entry stops the command.",
    allowedPattern: patterns.acknowledgedIpWhitelist,
    default: "",
  },
});

// Every value reaches PowerShell as the environment variable SSM_<Name>, never pasted into the script.
for (const definition of Object.values(npsDocumentParameters)) definition.interpolationType = "ENV_VAR";
Object.values(npsDocumentParameters).forEach(Object.freeze);

/** The parameter names in invocation order. */
const npsParameterNames = Object.freeze(Object.keys(npsDocumentParameters));

module.exports = {
  maxClients,
  maxClientsCharacters,
  maxParameterCharacters,
  patterns,
  npsDocumentParameters,
  npsParameterNames,
};
