import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalIpv6, readIpv6 } from "../../shared/core/ipv6.js";
import {
  addressNameFragment,
  comparableCidr,
  hostCidr,
  isOwnedNpsClientName,
  isOwnedRule,
  isPlannableAddress,
  npsClientName,
} from "../../shared/core/naming.js";
import { InvalidInput } from "../../shared/errors.js";
import { type NpsCommandOptions, patterns, renderNpsCommandParameters } from "../../shared/nps/index.js";

const namePrefix = "radius-sync";
const directoryId = "d-0123456789";
const options: NpsCommandOptions = {
  secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:radius-sync/shared-secret-AbC1dE",
  secretVersion: "AWSPENDING",
  region: "eu-west-1",
  namePrefix,
  accessMode: "push",
  protocol: "PAP",
  adGroup: "",
  requireMessageAuthenticator: false,
  sequence: "2026-01-10T12:00:00.000Z/000",
  clients: [],
};

/** Eight 16-bit groups of a global unicast address (2000::/3), with runs of zeros made likely. */
const groupsArbitrary = fc
  .tuple(
    fc.integer({ min: 0x2000, max: 0x3fff }),
    fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 7,
      maxLength: 7,
    }),
  )
  .map(([first, rest]) => [first, ...rest]);

/**
 * One of the textual forms RFC 4291 §2.2 allows for the groups: each group with 0-3 leading zeros
 * added, in random case, optionally any one run of zero groups compressed to `::` (not only the
 * longest), optionally the last 32 bits as a dotted quad.
 */
function textualForm(
  groups: readonly number[],
  choice: { pads: number[]; upper: boolean[]; compress: number; dotted: boolean },
): string {
  const hex = groups.map((group, index) => {
    const digits = "0".repeat(choice.pads[index] ?? 0) + group.toString(16);
    const padded = digits.length > 4 ? digits.slice(digits.length - 4) : digits;
    return choice.upper[index] ? padded.toUpperCase() : padded;
  });
  const dottedTail = choice.dotted
    ? [
        [(groups[6] ?? 0) >> 8, (groups[6] ?? 0) & 255, (groups[7] ?? 0) >> 8, (groups[7] ?? 0) & 255].join(
          ".",
        ),
      ]
    : undefined;
  const parts: string[] = dottedTail ? [...hex.slice(0, 6), ...dottedTail] : hex;
  const width = dottedTail ? 6 : 8;
  const runs: Array<[number, number]> = [];
  for (let start = 0; start < width; start += 1) {
    if (groups[start] !== 0) continue;
    let end = start;
    while (end < width && groups[end] === 0) end += 1;
    runs.push([start, end]);
    start = end;
  }
  const run = runs.length > 0 ? runs[choice.compress % (runs.length + 1)] : undefined;
  if (run === undefined) return parts.join(":");
  return `${parts.slice(0, run[0]).join(":")}::${parts.slice(run[1]).join(":")}`;
}

const choiceArbitrary = fc.record({
  pads: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
  upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  compress: fc.nat(),
  dotted: fc.boolean(),
});

