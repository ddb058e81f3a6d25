import { installInterceptor, type Removable } from "./registry.js";

/**
 * Test double for a directory's `Stage` in Directory Service `DescribeDirectories`: moto makes
 * every directory `Active` at once and offers no way to make one `Impaired`, `Inoperable` or
 * `Creating`. The call still goes to moto; only the named directory's stage is replaced.
 *
 * @example
 * ```ts
 * const stages = installDirectoryStageDouble();
 * stages.setStage(directoryId, "Impaired");
 * ```
 */
export interface DirectoryStageDouble extends Removable {
  setStage(directoryId: string, stage: string): void;
}

/** Installs the {@link DirectoryStageDouble} on the AWS proxy. */
export function installDirectoryStageDouble(): DirectoryStageDouble {
  const stages = new Map<string, string>();
  const handle = installInterceptor(
    { service: "ds", operation: "DescribeDirectories" },
    "directory-stage",
    async (_call, next) => {
      const result = await next();
      if (!result.ok) return result;
      for (const description of (result.output.DirectoryDescriptions ?? []) as Array<
        Record<string, unknown>
      >) {
        const stage = stages.get(String(description.DirectoryId));
        if (stage !== undefined) description.Stage = stage;
      }
      return result;
    },
  );
  return {
    setStage: (directoryId, stage) => void stages.set(directoryId, stage),
    remove: () => handle.remove(),
  };
}
