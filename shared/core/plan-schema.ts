import * as z from "zod";
import { DirectoryId, InstanceId, IpAddress, Ipv4Address, Ipv6Address, NetworkType } from "./model.js";
import { isHostCidr } from "./naming.js";
import {
  boundedInteger,
  RADIUS_PORT_RANGE,
  RADIUS_RETRIES_RANGE,
  RADIUS_TIMEOUT_RANGE,
} from "./radius-limits.js";
import { TargetKey } from "./targets.js";

/**
 * The plan's schemas. Handlers parse a plan with {@link Plan} when it comes back
 * from Step Functions state; the types are inferred from the schemas.
 */

/**
 * What radius-sync should make true, from the deployment's configuration. A type, not a schema: it
 * is built from the configuration (shared/config.ts), which has validated every value already, and
 * never parsed from outside.
 */
export interface DesiredSettings {
  /** Marks what radius-sync owns: NPS client names, security-group rule descriptions. */
  namePrefix: string;
  radius: {
    port: number;
    protocol: "PAP" | "MS-CHAPv2";
    timeoutSeconds: number;
    retries: number;
    displayLabel: string;
  };
  nps: {
    /** push: the MFA extension alone decides; group: NPS admits only the AD group's members. */
    accessMode: "push" | "group";
    /** The AD group (SID or DOMAIN\Name) the group mode's network policy admits; empty in push mode. */
    adGroup: string;
    requireMessageAuthenticator: boolean;
    /** Add the missing RADIUS rules to the NPS servers' security groups instead of reporting them. */
    manageSecurityGroup: boolean;
  };
}

/** One host as a CIDR, the only source shapes radius-sync allows: an IPv4 /32 or an RFC 5952 IPv6 /128. */
export const HostCidr = z
  .string()
  .refine(
    (cidr) => isHostCidr(cidr) && (cidr.endsWith("/32") || Ipv6Address.safeParse(cidr.slice(0, -4)).success),
    "must be an IPv4 /32 such as 10.0.2.7/32 or an IPv6 /128 such as 2001:db8::7/128",
  );

/** The secret step: create the shared secret, or keep the current version. */
export const SecretAction = z.discriminatedUnion("action", [
  z.object({ action: z.literal("create"), name: z.string(), reason: z.string() }),
  z.object({ action: z.literal("keep"), arn: z.string(), versionId: z.string(), reason: z.string() }),
]);
export type SecretAction = z.infer<typeof SecretAction>;

/**
 * One ingress rule to add to or remove from a directory's security group, or (with `instanceId`) an
 * NPS server's security group, for the RADIUS sources of `directoryId`.
 */
export const SecurityGroupRuleAction = z.object({
  action: z.enum(["authorize", "revoke"]),
  directoryId: DirectoryId,
  /** The member target the group is in (a directory's group there); absent in the hub's own account. */
  target: TargetKey.optional(),
  groupId: z.string().min(1),
  /** Set when the group is an NPS server's (manageNpsSecurityGroup). */
  instanceId: InstanceId.optional(),
  protocol: z.literal("udp"),
  port: z.number().int().min(0).max(65535),
  cidr: HostCidr,
  description: z.string(),
  reason: z.string(),
});
export type SecurityGroupRuleAction = z.infer<typeof SecurityGroupRuleAction>;

/** An NPS RADIUS client as recorded after a push: its name and address. */
export const NpsClientRef = z.object({ name: z.string(), ip: IpAddress });
export type NpsClientRef = z.infer<typeof NpsClientRef>;

/** One NPS RADIUS client radius-sync wants: one per directory source IP. */
export const NpsClient = NpsClientRef.extend({ directoryId: DirectoryId, target: TargetKey.optional() });
export type NpsClient = z.infer<typeof NpsClient>;

/** What changes on one NPS server, relative to radius-sync's record of its last push. */
export const NpsServerAction = z.object({
  instanceId: InstanceId,
  ipAddress: Ipv4Address,
  /** Its IPv6 address, when it has one (what Dual-stack and IPv6 directories are pointed at). */
  ipv6Address: Ipv6Address.optional(),
  action: z.enum(["push", "none"]),
  clientChanges: z.object({
    create: z.array(NpsClientRef),
    update: z.array(NpsClientRef),
    remove: z.array(NpsClientRef),
  }),
  reason: z.string(),
});
export type NpsServerAction = z.infer<typeof NpsServerAction>;

/** RADIUS settings radius-sync wants on a directory (the secret travels by ARN + version only). */
export const RadiusSettings = z.object({
  servers: z.array(Ipv4Address),
  /**
   * The same NPS servers' IPv6 addresses (`RadiusServersIpv6`), for Dual-stack and IPv6 directories;
   * absent when no directory of the estate wants them. Which of the two lists a directory gets is
   * decided by its network type (shared/core/radius-servers.ts).
   */
  serversIpv6: z.array(Ipv6Address).optional(),
  port: boundedInteger(RADIUS_PORT_RANGE),
  protocol: z.enum(["PAP", "MS-CHAPv2"]),
  timeoutSeconds: boundedInteger(RADIUS_TIMEOUT_RANGE),
  retries: boundedInteger(RADIUS_RETRIES_RANGE),
  displayLabel: z.string(),
});
export type RadiusSettings = z.infer<typeof RadiusSettings>;

/** What happens to one directory's RADIUS configuration. */
export const DirectoryAction = z.object({
  directoryId: DirectoryId,
  /** The member target the directory is in; absent for the hub's own directories. */
  target: TargetKey.optional(),
  action: z.enum(["enable", "update", "none"]),
  /** Absent for IPv4 directories. */
  networkType: NetworkType.optional(),
  settings: RadiusSettings,
  settingsFingerprint: z.string(),
  reason: z.string(),
});
export type DirectoryAction = z.infer<typeof DirectoryAction>;

/** Something that stops the plan from being applied; `error` is a class name from shared/errors.ts. */
export const PlanProblem = z.object({ error: z.string(), subject: z.string(), message: z.string() });
export type PlanProblem = z.infer<typeof PlanProblem>;

/**
 * Everything one reconcile would change, each entry with its reason. A plan with
 * problems still lists its actions (a dry run shows them); it must not be applied.
 */
export const Plan = z.object({
  secret: SecretAction,
  securityGroupRules: z.array(SecurityGroupRuleAction),
  /** The full desired list of radius-sync's NPS clients, the same for every server. */
  npsClients: z.array(NpsClient),
  npsServers: z.array(NpsServerAction),
  directories: z.array(DirectoryAction),
  problems: z.array(PlanProblem),
  /** Facts worth knowing that need no action (rules someone else owns, skipped directories, …). */
  notes: z.array(z.string()),
  /** Secret create (1) + security-group rules + servers to push + directories to enable or update. */
  changeCount: z.number().int().min(0),
  /** One readable line per action, problem and note. */
  summary: z.array(z.string()),
});
export type Plan = z.infer<typeof Plan>;
