import * as z from "zod";
import { NetworkType } from "../core/model.js";
import type { DirectoryTargets, WorkflowPhase } from "../core/phases.js";
import { radiusSettingsFingerprint } from "../core/plan.js";
import {
  boundedInteger,
  RADIUS_PORT_RANGE,
  RADIUS_RETRIES_RANGE,
  RADIUS_TIMEOUT_RANGE,
} from "../core/radius-limits.js";
import type { RotationPhase } from "../core/rotation.js";

/** The RADIUS settings every directory gets, apart from the servers a phase chooses. */
export const BaseRadiusSettings = z.object({
  port: boundedInteger(RADIUS_PORT_RANGE),
  protocol: z.enum(["PAP", "MS-CHAPv2"]),
  timeoutSeconds: boundedInteger(RADIUS_TIMEOUT_RANGE),
  retries: boundedInteger(RADIUS_RETRIES_RANGE),
  displayLabel: z.string(),
});
export type BaseRadiusSettings = z.infer<typeof BaseRadiusSettings>;

/** The directories of a rotation that are not IPv4, by network type; absent when all are. */
export const RotationNetworkTypes = z.record(z.string(), NetworkType);

/**
 * Turns a rotation's or rollback's planned phases into the workflow's phases: every directories phase
 * gets the directories and the full settings (its servers, sorted, with the base settings), so the
 * state machine's one phase loop needs no decisions of its own. Secrets stay roles ("current",
 * "pending"); the run's secret versions resolve them.
 *
 * @example
 * ```ts
 * const phases = toWorkflowPhases(plan.phases, { directoryIds, settings });
 * ```
 */
export function toWorkflowPhases(
  phases: readonly RotationPhase[],
  context: {
    directoryIds: readonly string[];
    settings: BaseRadiusSettings;
    /** The directories that are not IPv4, by network type (shared/core/phases.ts). */
    networkTypes?: Readonly<Record<string, NetworkType>> | undefined;
    /** The directories in member targets (shared/core/phases.ts). */
    targets?: Readonly<DirectoryTargets> | undefined;
  },
): WorkflowPhase[] {
  return phases.flatMap((phase): WorkflowPhase[] => {
    if (phase.kind === "nps") return [{ ...phase, instanceIds: [...phase.instanceIds] }];
    // A rotation without directories has nothing to point anywhere: the phase is left out.
    if (context.directoryIds.length === 0) return [];
    const settings = {
      ...context.settings,
      servers: [...phase.servers].sort(),
      ...(phase.serversIpv6 ? { serversIpv6: [...phase.serversIpv6].sort() } : {}),
    };
    const networkTypes = context.networkTypes ?? {};
    const targets = context.targets ?? {};
    return [
      {
        kind: "directories",
        directoryIds: [...context.directoryIds],
        enable: [],
        settings,
        settingsFingerprint: radiusSettingsFingerprint(settings),
        ...(Object.keys(networkTypes).length > 0 ? { networkTypes: { ...networkTypes } } : {}),
        ...(Object.keys(targets).length > 0 ? { targets: { ...targets } } : {}),
        secret: phase.secret,
        mismatch: phase.mismatch,
        reason: phase.reason,
      },
    ];
  });
}
