import { describeSharedSecret } from "../aws/secrets.js";
import { readAppliedRecords } from "../aws/state-table.js";
import type { Config } from "../config.js";
import type { NetworkType } from "../core/model.js";
import { type DirectoryTargets, targetLookup, type WorkflowPhase } from "../core/phases.js";
import { describeRollbackState, rollbackVersionId, rolledBackCause } from "../core/rollback-report.js";
import { planRollback, type RotationServer } from "../core/rotation.js";
import { directoryRecordId } from "../core/targets.js";
import { cancelRotation } from "./rotation.js";
import { type BaseRadiusSettings, toWorkflowPhases } from "./rotation-phases.js";
import { describeDirectoriesIn, recordIdsOf } from "./target-directories.js";

/** What a rotation covers, as plan-step's Work.rotation carries it. */
export interface RotationScope {
  servers: RotationServer[];
  directoryIds: string[];
  settings: BaseRadiusSettings;
  networkTypes?: Record<string, NetworkType> | undefined;
  targets?: DirectoryTargets | undefined;
}

/** The rotation's secret versions, as StartRotation returned them. */
export interface RotationVersions {
  arn: string;
  currentVersionId: string;
  pendingVersionId: string;
}

/**
 * The phases that bring every NPS server and directory back to AWSCURRENT, and the versions they
 * run with: "current" is whatever holds AWSCURRENT now.
 *
 * @example
 * ```ts
 * const { phases, currentVersionId } = await planRollbackPhases({ scope: work.rotation, rotation });
 * ```
 */
export async function planRollbackPhases(options: {
  scope: RotationScope;
  rotation: RotationVersions;
}): Promise<RotationVersions & { phases: WorkflowPhase[] }> {
  const { scope, rotation } = options;
  const secret = await describeSharedSecret(rotation.arn);
  const currentVersionId = rollbackVersionId(secret, rotation.currentVersionId);
  const plan = planRollback({ servers: scope.servers, directoryIds: scope.directoryIds });
  return {
    arn: rotation.arn,
    currentVersionId,
    pendingVersionId: rotation.pendingVersionId,
    phases: toWorkflowPhases(plan.phases, {
      directoryIds: scope.directoryIds,
      settings: scope.settings,
      networkTypes: scope.networkTypes,
      targets: scope.targets,
    }),
  };
}

/**
 * After a successful rollback: removes AWSPENDING and returns the original error with the
 * rollback's outcome appended, for the execution's failure. The original Cause is read as its
 * message: a Lambda failure's Cause is the runtime's JSON error payload, stack trace included.
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
  return {
    Error: error.Error,
    Cause: rolledBackCause({
      cause: error.Cause,
      servers: scope.servers.length,
      directories: scope.directoryIds.length,
      restoredVersionId: options.restoredVersionId,
      pendingVersionId: rotation.pendingVersionId,
    }),
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
  const [secret, directories, read] = await Promise.all([
    describeSharedSecret(config.secret.name),
    describeDirectoriesIn(config, scope.directoryIds, scope.targets),
    readAppliedRecords({
      tableName: config.stateTable,
      directoryIds: recordIdsOf(scope.directoryIds, scope.targets),
      instanceIds: scope.servers.map((server) => server.instanceId),
    }),
  ]);
  // By directory id again, as the report reads them (a member's record is kept under its target).
  const targetOf = targetLookup(scope.targets);
  const byId = new Map(
    scope.directoryIds.flatMap((directoryId) => {
      const record = read.directories.get(directoryRecordId(directoryId, targetOf(directoryId)));
      return record === undefined ? [] : [[directoryId, record] as const];
    }),
  );
  const records = { ...read, directories: byId };
  return describeRollbackState({
    error,
    rollbackError,
    secret,
    directories,
    serverIds: scope.servers.map((server) => server.instanceId),
    records,
  });
}
