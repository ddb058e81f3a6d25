/** Where in a template something secret-looking sits, and why it looks secret. */
export interface SecretFinding {
  /** JSON path, e.g. `Resources.DiscoverLambdaFunction.Properties.Environment.Variables.X`. */
  readonly path: string;
  readonly reason: string;
}

/** Options for {@link findSecretLookingValues}. */
export interface SecretScanOptions {
  /** Strings that look random but are known not to be secrets (logical ids with hashes, S3 keys). */
  readonly knownValues?: ReadonlySet<string>;
  /** Paths whose subtree is not scanned, each skipped for a reason the caller states. */
  readonly skipPaths?: ReadonlySet<string>;
  /** Property names whose values are random by design and public (e.g. `CodeSha256`). */
  readonly skipKeys?: ReadonlySet<string>;
}

/**
 * Names that only a secret's value would be stored under, and references that would make
 * CloudFormation fetch a secret into the stack (dynamic references resolve into plain properties).
 */
const forbiddenText: ReadonlyArray<[RegExp, string]> = [
  [/sharedsecret/i, "names a RADIUS SharedSecret"],
  [/secretstring|secretbinary|generatesecretstring/i, "names a Secrets Manager secret value"],
  [/\{\{resolve:(secretsmanager|ssm-secure):/i, "is a dynamic reference that resolves a secret"],
  [/^AWS::SecretsManager::/, "is a Secrets Manager resource: the secret must be created by the workflow"],
];

type CharacterClass = "upper" | "lower" | "digit" | "other";

function classOf(character: string): CharacterClass {
  if (/[A-Z]/.test(character)) return "upper";
  if (/[a-z]/.test(character)) return "lower";
  if (/[0-9]/.test(character)) return "digit";
  return "other";
}

/**
 * A token looks generated when it is long, has digits, upper and lower case in real proportions,
 * and switches character class on almost every character. radius-sync's secrets are 22-128
 * characters of letters, digits and punctuation (never quotes or spaces), so splitting on
 * whitespace and quotes keeps them whole. Words glued into identifiers
 * (`ec2:AuthorizeSecurityGroupIngress`), ARN patterns and regular expressions switch class far
 * less often or lack upper case; a random string over that alphabet switches about 3 times in 4.
 */
function looksGenerated(token: string): boolean {
  if (token.length < 20) return false;
  const classes = [...token].map(classOf);
  const share = (wanted: CharacterClass) =>
    classes.filter((found) => found === wanted).length / classes.length;
  const switches = classes.filter((found, index) => index > 0 && found !== classes[index - 1]).length;
  return (
    share("digit") > 0 && share("upper") >= 0.15 && share("lower") >= 0.15 && switches / token.length >= 0.45
  );
}

function scanString(
  value: string,
  path: string,
  options: SecretScanOptions,
  findings: SecretFinding[],
): void {
  for (const [pattern, reason] of forbiddenText) {
    if (pattern.test(value)) findings.push({ path, reason });
  }
  for (const token of value.split(/[\s"'`\\]+/)) {
    if (looksGenerated(token) && !options.knownValues?.has(token)) {
      findings.push({ path, reason: `holds a random-looking ${token.length}-character value` });
    }
  }
}

function scan(value: unknown, path: string, options: SecretScanOptions, findings: SecretFinding[]): void {
  if (options.skipPaths?.has(path)) return;
  if (typeof value === "string") {
    scanString(value, path, options, findings);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      scan(item, `${path}.${index}`, options, findings);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const childPath = path === "" ? key : `${path}.${key}`;
      if (options.skipKeys?.has(key)) continue;
      for (const [pattern, reason] of forbiddenText) {
        if (pattern.test(key)) findings.push({ path: childPath, reason: `key ${reason}` });
      }
      scan(item, childPath, options, findings);
    }
  }
}

/**
 * Walks a CloudFormation template (keys and values) and reports everything that names or
 * resembles a secret value.
 *
 * @example
 * ```ts
 * findSecretLookingValues({ Resources: { A: { Properties: { SharedSecret: "x" } } } });
 * // [{ path: "Resources.A.Properties.SharedSecret", reason: "key names a RADIUS SharedSecret" }]
 * ```
 */
export function findSecretLookingValues(template: unknown, options: SecretScanOptions = {}): SecretFinding[] {
  const findings: SecretFinding[] = [];
  scan(template, "", options, findings);
  return findings;
}
