import * as z from "zod";
import { isCanonicalIpv6 } from "./ipv6.js";
import { TargetKey } from "./targets.js";

/**
 * The data that flows between the workflow's steps. Zod schemas are the source of
 * truth; the types are inferred from them. Nothing here ever holds the shared secret:
 * only its ARN and version id travel.
 */

/** `d-` followed by ten lowercase hex digits, as AWS Directory Service names directories. */
export const DirectoryId = z.string().regex(/^d-[0-9a-f]{10}$/, "must look like d-0123456789");
/** An EC2 instance / SSM managed-node id. */
export const InstanceId = z.string().regex(/^(i|mi)-[0-9a-f]{8,17}$/, "must look like i-0123456789abcdef0");
/** A dotted-quad IPv4 address with no leading zeros. */
export const Ipv4Address = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/,
    "must be an IPv4 address such as 10.0.1.5",
  );

/**
 * An IPv6 address radius-sync accepts, in its RFC 5952 form (shared/core/ipv6.ts): discovery writes
 * every IPv6 address AWS reports this way, so one address is one string everywhere after it.
 */
export const Ipv6Address = z
  .string()
  .refine(isCanonicalIpv6, "must be a unicast IPv6 address in RFC 5952 form such as 2001:db8::a05");

/** An IPv4 address or an IPv6 address in RFC 5952 form. */
export const IpAddress = z.union([Ipv4Address, Ipv6Address]);

/**
 * A directory's network type (botocore ds/2015-04-16 `NetworkType`: IPv4, Dual-stack, IPv6). Absent
 * on directories created before Directory Service had it, which are IPv4.
 */
export const NetworkType = z.enum(["IPv4", "Dual-stack", "IPv6"]);
export type NetworkType = z.infer<typeof NetworkType>;

/** RADIUS settings as Directory Service reports them (never the secret). */
export const RadiusSettingsView = z.object({
  servers: z.array(z.string()),
  /** `RadiusServersIpv6`, when the directory reports any. */
  serversIpv6: z.array(z.string()).optional(),
  port: z.number().int(),
  timeoutSeconds: z.number().int(),
  retries: z.number().int(),
  protocol: z.string(),
  displayLabel: z.string().optional(),
  useSameUsername: z.boolean().optional(),
});
export type RadiusSettingsView = z.infer<typeof RadiusSettingsView>;

/** One inbound rule of a security group, reduced to what ownership and planning need. */
export const IngressRule = z.object({
  protocol: z.string(),
  fromPort: z.number().int().optional(),
  toPort: z.number().int().optional(),
  cidr: z.string(),
  description: z.string().optional(),
});
export type IngressRule = z.infer<typeof IngressRule>;

/** What radius-sync last applied to a directory (from the state table). */
export const AppliedDirectoryRecord = z.object({
  secretVersionId: z.string(),
  settingsFingerprint: z.string(),
  appliedAt: z.string(),
});
export type AppliedDirectoryRecord = z.infer<typeof AppliedDirectoryRecord>;

/** What radius-sync last applied to an NPS server (from the state table). */
export const AppliedNpsRecord = z.object({
  fingerprint: z.string(),
  secretVersionId: z.string(),
  clients: z.array(z.object({ name: z.string(), ip: z.string() })),
  appliedAt: z.string(),
});
export type AppliedNpsRecord = z.infer<typeof AppliedNpsRecord>;

/** How the last rotation ended (from the state table). */
export const LastRotationRecord = z.object({
  executionId: z.string(),
  status: z.enum(["SUCCEEDED", "ROLLED_BACK", "ROLLBACK_FAILED"]),
  at: z.string(),
  currentVersionId: z.string().optional(),
  error: z.string().optional(),
});
export type LastRotationRecord = z.infer<typeof LastRotationRecord>;

/**
 * A state-table record that exists but fails its schema (or is no JSON): its key and the fields that
 * failed. It is read as absent — the safe reading, which makes the next run apply again — and said so.
 */
export const UnreadableRecord = z.object({ key: z.string(), fields: z.array(z.string()) });
export type UnreadableRecord = z.infer<typeof UnreadableRecord>;

/**
 * A directory registered with WorkSpaces, as DescribeWorkspaceDirectories lists it. Its id is a
 * Directory Service id (`d-…`) or, for WorkSpaces Pools, IAM Identity Center and Microsoft Entra ID
 * directories, a WorkSpaces-only one (`wsd-…`; botocore workspaces/2015-04-08 `DirectoryId` pattern).
 */
export const RegisteredDirectory = z.object({
  directoryId: z.string(),
  /** SIMPLE_AD, AD_CONNECTOR, CUSTOMER_MANAGED or AWS_IAM_IDENTITY_CENTER. */
  directoryType: z.string().optional(),
  /** PERSONAL or POOLS. */
  workspaceType: z.string().optional(),
  /** CUSTOMER_MANAGED, AWS_DIRECTORY_SERVICE or AWS_IAM_IDENTITY_CENTER. */
  userIdentityType: z.string().optional(),
});
export type RegisteredDirectory = z.infer<typeof RegisteredDirectory>;

