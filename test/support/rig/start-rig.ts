/**
 * Starts the rig in front of a moto server: the AWS proxy with AWS's rules, recorded as the current
 * proxy, and the environment that points every SDK client of this process (and of the child
 * processes it starts with `process.env`) at the proxy. Used by the `aws` setupFile, `npm start`
 * and `npm run bench`.
 */
import { emulatorEnvironment } from "../environment.js";
import { type AwsProxy, startAwsProxy } from "./aws-proxy.js";
import { defaultAwsRules } from "./aws-rules.js";
import { setCurrentProxy } from "./current-proxy.js";
import { removeAllTestDoubles } from "./interceptors.js";
import { destroyRigClients } from "./rig-clients.js";

/** A started rig; `stop()` takes every double off, closes the rig's clients and the proxy. */
export interface Rig {
  proxy: AwsProxy;
  stop(): Promise<void>;
}

/**
 * Starts the proxy in front of `motoEndpoint` and points `process.env` at it.
 *
 * @example
 * ```ts
 * const rig = await startRig(moto.endpoint);
 * // … run the workflow …
 * await rig.stop();
 * ```
 */
export async function startRig(motoEndpoint: string): Promise<Rig> {
  const proxy = await startAwsProxy({ upstream: motoEndpoint, rules: defaultAwsRules() });
  setCurrentProxy(proxy);
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, emulatorEnvironment(proxy.endpoint));
  return {
    proxy,
    async stop() {
      removeAllTestDoubles();
      destroyRigClients();
      setCurrentProxy(undefined);
      await proxy.stop();
    },
  };
}