describe("IPv6 addresses in client names and rules", () => {
  it("writes RFC 5952's canonical form (lowercase, no leading zeros, first longest zero run)", () => {
    expect(canonicalIpv6("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(canonicalIpv6("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(canonicalIpv6("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1");
    expect(canonicalIpv6("2001:db8::0:1")).toBe("2001:db8::1");
    expect(canonicalIpv6("2001:db8:0:0:1:0:0:0")).toBe("2001:db8:0:0:1::");
    expect(canonicalIpv6("64:ff9b::192.0.2.33")).toBe("64:ff9b::c000:221");
  });

  it("maps every accepted textual form of an address to one name, one rule, one client address (property)", () => {
    fc.assert(
      fc.property(groupsArbitrary, choiceArbitrary, choiceArbitrary, (groups, first, second) => {
        // Prepare
        const one = textualForm(groups, first);
        const other = textualForm(groups, second);
        // Act
        const canonical = canonicalIpv6(one);
        // Assess
        expect(canonical, one).toBeDefined();
        expect(canonicalIpv6(other), other).toBe(canonical);
        const name = npsClientName({ namePrefix, directoryId, ip: one });
        expect(npsClientName({ namePrefix, directoryId, ip: other })).toBe(name);
        expect(name).toMatch(/^radius-sync-d-0123456789-[0-9a-f]{32}$/);
        expect(isOwnedNpsClientName(namePrefix, name)).toBe(true);
        expect(hostCidr(other)).toBe(hostCidr(one));
        expect(comparableCidr(`${other}/128`)).toBe(hostCidr(one));
        expect(isPlannableAddress(canonical ?? "")).toBe(true);
        const rendered = renderNpsCommandParameters({
          ...options,
          clients: [{ name, ip: canonical ?? "" }],
        });
        expect(rendered.Clients).toEqual([`${name}=${canonical}`]);
        expect(new RegExp(patterns.clients).test(rendered.Clients.join(","))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps the longest name within NPS's 80-character client name and the owned pattern", () => {
    const longest = npsClientName({
      namePrefix: "a23456789012345678901234",
      directoryId,
      ip: "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
    });
    expect(longest.length).toBeLessThanOrEqual(80);
    expect(new RegExp(patterns.clientName).test(longest)).toBe(true);
  });

  it("marks /128 rules ours as it marks /32 ones, and no wider IPv6 range", () => {
    const rule = {
      protocol: "udp",
      fromPort: 1812,
      toPort: 1812,
      description: "radius-sync: RADIUS from NPS i-1",
    };
    expect(isOwnedRule(namePrefix, { ...rule, cidr: "2001:db8::7/128" })).toBe(true);
    expect(isOwnedRule(namePrefix, { ...rule, cidr: "2001:DB8:0::7/128" })).toBe(true);
    expect(isOwnedRule(namePrefix, { ...rule, cidr: "2001:db8::/64" })).toBe(false);
    expect(isOwnedRule(namePrefix, { ...rule, cidr: "::/0" })).toBe(false);
  });

  it.each([
    ["fe80::1%eth0", "zone index"],
    ["2001:db8::/64", "range"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["ff02::1", "multicast"],
    ["fe80::1", "link-local"],
    ["::ffff:10.0.1.5", "IPv4-mapped"],
    ["::10.0.1.5", "IPv4-compatible"],
    ["2001:db8::1::2", "not an IPv6 address"],
    ["2001:db8:0:0:0:0:0:0:1", "not an IPv6 address"],
    ["2001:db8::12345", "not an IPv6 address"],
    ["2001:db8::g", "not an IPv6 address"],
    ["2001:db8:: 1", "not an IPv6 address"],
    ["2001:db8::1;calc", "not an IPv6 address"],
    ["10.0.1.05", "not an IPv6 address"],
  ])("refuses %s (%s) before it reaches a name, a rule or PowerShell", (text, why) => {
    const reading = readIpv6(text);
    expect(reading.ok).toBe(false);
    expect(reading.ok ? "" : reading.reason).toContain(why);
    expect(() => addressNameFragment(text)).toThrow(RangeError);
    expect(() => hostCidr(text)).toThrow(RangeError);
    expect(isPlannableAddress(text)).toBe(false);
    const act = () =>
      renderNpsCommandParameters({
        ...options,
        clients: [{ name: "radius-sync-d-0123456789-20010db8000000000000000000000001", ip: text }],
      });
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(why);
  });

  it("refuses an accepted address that is not in its RFC 5952 form, naming the form", () => {
    const act = () =>
      renderNpsCommandParameters({
        ...options,
        clients: [{ name: "radius-sync-d-0123456789-20010db8000000000000000000000001", ip: "2001:DB8::1" }],
      });
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow("not in RFC 5952 form (2001:db8::1)");
  });
});
