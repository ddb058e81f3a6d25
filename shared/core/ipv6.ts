/**
 * IPv6 addresses as radius-sync accepts them: parsed from any textual form RFC 4291 §2.2 allows
 * (leading zeros, either case, `::` compression, a dotted IPv4 tail), written back in the one
 * canonical form of RFC 5952 §4 (lowercase, no leading zeros, the longest run of two or more zero
 * groups — the first of equal runs — as `::`). Pure, no Node APIs: it runs in the planner, the
 * renderer and the tests alike.
 *
 * Only unicast addresses a RADIUS client can be are accepted. Refused, each with its reason: zone
 * indices (`%eth0`: they mean something only on one host), prefixes, the unspecified and loopback
 * addresses, multicast (ff00::/8), link-local (fe80::/10: ambiguous without a zone), and IPv4-mapped
 * (::ffff:0:0/96) or IPv4-compatible (::/96) addresses, which stand for an IPv4 source that
 * radius-sync handles as IPv4 (RFC 4291 §2.5.5).
 */

/** An accepted address, or why it was refused. */
export type Ipv6Reading = { ok: true; canonical: string; value: bigint } | { ok: false; reason: string };

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DOTTED_TAIL =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/** The 16-bit groups of one side of `::`, a dotted tail counting as two; undefined if malformed. */
function groupsOf(side: string, tailAllowed: boolean): number[] | undefined {
  if (side === "") return [];
  const parts = side.split(":");
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (tailAllowed && index === parts.length - 1 && DOTTED_TAIL.test(part)) {
      const [a = 0, b = 0, c = 0, d = 0] = part.split(".").map(Number);
      groups.push(a * 256 + b, c * 256 + d);
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** The eight groups an RFC 4291 text names, or undefined. */
function parseGroups(text: string): number[] | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  if (halves.length === 1) {
    const groups = groupsOf(text, true);
    return groups?.length === 8 ? groups : undefined;
  }
  const [head = "", tail = ""] = halves;
  const left = groupsOf(head, false);
  const right = groupsOf(tail, true);
  if (left === undefined || right === undefined || left.length + right.length > 7) return undefined;
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** RFC 5952 §4: lowercase, no leading zeros, the first longest run (≥ 2) of zero groups as `::`. */
function canonicalText(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; ) {
    if (groups[start] !== 0) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < groups.length && groups[end] === 0) end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

function refusal(groups: readonly number[]): string | undefined {
  const [first = 0] = groups;
  const upperZero = groups.slice(0, 5).every((group) => group === 0);
  if (groups.every((group) => group === 0)) return "it is the unspecified address";
  if (upperZero && groups[5] === 0 && groups[6] === 0 && groups[7] === 1) return "it is the loopback address";
  if (first >= 0xff00) return "it is a multicast address (ff00::/8)";
  if ((first & 0xffc0) === 0xfe80) return "it is a link-local address (fe80::/10), ambiguous without a zone";
  if (upperZero && groups[5] === 0xffff) return "it is an IPv4-mapped address: give the IPv4 address itself";
  if (upperZero && groups[5] === 0)
    return "it is an IPv4-compatible address (deprecated): give the IPv4 address itself";
  return undefined;
}

/**
 * Reads an IPv6 address in any RFC 4291 textual form; refuses, with the reason, what is no address
 * or no address a RADIUS client can have.
 *
 * @example
 * ```ts
 * readIpv6("2001:DB8:0:0:0:0:0:0A05"); // { ok: true, canonical: "2001:db8::a05", value: … }
 * readIpv6("fe80::1%eth0"); // { ok: false, reason: "it carries a zone index …" }
 * ```
 */
export function readIpv6(text: string): Ipv6Reading {
  if (text.includes("%"))
    return { ok: false, reason: "it carries a zone index (%…), which names no global source" };
  if (text.includes("/")) return { ok: false, reason: "it is a range, not one address" };
  const groups = parseGroups(text);
  if (groups === undefined) return { ok: false, reason: "it is not an IPv6 address (RFC 4291 §2.2)" };
  const why = refusal(groups);
  if (why !== undefined) return { ok: false, reason: why };
  const value = groups.reduce((sum, group) => (sum << 16n) | BigInt(group), 0n);
  return { ok: true, canonical: canonicalText(groups), value };
}

/**
 * The RFC 5952 form of an accepted IPv6 address, or undefined.
 *
 * @example
 * ```ts
 * canonicalIpv6("2001:0db8:0000:0000:0000:0000:0000:0001"); // "2001:db8::1"
 * ```
 */
export function canonicalIpv6(text: string): string | undefined {
  const reading = readIpv6(text);
  return reading.ok ? reading.canonical : undefined;
}

/**
 * Whether a string is an IPv6 address radius-sync accepts, already in its canonical form — what the
 * planner and the renderer require of every address they pass on.
 *
 * @example
 * ```ts
 * isCanonicalIpv6("2001:db8::1"); // true
 * isCanonicalIpv6("2001:DB8::1"); // false
 * ```
 */
export function isCanonicalIpv6(text: string): boolean {
  return canonicalIpv6(text) === text;
}

/**
 * The 32 lowercase hex digits of an accepted IPv6 address: its name fragment, with no colons.
 *
 * @example
 * ```ts
 * ipv6Hex("2001:db8::1"); // "20010db8000000000000000000000001"
 * ```
 */
export function ipv6Hex(text: string): string | undefined {
  const reading = readIpv6(text);
  return reading.ok ? reading.value.toString(16).padStart(32, "0") : undefined;
}
