import { canonicalIpv6, ipv6Hex, readIpv6 } from "./ipv6.js";
import type { IngressRule } from "./model.js";
import { Ipv4Address } from "./model.js";
import { ownedClientSuffix, ownedPolicySuffixes } from "./naming-patterns.cjs";

/**
 * Names and ownership marks. radius-sync recognises what it owns by these names
 * alone, so they are built and recognised in one place; the NPS script gets the very
 * same patterns through the SSM document (naming-patterns.cjs).
 */

/**
 * The anchored pattern of every NPS client name radius-sync owns under `namePrefix`. The NPS script
 * and the connection request policy's Client-Friendly-Name condition use this same text, so what
 * the policy matches, what the script may change and what this module calls ours are one set.
 * Matched case-insensitively everywhere, because NPS's regular-expression conditions may be.
 *
 * @example
 * ```ts
 * ownedNpsClientPattern("radius-sync"); // "^radius-sync(-t[0-9a-f]{8})?-d-[0-9a-f]{10}((-[0-9]{1,3}){4}|-[0-9a-f]{32})$"
 * ```
 */
export function ownedNpsClientPattern(namePrefix: string): string {
  return `^${namePrefix}${ownedClientSuffix}$`;
}

/**
 * Which directory an NPS client name of ours serves, as its state-table record is keyed
 * (shared/core/targets.ts directoryRecordId): the directory id for a home directory, and for a member
 * target's `<account>:<region>:<id>` when `targets` knows its code (`t<code>:<id>` when none does).
 * Undefined for a name that is not ours (the same owned pattern, case-insensitively, as everywhere).
 *
 * @example
 * ```ts
 * directoryOfClient("radius-sync", "radius-sync-d-0123456789-10-0-1-5"); // "d-0123456789"
 * directoryOfClient("radius-sync", "radius-sync-t1a2b3c4d-d-0123456789-10-0-1-5",
 *   [{ code: "1a2b3c4d", key: "111122223333:eu-west-1" }]); // "111122223333:eu-west-1:d-0123456789"
 * directoryOfClient("radius-sync", "radius-sync-vpn"); // undefined
 * ```
 */
export function directoryOfClient(
  namePrefix: string,
  clientName: string,
  targets: readonly { code: string; key: string }[] = [],
): string | undefined {
  if (!new RegExp(ownedNpsClientPattern(namePrefix), "i").test(clientName)) return undefined;
  const rest = clientName.slice(namePrefix.length + 1).toLowerCase();
  if (rest.startsWith("d-")) return rest.slice(0, 12);
  const code = rest.slice(1, 9);
  const directoryId = rest.slice(10, 22);
  const target = targets.find((candidate) => candidate.code === code);
  return target === undefined ? `t${code}:${directoryId}` : `${target.key}:${directoryId}`;
}

/** The role of an NPS policy radius-sync owns. */
export type NpsPolicyRole = keyof typeof ownedPolicySuffixes;

/**
 * The name of one of radius-sync's NPS policies.
 *
 * @example
 * ```ts
 * npsPolicyName("radius-sync", "networkDeny"); // "radius-sync-np-deny"
 * ```
 */
export function npsPolicyName(namePrefix: string, role: NpsPolicyRole): string {
  return `${namePrefix}${ownedPolicySuffixes[role].suffix}`;
}

/**
 * The part of a client name that carries its address: an IPv4 address with dashes for dots
 * (`10-0-1-5`), an IPv6 address as its 32 lowercase hex digits without colons, whatever textual form
 * it came in (so every form of one address gives one name). The only place an address becomes part
 * of a name: a name that must carry more (such as a target account) composes around this fragment.
 * Throws for anything else, so no other text reaches a name.
 *
 * @example
 * ```ts
 * addressNameFragment("10.0.1.5"); // "10-0-1-5"
 * addressNameFragment("2001:DB8::0A05"); // "20010db8000000000000000000000a05"
 * ```
 */
export function addressNameFragment(ip: string): string {
  if (isIpv4(ip)) return ip.replaceAll(".", "-");
  const hex = ipv6Hex(ip);
  if (hex === undefined) throw new RangeError(`${JSON.stringify(ip)} is no address a RADIUS client can have`);
  return hex;
}

/**
 * The NPS RADIUS client name for one directory source IP: the prefix, for a member target's directory
 * `t` and the target's code (shared/core/targets.ts targetCode), the directory id, and the address
 * ({@link addressNameFragment}). At most 80 characters: a 24-character prefix, `-t` and 8 digits, `-d-`
 * and 10, and 33 for an IPv6 address.
 *
 * @example
 * ```ts
 * npsClientName({ namePrefix: "radius-sync", directoryId: "d-0123456789", ip: "10.0.1.5" });
 * // "radius-sync-d-0123456789-10-0-1-5"
 * npsClientName({ namePrefix: "radius-sync", directoryId: "d-0123456789", ip: "2001:db8::a05" });
 * // "radius-sync-d-0123456789-20010db8000000000000000000000a05"
 * npsClientName({ namePrefix: "radius-sync", targetCode: "1a2b3c4d", directoryId: "d-0123456789", ip: "10.0.1.5" });
 * // "radius-sync-t1a2b3c4d-d-0123456789-10-0-1-5"
 * ```
 */
export function npsClientName(options: {
  namePrefix: string;
  directoryId: string;
  ip: string;
  /** The member target's code; absent (or empty) for the hub's own directories. */
  targetCode?: string | undefined;
}): string {
  const qualifier = options.targetCode ? `-t${options.targetCode}` : "";
  return `${options.namePrefix}${qualifier}-${options.directoryId}-${addressNameFragment(options.ip)}`;
}

