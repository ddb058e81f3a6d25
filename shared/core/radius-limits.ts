import * as z from "zod";

/**
 * The ranges Directory Service accepts in `RadiusSettings`, from its service model (botocore
 * `ds/2015-04-16/service-2.json`): `PortNumber` 1025–65535, `RadiusTimeout` 1–50, `RadiusRetries`
 * 0–10. A value outside them makes EnableRadius/UpdateRadius fail half-way through a run, so the
 * configuration and every schema that carries directory settings refuse it up front.
 *
 * @example
 * ```ts
 * RADIUS_PORT_RANGE.min; // 1025
 * ```
 */
export const RADIUS_PORT_RANGE = { min: 1025, max: 65535 } as const;

/** Directory Service's `RadiusTimeout` range, in seconds. See {@link RADIUS_PORT_RANGE}. */
export const RADIUS_TIMEOUT_RANGE = { min: 1, max: 50 } as const;

/** Directory Service's `RadiusRetries` range. See {@link RADIUS_PORT_RANGE}. */
export const RADIUS_RETRIES_RANGE = { min: 0, max: 10 } as const;

/**
 * A whole number within one of the ranges above, with a message that names the range.
 *
 * @example
 * ```ts
 * const port = boundedInteger(RADIUS_PORT_RANGE);
 * port.safeParse(1812).success; // true
 * port.safeParse(1024).success; // false: "must be at least 1025"
 * ```
 */
export function boundedInteger(range: { readonly min: number; readonly max: number }) {
  return z
    .number()
    .int("must be a whole number")
    .min(range.min, `must be at least ${range.min}`)
    .max(range.max, `must be at most ${range.max}`);
}
