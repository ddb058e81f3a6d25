/**
 * The AWS behaviours the proxy always enforces because moto does not (each with its source in the
 * module that implements it). They run for every test, every script and every process; a test
 * cannot switch them off.
 */
import { directoryServiceRules } from "./directory-service-rules.js";
import { ec2Rules } from "./ec2-rules.js";
import type { AwsRule } from "./interceptors.js";
import { runCommandRules } from "./run-command/rules.js";
import { ssmRules } from "./ssm-rules.js";

/**
 * The rules a proxy in front of moto needs to answer as AWS does: SSM Run Command's limits and
 * targets and command filters (`ssm-rules.ts`), Run Command's execution over time — rate controls,
 * delivery and execution timeouts, cancellation (`run-command/`) — Directory Service's RADIUS settings
 * and `EntityAlreadyExistsException` (`directory-service-rules.ts`), and EC2's answer to revoking an
 * absent rule (`ec2-rules.ts`).
 *
 * @example
 * ```ts
 * const proxy = await startAwsProxy({ upstream: moto.endpoint, rules: defaultAwsRules() });
 * ```
 */
export function defaultAwsRules(): AwsRule[] {
  return [...ssmRules(), ...runCommandRules(), ...directoryServiceRules(), ...ec2Rules()];
}
