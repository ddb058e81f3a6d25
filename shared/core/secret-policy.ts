/**
 * The RADIUS shared-secret policy. Problems describe the secret without ever
 * quoting it, so they are safe to log and to put in errors.
 */

/**
 * Characters radius-sync never generates (GetRandomPassword `ExcludeCharacters`):
 * quotes, backtick, `$`, `;`, `&`, `|`, `<`, `>`, `%`, `^`, `!`, backslash and space
 * all mean something to PowerShell, cmd or SSM parameter handling on the NPS host.
 *
 * @example
 * ```ts
 * new GetRandomPasswordCommand({ PasswordLength: 64, ExcludeCharacters: SECRET_EXCLUDED_CHARACTERS });
 * ```
 */
export const SECRET_EXCLUDED_CHARACTERS = "\"'`$;&|<>%^!\\ ";

/** Lengths radius-sync generates: long enough to resist guessing, within Directory Service's 128. */
export const SECRET_LENGTH_RANGE = { min: 22, max: 128 } as const;

/**
 * Directory Service's SharedSecret pattern `^(\p{LD}|\p{Punct}| )+$` in JavaScript:
 * Unicode letters and digits, ASCII punctuation (Java's `\p{Punct}`), and space.
 */
const DIRECTORY_SERVICE_SECRET = /^(?:[\p{L}\p{Nd}]|[!-/:-@[-`{-~]| )+$/u;

/**
 * Checks a shared secret against Directory Service's rules and radius-sync's
 * excluded characters. Returns the problems (empty when the secret is fine); none
 * of them contains the secret or any part of it.
 *
 * @example
 * ```ts
 * validateSharedSecret("short"); // ["is shorter than 8 characters"]
 * validateSharedSecret(value, { minLength: 22, maxLength: 128 }); // []
 * ```
 */
export function validateSharedSecret(
  secret: string,
  options: { minLength?: number; maxLength?: number } = {},
): string[] {
  const { minLength = 8, maxLength = 128 } = options;
  const length = [...secret].length;
  const problems: string[] = [];
  if (length < minLength) problems.push(`is shorter than ${minLength} characters`);
  if (length > maxLength) problems.push(`is longer than ${maxLength} characters`);
  if (length > 0 && !DIRECTORY_SERVICE_SECRET.test(secret)) {
    problems.push(
      "contains characters Directory Service does not accept (only letters, digits, ASCII punctuation and space)",
    );
  }
  if ([...SECRET_EXCLUDED_CHARACTERS].some((character) => secret.includes(character))) {
    problems.push(
      `contains characters radius-sync excludes because they are unsafe on the NPS host (any of ${JSON.stringify(SECRET_EXCLUDED_CHARACTERS)})`,
    );
  }
  return problems;
}

/**
 * Checks a configured length for generated secrets (22–128, whole number).
 *
 * @example
 * ```ts
 * validateSecretLength(64); // []
 * validateSecretLength(16); // ["secret length 16 is below the minimum of 22"]
 * ```
 */
export function validateSecretLength(length: number): string[] {
  if (!Number.isInteger(length)) return [`secret length ${length} is not a whole number`];
  if (length < SECRET_LENGTH_RANGE.min)
    return [`secret length ${length} is below the minimum of ${SECRET_LENGTH_RANGE.min}`];
  if (length > SECRET_LENGTH_RANGE.max)
    return [`secret length ${length} is above the maximum of ${SECRET_LENGTH_RANGE.max}`];
  return [];
}
