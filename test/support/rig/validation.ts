/**
 * AWS's model validation, as the services answer it: a request member outside the range, length
 * or pattern its service model declares fails before the service acts, with a `ValidationException`
 * whose message lists every violation ("1 validation error detected: Value '100' at 'maxResults'
 * failed to satisfy constraint: Member must have value less than or equal to 50"). SSM answers so
 * for DescribeInstancePatches' MaxResults (https://github.com/flanksource/config-db/pull/35), and
 * moto reproduces the same text for Directory Service ids (moto/ds/validations.py).
 */
import { type AwsCall, type AwsReply, awsError } from "./aws-call.js";

/** One violated constraint: where (the member path AWS prints), the value, what it must do. */
export interface Violation {
  path: string;
  /** Left out of the message for sensitive members (a shared secret): AWS never echoes those. */
  value?: unknown;
  constraint: string;
}

function shown(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
}

/**
 * The `ValidationException` reply for the violations, or undefined when there are none.
 *
 * @example
 * ```ts
 * const invalid = validationError(call, [{ path: "maxResults", value: 100, constraint: "have value less than or equal to 50" }]);
 * if (invalid) return invalid;
 * ```
 */
export function validationError(
  call: Pick<AwsCall, "service" | "protocol">,
  violations: readonly Violation[],
): AwsReply | undefined {
  if (violations.length === 0) return undefined;
  const count = `${violations.length} validation error${violations.length > 1 ? "s" : ""} detected: `;
  const parts = violations.map(
    (violation) =>
      `Value ${"value" in violation ? `'${shown(violation.value)}' ` : ""}at '${violation.path}' failed to satisfy constraint: Member must ${violation.constraint}`,
  );
  return awsError(call, { code: "ValidationException", message: count + parts.join("; ") });
}

/**
 * A number member against its model range (`min`/`max` of the shape); absent members pass.
 *
 * @example
 * ```ts
 * checkRange("maxResults", input.MaxResults, { min: 5, max: 50 }); // [] or one violation
 * ```
 */
export function checkRange(path: string, value: unknown, range: { min?: number; max?: number }): Violation[] {
  if (value === undefined || value === null) return [];
  const number = Number(value);
  if (range.min !== undefined && number < range.min)
    return [{ path, value, constraint: `have value greater than or equal to ${range.min}` }];
  if (range.max !== undefined && number > range.max)
    return [{ path, value, constraint: `have value less than or equal to ${range.max}` }];
  return [];
}

/**
 * A string's or list's length against its model `min`/`max`; absent members pass.
 *
 * @example
 * ```ts
 * checkLength("instanceIds", input.InstanceIds, { max: 50 });
 * ```
 */
export function checkLength(
  path: string,
  value: unknown,
  range: { min?: number; max?: number },
  options: { sensitive?: boolean } = {},
): Violation[] {
  if (value === undefined || value === null) return [];
  const length = Array.isArray(value) ? value.length : String(value).length;
  const shownValue = options.sensitive ? {} : { value };
  if (range.min !== undefined && length < range.min)
    return [{ path, ...shownValue, constraint: `have length greater than or equal to ${range.min}` }];
  if (range.max !== undefined && length > range.max)
    return [{ path, ...shownValue, constraint: `have length less than or equal to ${range.max}` }];
  return [];
}
