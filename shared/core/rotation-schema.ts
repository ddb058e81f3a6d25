import * as z from "zod";
import { DirectoryId, InstanceId, Ipv4Address, Ipv6Address } from "./model.js";

/**
 * The shapes of a secret rotation plan. Phases name secrets by role ("current" = the version that
 * holds AWSCURRENT when the rotation starts, "pending" = the AWSPENDING version it stages), never
 * by value.
 */

/** How to roll a new secret out: `auto` picks blue-green when there are at least two NPS servers. */
export const RotationStrategy = z.enum(["auto", "in-place", "blue-green"]);
export type RotationStrategy = z.infer<typeof RotationStrategy>;

/** Which of the two secret versions a side holds or is switched to. */
export const SecretRole = z.enum(["current", "pending"]);
export type SecretRole = z.infer<typeof SecretRole>;

/** An NPS server taking part in a rotation. */
export const RotationServer = z.object({
  instanceId: InstanceId,
  ip: Ipv4Address,
  /** Its IPv6 address, carried only when a Dual-stack or IPv6 directory takes part. */
  ipv6: Ipv6Address.optional(),
});
export type RotationServer = z.infer<typeof RotationServer>;

/** Switch these NPS servers' clients to `secret`; they switch one by one. */
export const NpsPhase = z.object({
  kind: z.literal("nps"),
  instanceIds: z.array(z.string()),
  secret: SecretRole,
  /** True when, during this phase, a directory may send a request to a server holding the other secret. */
  mismatch: z.boolean(),
  reason: z.string(),
});
export type NpsPhase = z.infer<typeof NpsPhase>;

/** Point every directory at `servers` (IPs, sorted) with `secret`; until each update completes, old and new settings may both be live. */
export const DirectoriesPhase = z.object({
  kind: z.literal("directories"),
  servers: z.array(z.string()),
  /** The same servers' IPv6 addresses, when they have any (for Dual-stack and IPv6 directories). */
  serversIpv6: z.array(z.string()).optional(),
  secret: SecretRole,
  /** True when, during this phase, a directory may send a request to a server holding the other secret. */
  mismatch: z.boolean(),
  reason: z.string(),
});
export type DirectoriesPhase = z.infer<typeof DirectoriesPhase>;

/** One step of a rotation or rollback; the workflow runs them in order. */
export const RotationPhase = z.discriminatedUnion("kind", [NpsPhase, DirectoriesPhase]);
export type RotationPhase = z.infer<typeof RotationPhase>;

/** The two halves of a blue-green rotation, split by sorted instance id (`a` is the first, larger half). */
export const RotationPools = z.object({ a: z.array(RotationServer), b: z.array(RotationServer) });
export type RotationPools = z.infer<typeof RotationPools>;

/** A rotation: the chosen strategy, the servers and directories it covers, and its phases in order. */
export const RotationPlan = z.object({
  strategy: z.enum(["in-place", "blue-green"]),
  /** The NPS servers, sorted by instance id. */
  servers: z.array(RotationServer),
  /** The directories every directories phase updates, sorted. */
  directoryIds: z.array(DirectoryId),
  pools: RotationPools.optional(),
  phases: z.array(RotationPhase),
  reason: z.string(),
});
export type RotationPlan = z.infer<typeof RotationPlan>;

/** The phases that bring every side back to the current secret after a failed rotation. */
export const RollbackPlan = z.object({
  servers: z.array(RotationServer),
  directoryIds: z.array(DirectoryId),
  phases: z.array(RotationPhase),
  reason: z.string(),
});
export type RollbackPlan = z.infer<typeof RollbackPlan>;

/** What one directory is configured with: the RADIUS servers it sends to and the secret it sends. */
export interface DirectoryConfiguration {
  servers: string[];
  secret: SecretRole;
}

/** Where every side stands: each directory's configuration and each NPS server's secret. */
export interface RotationState {
  directories: Record<string, DirectoryConfiguration>;
  servers: Record<string, SecretRole>;
}

/** One phase as the simulator ran it: the states around it and every mismatch it allows. */
export interface SimulatedPhase {
  phase: RotationPhase;
  before: RotationState;
  after: RotationState;
  mismatch: boolean;
  /** Each way a request can meet the wrong secret during the phase, in words. */
  mismatches: string[];
}
