/**
 * Orders strings by UTF-16 code units, the same everywhere (no locale), so plans
 * and fingerprints are identical on every machine. A consistent comparator, as
 * Array.prototype.sort requires: negative, zero or positive as `left` is less than,
 * equal to or greater than `right` (with any other answer the order is the engine's).
 *
 * @example
 * ```ts
 * ["d-b", "d-a"].sort(compareText); // ["d-a", "d-b"]
 * ```
 */
export function compareText(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

/**
 * The distinct values of a list, sorted with {@link compareText}.
 *
 * @example
 * ```ts
 * sortedUnique(["10.0.2.7", "10.0.1.5", "10.0.2.7"]); // ["10.0.1.5", "10.0.2.7"]
 * ```
 */
export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareText);
}
