import * as z from "zod";
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

/** A rotation or rollback phase with concrete secret version ids, as the phase Map runs it. */
export const ResolvedPhase = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("nps"),
    index: z.number().int(),
    instanceIds: z.array(z.string()),
    secretVersionId: z.string(),
    mismatch: z.boolean(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal("directories"),
    index: z.number().int(),
    directoryIds: z.array(z.string()),
    settings: BaseRadiusSettings.extend({ servers: z.array(z.string()) }),
    settingsFingerprint: z.string(),
    secretVersionId: z.string(),
    mismatch: z.boolean(),
    reason: z.string(),
  }),
]);
export type ResolvedPhase = z.infer<typeof ResolvedPhase>;

/**
 * Turns planned phases ("pending"/"current") into phases with version ids and full settings,
 * so the state machine's phase Map needs no decisions of its own.
 *
 * @example
 * ```ts
 * const phases = resolvePhases(plan.phases, { currentVersionId, pendingVersionId, directoryIds, settings });
 * ```
 */
export function resolvePhases(
  phases: readonly RotationPhase[],
  context: {
    currentVersionId: string;
    pendingVersionId: string;
    directoryIds: readonly string[];
    settings: BaseRadiusSettings;
  },
): ResolvedPhase[] {
  return phases.map((phase, index) => {
    const secretVersionId = phase.secret === "pending" ? context.pendingVersionId : context.currentVersionId;
    if (phase.kind === "nps") {
      return { ...phase, kind: "nps", index, secretVersionId, instanceIds: [...phase.instanceIds] };
    }
    const settings = { ...context.settings, servers: [...phase.servers].sort() };
    return {
      kind: "directories",
      index,
      directoryIds: [...context.directoryIds],
      settings,
      settingsFingerprint: radiusSettingsFingerprint(settings),
      secretVersionId,
      mismatch: phase.mismatch,
      reason: phase.reason,
    };
  });
}