/** A managed directory as discovery sees it. */
export const DiscoveredDirectory = z.object({
  directoryId: DirectoryId,
  /** The hub's member target it belongs to (`<account>:<region>`); absent for the hub's own directories. */
  target: TargetKey.optional(),
  name: z.string(),
  type: z.string(),
  stage: z.string(),
  /** As Directory Service reports it (any text: the planner refuses a type it does not know); absent means IPv4. */
  networkType: z.string().optional(),
  /**
   * IPs that send RADIUS: ConnectIps (AD Connector) or DnsIpAddrs (Managed Microsoft AD), and for a
   * Dual-stack or IPv6 directory ConnectIpsV6 / DnsIpv6Addrs, IPv6 ones in RFC 5952 form.
   */
  radiusSourceIps: z.array(z.string()),
  securityGroupId: z.string().optional(),
  radiusStatus: z.string().optional(),
  radiusSettings: RadiusSettingsView.optional(),
  /** Inbound rules of the directory's security group on UDP (others are irrelevant). */
  udpIngressRules: z.array(IngressRule),
  applied: AppliedDirectoryRecord.optional(),
});
export type DiscoveredDirectory = z.infer<typeof DiscoveredDirectory>;

/**
 * An inbound rule of an NPS server's security group that admits UDP on the RADIUS port, reduced to
 * its source (an IPv4 range or a security group) and whether radius-sync made it.
 */
export const RadiusSourceRule = z.object({
  cidr: z.string().optional(),
  sourceGroupId: z.string().optional(),
  owned: z.boolean(),
});
export type RadiusSourceRule = z.infer<typeof RadiusSourceRule>;

/** An NPS server's security group with the rules on the RADIUS port. */
export const NpsSecurityGroup = z.object({ groupId: z.string(), radiusRules: z.array(RadiusSourceRule) });
export type NpsSecurityGroup = z.infer<typeof NpsSecurityGroup>;

/** An NPS server as SSM reports it. */
export const DiscoveredNpsServer = z.object({
  instanceId: InstanceId,
  pingStatus: z.string(),
  platformType: z.string(),
  ipAddress: z.string().optional(),
  /** The instance's IPv6 address (EC2, primary network interface), RFC 5952 form; absent when it has none. */
  ipv6Address: z.string().optional(),
  computerName: z.string().optional(),
  /** Its EC2 security groups; absent for a node that is no EC2 instance (nothing to check). */
  securityGroups: z.array(NpsSecurityGroup).optional(),
  applied: AppliedNpsRecord.optional(),
});
export type DiscoveredNpsServer = z.infer<typeof DiscoveredNpsServer>;

/** The shared secret's metadata (never its value). */
export const SecretState = z.discriminatedUnion("exists", [
  z.object({ exists: z.literal(false), name: z.string() }),
  z.object({
    exists: z.literal(true),
    name: z.string(),
    arn: z.string(),
    currentVersionId: z.string(),
    pendingVersionId: z.string().optional(),
    currentVersionCreatedAt: z.string().optional(),
  }),
]);
export type SecretState = z.infer<typeof SecretState>;

/**
 * How discovery went in one member target of a hub: `unreachable` when its role could not be assumed or
 * a call there failed — its directories are then unknown for this run, and the plan holds what was
 * last applied for them instead of removing it.
 */
export const TargetDiscovery = z.object({
  target: TargetKey,
  status: z.enum(["ok", "unreachable"]),
  /** The AWS error's name and what failed, for an unreachable target. */
  error: z.string().optional(),
  message: z.string().optional(),
});
export type TargetDiscovery = z.infer<typeof TargetDiscovery>;

/** Everything discovery found; input to the pure planner. */
export const Discovery = z.object({
  directories: z.array(DiscoveredDirectory),
  /** Directory ids that were asked for (input or allow-list) but not found. */
  missingDirectoryIds: z.array(z.string()),
  /** Directories registered with WorkSpaces but skipped, with why (type not supported, …). */
  skippedDirectories: z.array(z.object({ directoryId: z.string(), reason: z.string() })),
  npsServers: z.array(DiscoveredNpsServer),
  /** Instance ids named in the configuration that SSM does not know. */
  missingNpsInstanceIds: z.array(z.string()),
  secret: SecretState,
  lastRotation: LastRotationRecord.optional(),
  /** State-table records that failed their schema and were read as absent (none when absent). */
  unreadableRecords: z.array(UnreadableRecord).optional(),
  /** A hub's member targets, each with how its discovery went (absent without member targets). */
  targets: z.array(TargetDiscovery).optional(),
});
export type Discovery = z.infer<typeof Discovery>;
