import type { AwsProxy } from "./aws-proxy.js";

let current: AwsProxy | undefined;

/** Records the AWS proxy that the `aws` setupFile (or `npm start`, or the bench) started. */
export function setCurrentProxy(proxy: AwsProxy | undefined): void {
  current = proxy;
}

/**
 * The AWS proxy of the running test file (or script): its `endpoint` is what every SDK call uses,
 * its `upstream` is moto.
 *
 * @example
 * ```ts
 * spawn(node, [bundle], { env: { ...process.env, AWS_ENDPOINT_URL: currentProxy().endpoint } });
 * ```
 */
export function currentProxy(): AwsProxy {
  if (current === undefined)
    throw new Error(
      "no AWS proxy running: currentProxy() works in the aws test project, npm start and the bench",
    );
  return current;
}
