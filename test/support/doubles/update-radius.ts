import type { RadiusSettings } from "@aws-sdk/client-directory-service";
import {
  DirectoryServiceClient,
  DisableRadiusCommand,
  EnableRadiusCommand,
} from "@aws-sdk/client-directory-service";
import { clients } from "../../../shared/aws/clients.js";
import {
  answer,
  combineRemovables,
  installInterceptor,
  operationName,
  type Removable,
  trackRemovable,
} from "./registry.js";

/**
 * Test double for Directory Service `UpdateRadius`, which moto lacks.
 *
 * Answers `UpdateRadius` by applying the request's `RadiusSettings` through moto's own
 * `DisableRadius` + `EnableRadius`, so a later `DescribeDirectories` shows the new settings
 * (moto then reports `RadiusStatus: Completed`; combine with the radius-status double for
 * anything else). Unknown directories fail as moto fails them (EntityDoesNotExistException).
 * The two moto calls go through a private client, so the call recorder sees only the
 * `UpdateRadius` the code under test sent. Every other call passes through untouched.
 *
 * @example
 * ```ts
 * const updateRadius = installUpdateRadiusDouble();
 * await clients.ds.send(new UpdateRadiusCommand({ DirectoryId, RadiusSettings }));
 * updateRadius.updates; // [{ directoryId, radiusSettings }]
 * ```
 */
export interface UpdateRadiusDouble extends Removable {
  /** Every UpdateRadius applied, in order (settings as sent). */
  readonly updates: ReadonlyArray<{ directoryId: string; radiusSettings: RadiusSettings }>;
}

/** Installs the {@link UpdateRadiusDouble} on `clients.ds`. */
export function installUpdateRadiusDouble(): UpdateRadiusDouble {
  // Created lazily so that it reads the emulator's endpoint from the environment.
  let moto: DirectoryServiceClient | undefined;
  const updates: Array<{ directoryId: string; radiusSettings: RadiusSettings }> = [];
  const handle = installInterceptor(clients.ds, "update-radius", async (args, next, context) => {
    if (operationName(context) !== "UpdateRadius") return next(args);
    const directoryId = String(args.input.DirectoryId);
    const radiusSettings = args.input.RadiusSettings as RadiusSettings;
    moto ??= new DirectoryServiceClient({});
    await moto.send(new DisableRadiusCommand({ DirectoryId: directoryId }));
    await moto.send(new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: radiusSettings }));
    updates.push({ directoryId, radiusSettings: structuredClone(radiusSettings) });
    return answer({});
  });
  const privateClient = trackRemovable(() => moto?.destroy());
  const both = combineRemovables([handle, privateClient]);
  return { updates, remove: () => both.remove() };
}
