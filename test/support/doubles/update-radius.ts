import type { RadiusSettings } from "@aws-sdk/client-directory-service";
import {
  DirectoryServiceClient,
  DisableRadiusCommand,
  EnableRadiusCommand,
} from "@aws-sdk/client-directory-service";
import { callScope } from "../rig/accounts.js";
import { rigClient } from "../rig/rig-clients.js";
import { answer, awsErrorFrom, installInterceptor, type Removable, refusedByMoto } from "./registry.js";

/**
 * Test double for Directory Service `UpdateRadius`, which moto lacks.
 *
 * Answers `UpdateRadius` by applying the request's `RadiusSettings` through moto's own
 * `DisableRadius` + `EnableRadius`, so a later `DescribeDirectories` shows the new settings
 * (moto then reports `RadiusStatus: Completed`; combine with the radius-status double for
 * anything else). It applies them in the caller's account and region (the account moto takes for the
 * call, test/support/rig/accounts.ts), so a hub's UpdateRadius in a member account changes that
 * member's directory only. Unknown directories fail as moto fails them (EntityDoesNotExistException).
 * The two moto calls are the rig's own (straight to moto, see `rigClient`), so the call recorder
 * sees only the `UpdateRadius` the code under test sent. The call itself reaches moto first, so that
 * with IAM enforcement on a caller without `ds:UpdateRadius` is refused (`refusedByMoto`).
 * The settings were checked against AWS's limits before (the proxy's Directory Service rules).
 * Every other call passes through.
 *
 * @example
 * ```ts
 * const updateRadius = installUpdateRadiusDouble();
 * await clients.ds.send(new UpdateRadiusCommand({ DirectoryId, RadiusSettings }));
 * updateRadius.updates; // [{ directoryId, radiusSettings }]
 * ```
 */
export interface UpdateRadiusDouble extends Removable {
  /** Every UpdateRadius applied, in order (settings as sent), with the account and region it acted in. */
  readonly updates: ReadonlyArray<AppliedUpdate>;
}

/** One UpdateRadius the double applied. */
export interface AppliedUpdate {
  directoryId: string;
  radiusSettings: RadiusSettings;
  account: string;
  region: string;
}

/** Installs the {@link UpdateRadiusDouble} on the AWS proxy. */
export function installUpdateRadiusDouble(): UpdateRadiusDouble {
  const updates: AppliedUpdate[] = [];
  const handle = installInterceptor(
    { service: "ds", operation: "UpdateRadius" },
    "update-radius",
    async (call, next) => {
      const refused = await refusedByMoto(next);
      if (refused) return refused;
      const directoryId = String(call.input.DirectoryId);
      const radiusSettings = call.input.RadiusSettings as RadiusSettings;
      const scope = callScope(call);
      const ds = rigClient(DirectoryServiceClient, scope);
      try {
        await ds.send(new DisableRadiusCommand({ DirectoryId: directoryId }));
        await ds.send(new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radiusSettings }));
      } catch (error) {
        return awsErrorFrom(call, error);
      }
      updates.push({ directoryId, radiusSettings: structuredClone(radiusSettings), ...scope });
      return answer({});
    },
  );
  return { updates, remove: () => handle.remove() };
}