/**
 * Whether an NPS client name is one radius-sync made (prefix, directory id, IP), so
 * a client someone added by hand under a similar name is never touched.
 *
 * @example
 * ```ts
 * isOwnedNpsClientName("radius-sync", "radius-sync-d-0123456789-10-0-1-5"); // true
 * isOwnedNpsClientName("radius-sync", "radius-sync-vpn"); // false
 * ```
 */
export function isOwnedNpsClientName(namePrefix: string, name: string): boolean {
  return new RegExp(ownedNpsClientPattern(namePrefix), "i").test(name);
}

/**
 * The description radius-sync writes on the security-group rules it creates.
 *
 * @example
 * ```ts
 * securityGroupRuleDescription("radius-sync", "i-0123456789abcdef0");
 * // "radius-sync: RADIUS from NPS i-0123456789abcdef0"
 * ```
 */
export function securityGroupRuleDescription(namePrefix: string, instanceId: string): string {
  return `${namePrefix}: RADIUS from NPS ${instanceId}`;
}

/** Whether a rule's protocol is UDP; EC2 reports it by name or by IANA number. */
export function isUdp(protocol: string): boolean {
  return protocol === "udp" || protocol === "17";
}

/** A single-host IPv4 CIDR, one of the two source shapes radius-sync's rules use. */
const HOST_CIDR = /^\d{1,3}(\.\d{1,3}){3}\/32$/;

/**
 * Whether a range is one host: an IPv4 /32, or an IPv6 /128 of an address radius-sync accepts.
 *
 * @example
 * ```ts
 * isHostCidr("10.0.2.7/32"); // true
 * isHostCidr("2001:db8::7/128"); // true
 * isHostCidr("2001:db8::/64"); // false
 * ```
 */
export function isHostCidr(cidr: string): boolean {
  if (HOST_CIDR.test(cidr)) return true;
  return cidr.endsWith("/128") && readIpv6(cidr.slice(0, -4)).ok;
}

/**
 * The single-host range of an address, in the one form radius-sync writes and compares: `/32` for
 * IPv4, `/128` after the RFC 5952 form for IPv6.
 *
 * @example
 * ```ts
 * hostCidr("10.0.2.7"); // "10.0.2.7/32"
 * hostCidr("2001:DB8:0::7"); // "2001:db8::7/128"
 * ```
 */
export function hostCidr(ip: string): string {
  if (isIpv4(ip)) return `${ip}/32`;
  const canonical = canonicalIpv6(ip);
  if (canonical === undefined) throw new RangeError(`${JSON.stringify(ip)} is no address a rule can name`);
  return `${canonical}/128`;
}

/**
 * A range as radius-sync compares it: an IPv6 range's address in its RFC 5952 form (EC2 may list
 * `2001:DB8::7/128` for `2001:db8::7/128`), anything else unchanged.
 *
 * @example
 * ```ts
 * comparableCidr("2001:0DB8::0007/128"); // "2001:db8::7/128"
 * ```
 */
export function comparableCidr(cidr: string): string {
  const slash = cidr.lastIndexOf("/");
  if (slash < 0 || !cidr.includes(":")) return cidr;
  const canonical = canonicalIpv6(cidr.slice(0, slash));
  return canonical === undefined ? cidr : `${canonical}${cidr.slice(slash)}`;
}

/** A rule radius-sync owns: one port, and a description that carries its label. */
export type OwnedIngressRule = IngressRule & { fromPort: number; description: string };

/**
 * Whether radius-sync owns a security-group rule: UDP, one port from one /32 or /128 (the
 * only shapes we create) and a description starting with `${prefix}:`. A hand-made
 * rule of another shape that borrows the label is left alone.
 *
 * @example
 * ```ts
 * isOwnedRule("radius-sync", { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.2.7/32",
 *   description: "radius-sync: RADIUS from NPS i-0123456789abcdef0" }); // true
 * ```
 */
export function isOwnedRule(namePrefix: string, rule: IngressRule): rule is OwnedIngressRule {
  return (
    isUdp(rule.protocol) &&
    rule.fromPort !== undefined &&
    rule.fromPort === rule.toPort &&
    isHostCidr(rule.cidr) &&
    rule.description?.startsWith(`${namePrefix}:`) === true
  );
}

/**
 * Whether a rule lets UDP `port` in from exactly `cidr` (all-traffic rules included).
 *
 * @example
 * ```ts
 * ruleAllows({ protocol: "udp", fromPort: 1000, toPort: 2000, cidr: "10.0.2.7/32" }, 1812, "10.0.2.7/32"); // true
 * ```
 */
export function ruleAllows(rule: IngressRule, port: number, cidr: string): boolean {
  if (rule.cidr !== cidr) return false;
  if (rule.protocol === "-1") return true;
  return isUdp(rule.protocol) && (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}

/**
 * Whether a string is a plain dotted-quad IPv4 address (no CIDR, no IPv6, no spaces).
 *
 * @example
 * ```ts
 * isIpv4("10.0.1.5"); // true
 * isIpv4("10.0.1.5; calc"); // false
 * ```
 */
export function isIpv4(value: string): boolean {
  return Ipv4Address.safeParse(value).success;
}

/**
 * Whether a string is an address radius-sync passes on: a plain IPv4 address, or an IPv6 address
 * it accepts written in its RFC 5952 form (discovery canonicalises what AWS reports).
 *
 * @example
 * ```ts
 * isPlannableAddress("10.0.1.5"); // true
 * isPlannableAddress("2001:db8::a05"); // true
 * isPlannableAddress("2001:DB8::A05"); // false: not canonical
 * ```
 */
export function isPlannableAddress(value: string): boolean {
  return isIpv4(value) || canonicalIpv6(value) === value;
}
