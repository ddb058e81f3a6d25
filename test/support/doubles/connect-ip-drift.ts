import { type AccountScope, callScope, scopedKey, scopeOf } from "../rig/accounts.js";
import { installInterceptor, type Removable } from "./registry.js";

/**
 * Test double for connector IP drift in Directory Service `DescribeDirectories`, which moto
 * cannot produce: AWS replaces an AD Connector's ENIs (and so its `ConnectIps`) without any
 * API call. The call still goes to moto; for the directories the test names, the answer's
 * `ConnectSettings.ConnectIps` is replaced, in the account and region they were set for (default: the
 * home account and region). Composes with the radius-status double.
 *
 * @example
 * ```ts
 * const drift = installConnectIpDrift();
 * drift.setConnectIps(estate.directory.directoryId, ["10.0.1.77", "10.0.2.88"]);
 * ```
 */
export interface ConnectIpDrift extends Removable {
  /** From now on, DescribeDirectories reports these ConnectIps for the directory. */
  setConnectIps(directoryId: string, connectIps: readonly string[], scope?: AccountScope): void;
  /** Back to moto's own ConnectIps for the directory. */
  clear(directoryId: string, scope?: AccountScope): void;
}

/** Installs the {@link ConnectIpDrift} double on the AWS proxy. */
export function installConnectIpDrift(): ConnectIpDrift {
  const replacements = new Map<string, string[]>();
  const handle = installInterceptor(
    { service: "ds", operation: "DescribeDirectories" },
    "connect-ip-drift",
    async (call, next) => {
      const result = await next();
      if (!result.ok) return result;
      const descriptions = (result.output.DirectoryDescriptions ?? []) as Array<Record<string, unknown>>;
      for (const description of descriptions) {
        const connectIps = replacements.get(scopedKey(callScope(call), String(description.DirectoryId)));
        const connectSettings = description.ConnectSettings as Record<string, unknown> | undefined;
        if (connectIps === undefined || connectSettings === undefined) continue;
        description.ConnectSettings = { ...connectSettings, ConnectIps: [...connectIps] };
      }
      return result;
    },
  );
  return {
    setConnectIps(directoryId, connectIps, scope) {
      replacements.set(scopedKey(scopeOf(scope), directoryId), [...connectIps]);
    },
    clear(directoryId, scope) {
      replacements.delete(scopedKey(scopeOf(scope), directoryId));
    },
    remove: () => handle.remove(),
  };
}
