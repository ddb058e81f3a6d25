import { type AccountScope, callScope, scopedKey, scopeOf } from "../rig/accounts.js";
import { installInterceptor, type Removable } from "./registry.js";

/**
 * Test double for a directory's `Stage` in Directory Service `DescribeDirectories`: moto makes
 * every directory `Active` at once and offers no way to make one `Impaired`, `Inoperable` or
 * `Creating`. The call still goes to moto; only the named directory's stage is replaced, in the
 * account and region it was set for (default: the home account and region).
 *
 * @example
 * ```ts
 * const stages = installDirectoryStageDouble();
 * stages.setStage(directoryId, "Impaired");
 * ```
 */
export interface DirectoryStageDouble extends Removable {
  setStage(directoryId: string, stage: string, scope?: AccountScope): void;
}

/** Installs the {@link DirectoryStageDouble} on the AWS proxy. */
export function installDirectoryStageDouble(): DirectoryStageDouble {
  const stages = new Map<string, string>();
  const handle = installInterceptor(
    { service: "ds", operation: "DescribeDirectories" },
    "directory-stage",
    async (call, next) => {
      const result = await next();
      if (!result.ok) return result;
      for (const description of (result.output.DirectoryDescriptions ?? []) as Array<
        Record<string, unknown>
      >) {
        const stage = stages.get(scopedKey(callScope(call), String(description.DirectoryId)));
        if (stage !== undefined) description.Stage = stage;
      }
      return result;
    },
  );
  return {
    setStage: (directoryId, stage, scope) => void stages.set(scopedKey(scopeOf(scope), directoryId), stage),
    remove: () => handle.remove(),
  };
}
