import { type AccountScope, callScope, scopedKey, scopeOf } from "../rig/accounts.js";
import { combineRemovables, installInterceptor, type Removable } from "./registry.js";

/** Values AWS reports in `DirectoryDescription.RadiusStatus`. */
export type RadiusStatus = "Creating" | "Completed" | "Failed";

/**
 * Test double for `RadiusStatus` in Directory Service `DescribeDirectories`, which moto
 * lacks (moto says `Completed` at once, never `Creating` or `Failed`).
 *
 * The call still goes to moto. For a directory the test names, each DescribeDirectories
 * answer that includes it — while moto has RADIUS on for it — takes the next status of the
 * sequence; the last one repeats, so `["Creating"]` means "Creating forever". By default
 * the sequence starts at the next successful `EnableRadius`/`UpdateRadius` for that
 * directory, from any process (as AWS restarts the status on every change), and
 * restarts on each later one; `{ startNow: true }` starts it at once. Composes with
 * connect-ip drift and the UpdateRadius double. A sequence holds in the account and region it was
 * set for (default: the home account and region); changes and looks count per account and region.
 *
 * The latency knob, {@link RadiusStatusDouble.setLatency}, models what AWS does to every directory:
 * `RadiusStatus` stays `Creating` for minutes after each change (EMULATOR-NOTES, "AWS limits"), here
 * for k DescribeDirectories answers that include the directory, then moto's `Completed`. A directory
 * with a sequence of its own follows that sequence instead.
 *
 * @example
 * ```ts
 * const radiusStatus = installRadiusStatusDouble();
 * radiusStatus.setSequence(directoryId, ["Creating", "Creating", "Completed"]);
 * ```
 */
export interface RadiusStatusDouble extends Removable {
  /** The statuses to report for the directory from its next RADIUS change (or now). */
  setSequence(
    directoryId: string,
    statuses: readonly RadiusStatus[],
    options?: { startNow?: boolean },
    scope?: AccountScope,
  ): void;
  /** Back to moto's own status for the directory (or the latency every directory has). */
  clear(directoryId: string, scope?: AccountScope): void;
  /** Every directory without a sequence reports `Creating` for this many looks after each change. */
  setLatency(latency: { creatingPolls: number }): void;
}

interface Sequence {
  statuses: RadiusStatus[];
  armed: boolean;
  next: number;
}

/** Installs the {@link RadiusStatusDouble} on the AWS proxy. */
export function installRadiusStatusDouble(): RadiusStatusDouble {
  const sequences = new Map<string, Sequence>();
  /** Looks since the last change, for directories that follow the latency knob. */
  const sinceChange = new Map<string, number>();
  let latency = 0;

  // Outermost, so that it also sees UpdateRadius calls that the UpdateRadius double answers.
  const watchChanges = installInterceptor(
    { service: "ds", operation: ["EnableRadius", "UpdateRadius"] },
    "radius-status:watch-changes",
    async (call, next) => {
      const reply = await next();
      const directoryId = scopedKey(callScope(call), String(call.input.DirectoryId));
      const sequence = sequences.get(directoryId);
      // A refused change (already enabled, bad settings, an injected fault) starts nothing.
      if (reply.ok && sequence !== undefined) {
        sequence.armed = true;
        sequence.next = 0;
      } else if (reply.ok && latency > 0) {
        sinceChange.set(directoryId, 0);
      }
      return reply;
    },
    "high",
  );

  const overrideStatus = installInterceptor(
    { service: "ds", operation: "DescribeDirectories" },
    "radius-status:override",
    async (call, next) => {
      const reply = await next();
      if (!reply.ok) return reply;
      const descriptions = (reply.output.DirectoryDescriptions ?? []) as Array<Record<string, unknown>>;
      for (const description of descriptions) {
        const directoryId = scopedKey(callScope(call), String(description.DirectoryId));
        const sequence = sequences.get(directoryId);
        // Without RADIUS on, AWS reports no status at all; leave moto's answer alone.
        if (description.RadiusStatus == null) continue;
        if (sequence?.armed) {
          const index = Math.min(sequence.next, sequence.statuses.length - 1);
          description.RadiusStatus = sequence.statuses[index];
          sequence.next += 1;
          continue;
        }
        const looks = sinceChange.get(directoryId);
        if (sequence !== undefined || looks === undefined) continue;
        sinceChange.set(directoryId, looks + 1);
        if (looks < latency) description.RadiusStatus = "Creating";
        else sinceChange.delete(directoryId);
      }
      return reply;
    },
  );

  const both = combineRemovables([watchChanges, overrideStatus]);
  return {
    setSequence(directoryId, statuses, options = {}, scope = undefined) {
      if (statuses.length === 0) throw new Error("a RadiusStatus sequence needs at least one status");
      sequences.set(scopedKey(scopeOf(scope), directoryId), {
        statuses: [...statuses],
        armed: options.startNow === true,
        next: 0,
      });
    },
    clear(directoryId, scope) {
      sequences.delete(scopedKey(scopeOf(scope), directoryId));
    },
    setLatency({ creatingPolls }) {
      latency = creatingPolls;
    },
    remove: () => both.remove(),
  };
}
