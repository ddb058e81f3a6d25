import * as z from "zod";
import { type NpsPolicyRole, npsPolicyName, ownedNpsClientPattern } from "./naming.js";
import { ownedPolicySuffixes } from "./naming-patterns.cjs";

/**
 * The NPS policies radius-sync wants, as data: TypeScript decides every condition and setting here,
 * the script (sync-nps.ps1) only compares them with what `netsh nps show` reports and applies the
 * difference with `netsh nps add|delete crp|np`, and the NPS model double applies the very same
 * rendering. Attributes are named by their language-independent ids, never by display text.
 *
 * Sources for every id and value:
 * - condition ids: "NPS Network Policy Condition Attributes", learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2008-r2-and-2008/cc770736(v=ws.10)
 *   (Client-Friendly-Name 0x1020, Windows-User-Groups 0x1fb5; the connection request policy
 *   conditions list, cc771221, has Client-Friendly-Name too);
 * - profile ids: "NPS Connection Request Policy Profile Attributes", cc731924 (Auth-Provider-Type
 *   0x1025), and "NPS Network Policy Profile Attributes", cc771858 (Ignore-User-Dialin-Properties
 *   0x1005, NP-Authentication-Type 0x1009, NP-Allow-Dial-in 0x100f);
 * - values: Auth-Provider-Type None (0) / Windows (1), learn.microsoft.com/windows/win32/nps/sdo-auth-provider-type;
 *   NP-Authentication-Type IAS_AUTH_PAP (1) / IAS_AUTH_MSCHAP2 (4), learn.microsoft.com/windows/win32/nps/sdo-np-authentication-type;
 * - netsh syntax (`add crp|np name= state= processingorder= conditionid= conditiondata= profileid=
 *   profiledata=`): "Connection Request Policy Commands" (cc732464) and "Network Policy Commands" (cc755242).
 */
export const NpsAttributeId = {
  clientFriendlyName: "0x1020",
  windowsUserGroups: "0x1fb5",
  authProviderType: "0x1025",
  ignoreUserDialinProperties: "0x1005",
  authenticationType: "0x1009",
  allowDialIn: "0x100f",
} as const;

/** Auth-Provider-Type values: None = accept users without validating credentials; Windows = authenticate against AD. */
export const AuthProviderType = { none: "0x0", windows: "0x1" } as const;

/** NP-Authentication-Type values of the two protocols Directory Service offers that NPS can check. */
export const NpsAuthenticationType = { PAP: "0x1", "MS-CHAPv2": "0x4" } as const;

/**
 * Placeholder for the AD group's SID when the configuration names the group as DOMAIN\Name: only
 * the NPS host can translate a name into a SID (against its own domain), so the script replaces a
 * condition value that is exactly this token with the SID it resolved from the AdGroup parameter.
 */
export const adGroupSidPlaceholder = "AD-GROUP-SID";

/**
 * One condition or profile attribute: its id (`0x…`, from {@link NpsAttributeId}) and its value(s)
 * as netsh takes them. A type, not a schema: every policy is built here from constants, never parsed.
 */
export type NpsAttribute = [id: string, value: string];

/** One policy as the script and the model apply it (always enabled). */
export interface NpsPolicy {
  kind: "crp" | "np";
  name: string;
  /** netsh `processingorder`: 1 is evaluated first. */
  order: number;
  conditions: NpsAttribute[];
  /** A multi-valued attribute appears once per value. */
  profile: NpsAttribute[];
}

/** The access modes: see {@link planNpsPolicies}. */
export const NpsAccessMode = z.enum(["push", "group"]);
export type NpsAccessMode = z.infer<typeof NpsAccessMode>;

