import * as z from "zod";
import { InvalidInput } from "../errors.js";
import { DirectoryId, InstanceId, NetworkType } from "./model.js";
import { RadiusSettings } from "./plan-schema.js";
import { SecretRole } from "./rotation-schema.js";
import { TargetKey } from "./targets.js";

/**
 * The directories of a hub's member targets: each target (`<account>:<region>`) with the ids of its
 * directories; absent when every directory is the hub's own. By target, not by directory, because the
 * state carries a phase up to three times and a hub has few targets but many directories.
 */
export const DirectoryTargets = z.record(TargetKey, z.array(DirectoryId));
export type DirectoryTargets = z.infer<typeof DirectoryTargets>;

/**
 * The target a directory is in, by {@link DirectoryTargets}: undefined for the hub's own directories.
 *
 * @example
 * ```ts
 * const targetOf = targetLookup({ "111122223333:eu-west-1": ["d-0123456789"] });
 * targetOf("d-0123456789"); // "111122223333:eu-west-1"
 * ```
 */
export function targetLookup(
  targets: Readonly<DirectoryTargets> | undefined,
): (directoryId: string) => string | undefined {
  const byDirectory = new Map<string, string>();
  for (const [target, directoryIds] of Object.entries(targets ?? {})) {
    for (const directoryId of directoryIds) byDirectory.set(directoryId, target);
  }
  return (directoryId) => byDirectory.get(directoryId);
}

/**
 * The phases every run is made of. Reconcile, rotation and rollback are each a list of phases that
 * the state machine runs through the same states (one loop): apply security-group rules; push a
 * secret version to NPS servers and wait for them; point directories at servers with a secret
 * version and wait for them. Phases name the secret by role, as rotation plans do; the run's
 * {@link PhaseSecret} says which version each role is.
 */

const described = { mismatch: z.boolean(), reason: z.string() };

/** Apply the plan's security-group rule changes (reconcile only); nothing to wait for. */
export const SecurityGroupsPhase = z.object({ kind: z.literal("securityGroups"), ...described });
export type SecurityGroupsPhase = z.infer<typeof SecurityGroupsPhase>;

/** Push the NPS configuration with the `secret` version to these servers, then wait for each. */
export const NpsPushPhase = z.object({
  kind: z.literal("nps"),
  /** The servers, in the order SSM runs the command on them: one at a time. */
  instanceIds: z.array(InstanceId).min(1),
  /**
   * The servers the plan knows need a change; absent when all do. A change a server reports outside
   * this list is a repair of a hand edit, reported as a change of the run.
   */
  planned: z.array(InstanceId).optional(),
  secret: SecretRole,
  ...described,
});
export type NpsPushPhase = z.infer<typeof NpsPushPhase>;

/** Point these directories at `settings.servers` with the `secret` version, then wait for each. */
export const DirectoryUpdatePhase = z.object({
  kind: z.literal("directories"),
  directoryIds: z.array(DirectoryId).min(1),
  /** The directories without RADIUS yet (EnableRadius); the others are updated (UpdateRadius). */
  enable: z.array(DirectoryId),
  settings: RadiusSettings,
  settingsFingerprint: z.string(),
  /**
   * The directories that are not IPv4, by network type; each gets the server lists its type wants
   * (shared/core/radius-servers.ts). Absent when every directory is IPv4.
   */
  networkTypes: z.record(DirectoryId, NetworkType).optional(),
  /** The directories in member targets (reached with the member role there); absent when none are. */
  targets: DirectoryTargets.optional(),
  secret: SecretRole,
  ...described,
});
export type DirectoryUpdatePhase = z.infer<typeof DirectoryUpdatePhase>;

/** One phase of a run. */
export const WorkflowPhase = z.discriminatedUnion("kind", [
  SecurityGroupsPhase,
  NpsPushPhase,
  DirectoryUpdatePhase,
]);
export type WorkflowPhase = z.infer<typeof WorkflowPhase>;

/** Which version each secret role of a run's phases is (never the secret itself). */
export const PhaseSecret = z.object({
  arn: z.string().min(1),
  currentVersionId: z.string().min(1),
  pendingVersionId: z.string().min(1).optional(),
});
export type PhaseSecret = z.infer<typeof PhaseSecret>;

/** One server's part of an NPS push: its command and the nonce its proof is keyed with. */
export const NpsTarget = z.object({ instanceId: z.string(), commandId: z.string(), nonce: z.string() });
export type NpsTarget = z.infer<typeof NpsTarget>;

/**
 * Where the running phase stands, as the state machine carries it between its Tasks: `start` (nothing
 * sent yet), `continue` (a chunk was started, more to start), `pending` (everything started; waiting
 * for `pending`), `done`.
 */
export const PhaseProgress = z.object({
  status: z.enum(["start", "continue", "pending", "done"]),
  /** How many of the phase's items were started (sent, updated, applied). */
  started: z.number().int().min(0),
  /** How many checks were made. */
  attempt: z.number().int().min(0),
  /** The directory or instance ids not yet finished. */
  pending: z.array(z.string()),
  /** An NPS push's commands, by instance. */
  targets: z.array(NpsTarget).optional(),
  /** NPS servers outside the phase's `planned` list that reported a change (a hand edit repaired). */
  repaired: z.number().int().min(0).optional(),
  /**
   * An NPS push the check gave up on: at which check, and why. What was still running was cancelled;
   * the phase then waits until it has ended before it fails, so nothing outlives its wait.
   */
  givenUp: z.object({ attempt: z.number().int().min(1), reason: z.string() }).optional(),
  /**
   * A reconcile's directories in member targets whose role refused the change (the call denied, or the
   * role not assumable): left out of the wait, so every other directory is still changed; the phase
   * then fails with TargetUnreachable naming them.
   */
  refused: z.array(z.object({ directoryId: z.string(), target: TargetKey, error: z.string() })).optional(),
});
export type PhaseProgress = z.infer<typeof PhaseProgress>;

/**
 * The version a phase's secret role stands for.
 *
 * @throws {InvalidInput} when the phase wants the pending version and the run has none.
 *
 * @example
 * ```ts
 * secretVersionFor({ arn, currentVersionId: "v1", pendingVersionId: "v2" }, "pending"); // "v2"
 * ```
 */
export function secretVersionFor(secret: PhaseSecret, role: SecretRole): string {
  if (role === "current") return secret.currentVersionId;
  if (secret.pendingVersionId === undefined) {
    throw new InvalidInput(
      `a phase wants the pending secret version, but ${secret.arn} has none in this run`,
    );
  }
  return secret.pendingVersionId;
}

/**
 * The next chunk of a phase's items to start, and the progress once it has been: `continue` while
 * items remain, else `pending` on everything to wait for (or `done` when nothing is waited for).
 *
 * @example
 * ```ts
 * const { chunk, after } = nextChunk({ items: directoryIds, progress, size: 25, waitFor: directoryIds });
 * ```
 */
export function nextChunk<Item>(options: {
  items: readonly Item[];
  progress: PhaseProgress;
  size: number;
  waitFor?: readonly string[];
}): { chunk: Item[]; after: PhaseProgress } {
  const { items, progress, size } = options;
  const chunk = items.slice(progress.started, progress.started + size);
  const started = progress.started + chunk.length;
  if (started < items.length) return { chunk, after: { ...progress, status: "continue", started } };
  const pending = [...(options.waitFor ?? [])];
  return { chunk, after: { ...progress, status: pending.length > 0 ? "pending" : "done", started, pending } };
}
