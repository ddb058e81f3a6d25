import { describeRadiusTargets } from "../aws/directory-service.js";
import { describeSharedSecret } from "../aws/secrets.js";
import { readAppliedRecords } from "../aws/state-table.js";
import type { Config } from "../config.js";
import { planRollback, type RotationServer } from "../core/rotation.js";
import { cancelRotation } from "./rotation.js";
import { type BaseRadiusSettings, type ResolvedPhase, resolvePhases } from "./rotation-phases.js";

/** What a rotation covers, as plan-step's Work.rotation carries it. */
export interface RotationScope {
  servers: RotationServer[];
  directoryIds: string[];
  settings: BaseRadiusSettings;
}

/** The rotation's secret versions, as StartRotation returned them. */
export interface RotationVersions {
  arn: string;
  currentVersionId: string;
  pendingVersionId: string;
}

/**
 * The phases that bring every NPS server and directory back to AWSCURRENT.
 *
 * @example
 * ```ts
 * const { phases } = await planRollbackPhases({ scope: work.rotation, rotation });
 * ```
 */
export async function planRollbackPhases(options: {
  scope: RotationScope;
  rotation: RotationVersions;
}): Promise<{ phases: ResolvedPhase[]; currentVersionId: string }> {
  const { scope, rotation } = options;
  // Whatever holds AWSCURRENT now is what every side must hold: if the rotation failed after
  // AWSCURRENT moved, "rolling back" means finishing the move on every side.
  const secret = await describeSharedSecret(rotation.arn);
  const currentVersionId = secret.exists ? secret.currentVersionId : rotation.currentVersionId;
  const plan = planRollback({ servers: scope.servers, directoryIds: scope.directoryIds });
  return {
    currentVersionId,
    phases: resolvePhases(plan.phases, {
      currentVersionId,
      pendingVersionId: rotation.pendingVersionId,
      directoryIds: scope.directoryIds,
      settings: scope.settings,
    }),
  };
}

/**
 * After a successful rollback: removes AWSPENDING and returns the original error with the
 * rollback's outcome appended, for the execution's failure.
 *
 * @example
 * ```ts
 * const error = await concludeRollback({ rotation, error: { Error: "RadiusUpdateFailed", Cause: "…" }, scope });
 * ```
 */
export async function concludeRollback(options: {
  rotation: RotationVersions;
  restoredVersionId: string;
  error: { Error: string; Cause?: unknown };
  scope: RotationScope;
}): Promise<{ Error: string; Cause: string }> {
  const { rotation, error, scope } = options;
  await cancelRotation({ arn: rotation.arn, pendingVersionId: rotation.pendingVersionId });
  const cause = typeof error.Cause === "string" ? error.Cause : JSON.stringify(error.Cause ?? "");
  return {
    Error: error.Error,
    Cause:
      `${cause}; rotation rolled back: ${scope.servers.length} NPS server(s) and ${scope.directoryIds.length} ` +
      `directory(ies) hold AWSCURRENT ${options.restoredVersionId} again, and AWSPENDING ` +
      `${rotation.pendingVersionId} was removed`,
  };
}

/**
 * When the rollback fails too: reads where each side stands now and says so exactly, so an operator
 * (or the next reconcile, which converges everything to AWSCURRENT) can repair it.
 *
 * @example
 * ```ts
 * const failure = await describeRollbackFailure({ config, rotation, error, rollbackError, scope });
 * ```
 */
export async function describeRollbackFailure(options: {
  config: Readonly<Config>;
  rotation?: RotationVersions | undefined;
  error: { Error: string; Cause?: unknown };
  rollbackError: { Error: string; Cause?: unknown };
  scope: RotationScope;
}): Promise<{ Error: "RollbackFailed"; Cause: string }> {
  const { config, scope, error, rollbackError } = options;
  const text = (cause: unknown) => (typeof cause === "string" ? cause : JSON.stringify(cause ?? ""));
  const [secret, directories, records] = await Promise.all([
    describeSharedSecret(config.secret.name),
    describeRadiusTargets(scope.directoryIds),
    readAppliedRecords({
      tableName: config.stateTable,
      directoryIds: scope.directoryIds,
      instanceIds: scope.servers.map((server) => server.instanceId),
    }),
  ]);
  const secretLine = secret.exists
    ? `AWSCURRENT is ${secret.currentVersionId}${secret.pendingVersionId ? `, AWSPENDING ${secret.pendingVersionId} is still labelled` : ""}`
    : "the secret is missing";
  const directoryLines = directories.map(
    (directory) =>
      `directory ${directory.directoryId} points at ${directory.radiusSettings?.servers.join(", ") ?? "no servers"} ` +
      `(RadiusStatus ${directory.radiusStatus ?? "none"}, last recorded secret version ` +
      `${records.directories.get(directory.directoryId)?.secretVersionId ?? "unknown"})`,
  );
  const serverLines = scope.servers.map(
    (server) =>
      `NPS server ${server.instanceId} last recorded secret version ` +
      `${records.npsServers.get(server.instanceId)?.secretVersionId ?? "unknown"}`,
  );
  return {
    Error: "RollbackFailed",
    Cause:
      `rotation failed with ${error.Error}: ${text(error.Cause)}; the rollback failed too with ` +
      `${rollbackError.Error}: ${text(rollbackError.Cause)}. Now: ${[secretLine, ...directoryLines, ...serverLines].join("; ")}. ` +
      "The next reconcile converges every side to AWSCURRENT.",
  };
}