/**
 * The policies of one access mode, each matching only radius-sync's clients (Client-Friendly-Name
 * matches exactly the names radius-sync owns), at the top of its list so that it decides for our
 * clients and for nobody else:
 *
 * - `push`: one connection request policy that accepts without validating credentials
 *   (Auth-Provider-Type None). NPS then "immediately sends an Access-Accept" after the Azure MFA
 *   extension's check and evaluates no network policy, so none is created (a network policy here
 *   would never be evaluated). The AD group is not checked by NPS in this mode.
 * - `group`: the connection request policy authenticates against AD (Windows); a network policy
 *   admits our clients' requests from members of the AD group, with the configured protocol only,
 *   ignoring user dial-in properties; a second one right after it denies every other request from
 *   our clients, so no later policy of someone else can admit a non-member through our clients.
 *
 * @example
 * ```ts
 * planNpsPolicies({ namePrefix: "radius-sync", accessMode: "push", protocol: "PAP", adGroup: "" });
 * // [{ kind: "crp", name: "radius-sync-crp", order: 1, conditions: [["0x1020", "^radius-sync-d-…$"]], profile: [["0x1025", "0x0"]] }]
 * ```
 */
export function planNpsPolicies(options: {
  namePrefix: string;
  accessMode: NpsAccessMode;
  protocol: keyof typeof NpsAuthenticationType;
  /** A SID, or DOMAIN\Name (resolved on the host); unused in push mode. */
  adGroup: string;
}): NpsPolicy[] {
  const { namePrefix } = options;
  const ours: NpsAttribute = [NpsAttributeId.clientFriendlyName, ownedNpsClientPattern(namePrefix)];
  const policy = (
    role: NpsPolicyRole,
    order: number,
    conditions: NpsAttribute[],
    profile: NpsAttribute[],
  ): NpsPolicy => ({
    kind: ownedPolicySuffixes[role].kind,
    name: npsPolicyName(namePrefix, role),
    order,
    conditions,
    profile,
  });
  if (options.accessMode === "push") {
    return [
      policy("connectionRequest", 1, [ours], [[NpsAttributeId.authProviderType, AuthProviderType.none]]),
    ];
  }
  const groupSid = /^S-1-/.test(options.adGroup) ? options.adGroup : adGroupSidPlaceholder;
  const grant: NpsAttribute[] = [
    [NpsAttributeId.allowDialIn, "TRUE"],
    [NpsAttributeId.ignoreUserDialinProperties, "TRUE"],
  ];
  return [
    policy("connectionRequest", 1, [ours], [[NpsAttributeId.authProviderType, AuthProviderType.windows]]),
    policy(
      "networkAllow",
      1,
      [ours, [NpsAttributeId.windowsUserGroups, groupSid]],
      [...grant, [NpsAttributeId.authenticationType, NpsAuthenticationType[options.protocol]]],
    ),
    policy(
      "networkDeny",
      2,
      [ours],
      [
        [NpsAttributeId.allowDialIn, "FALSE"],
        [NpsAttributeId.ignoreUserDialinProperties, "TRUE"],
      ],
    ),
  ];
}

/**
 * Every policy name radius-sync may own under `namePrefix`, with its netsh context: the script
 * removes those of ours that the current mode does not want, and touches no other name.
 *
 * @example
 * ```ts
 * ownedNpsPolicyNames("radius-sync"); // [{ kind: "crp", name: "radius-sync-crp" }, { kind: "np", name: "radius-sync-np" }, …]
 * ```
 */
export function ownedNpsPolicyNames(namePrefix: string): Array<{ kind: "crp" | "np"; name: string }> {
  return (Object.keys(ownedPolicySuffixes) as NpsPolicyRole[]).map((role) => ({
    kind: ownedPolicySuffixes[role].kind,
    name: npsPolicyName(namePrefix, role),
  }));
}

/**
 * The Policies document parameter: the policies as compact JSON, in the order they are applied
 * (connection request policies first, each list by processing order).
 *
 * @example
 * ```ts
 * renderNpsPolicies(planNpsPolicies({ … })); // '[{"kind":"crp","name":"radius-sync-crp",…}]'
 * ```
 */
export function renderNpsPolicies(policies: readonly NpsPolicy[]): string {
  const rank = (policy: NpsPolicy) => (policy.kind === "crp" ? 0 : 1) * 1_000_000 + policy.order;
  return JSON.stringify([...policies].sort((left, right) => rank(left) - rank(right)));
}
