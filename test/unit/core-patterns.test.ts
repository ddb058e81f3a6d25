import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DirectoryId, InstanceId, Ipv4Address } from "../../shared/core/model.js";
import { isIpv4, isOwnedRule } from "../../shared/core/naming.js";

/**
 * The id and address patterns of shared/core/model.ts at their edges: each alternative of the
 * octet, each length bound, and junk before and after a valid value (an unanchored pattern would
 * let "10.0.1.5; calc" or "xd-0123456789" through to the plan and, from there, to PowerShell).
 */

/** A plain reading of "dotted quad without leading zeros", independent of the regular expression. */
function referenceIsIpv4(value: string): boolean {
  const parts = value.split(".");
  return (
    parts.length === 4 &&
    parts.every((part) => /^[0-9]{1,3}$/.test(part) && String(Number(part)) === part && Number(part) <= 255)
  );
}

const junk = ["x", " ", "\n", ";", "/32"];

describe("Ipv4Address and isIpv4", () => {
  it.each([
    "0.0.0.0",
    "9.9.9.9",
    "10.99.1.5",
    "100.199.1.5",
    "200.249.1.5",
    "250.255.1.5",
    "255.255.255.255",
    "1.2.3.250",
    "1.2.3.199",
  ])("accepts %s", (address) => {
    expect(isIpv4(address)).toBe(true);
    expect(Ipv4Address.safeParse(address).success).toBe(true);
  });

  it.each([
    "256.0.0.0",
    "260.0.0.0",
    "300.0.0.0",
    "1000.0.0.0",
    "01.0.0.0",
    "1.2.3.04",
    "00.0.0.0",
    "1.2.3",
    "1.2.3.4.5",
    "1..2.3",
    "1.2.3.",
    "a.b.c.d",
    "1.2.3.256",
    "",
  ])("refuses %s", (address) => {
    expect(isIpv4(address)).toBe(false);
  });

  it("refuses junk before or after an address", () => {
    for (const address of ["10.0.1.5", "255.255.255.255", "0.0.0.0"]) {
      for (const extra of junk) {
        expect(isIpv4(`${extra}${address}`), `${JSON.stringify(extra)} before`).toBe(false);
        expect(isIpv4(`${address}${extra}`), `${JSON.stringify(extra)} after`).toBe(false);
      }
    }
  });

  it("agrees with a plain reading of dotted quads on strings of digits and dots (property)", () => {
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 299 }).map(String),
      fc.constantFrom("00", "01", "010", "249", "250", "255", "256", "199", "200", "1000", ""),
    );
    const candidate = fc.array(octet, { minLength: 3, maxLength: 5 }).map((parts) => parts.join("."));
    fc.assert(
      fc.property(candidate, (value) => {
        expect(isIpv4(value)).toBe(referenceIsIpv4(value));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("DirectoryId", () => {
  it("accepts d- and exactly ten lowercase hex digits", () => {
    expect(DirectoryId.safeParse("d-0123456789").success).toBe(true);
    expect(DirectoryId.safeParse("d-abcdef0123").success).toBe(true);
    for (const id of ["d-012345678", "d-01234567890", "d-ABCDEF0123", "d-012345678g", "wsd-0123456789"]) {
      expect(DirectoryId.safeParse(id).success, id).toBe(false);
    }
  });

  it("refuses junk before or after a directory id", () => {
    for (const extra of junk) {
      expect(DirectoryId.safeParse(`${extra}d-0123456789`).success, `${JSON.stringify(extra)} before`).toBe(
        false,
      );
      expect(DirectoryId.safeParse(`d-0123456789${extra}`).success, `${JSON.stringify(extra)} after`).toBe(
        false,
      );
    }
  });
});

describe("InstanceId", () => {
  it("accepts i- and mi- ids of 8 to 17 lowercase hex digits, and no other length", () => {
    for (const prefix of ["i-", "mi-"]) {
      expect(InstanceId.safeParse(`${prefix}${"a".repeat(8)}`).success).toBe(true);
      expect(InstanceId.safeParse(`${prefix}${"0".repeat(17)}`).success).toBe(true);
      expect(InstanceId.safeParse(`${prefix}${"a".repeat(7)}`).success).toBe(false);
      expect(InstanceId.safeParse(`${prefix}${"0".repeat(18)}`).success).toBe(false);
    }
    for (const id of ["x-0123456789abcdef0", "i-0123456789ABCDEF0", "i-0123456789abcdefg", "ii-01234567"]) {
      expect(InstanceId.safeParse(id).success, id).toBe(false);
    }
  });

  it("refuses junk before or after an instance id", () => {
    for (const extra of junk) {
      for (const id of ["i-0123456789abcdef0", "mi-0123456789abcdef0"]) {
        expect(InstanceId.safeParse(`${extra}${id}`).success, `${JSON.stringify(extra)} before ${id}`).toBe(
          false,
        );
        expect(InstanceId.safeParse(`${id}${extra}`).success, `${JSON.stringify(extra)} after ${id}`).toBe(
          false,
        );
      }
    }
  });

  it("names what an id must look like when it refuses one", () => {
    const result = InstanceId.safeParse("i-1");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("must look like i-0123456789abcdef0");
    expect(DirectoryId.safeParse("d-1").error?.issues[0]?.message).toBe("must look like d-0123456789");
    expect(Ipv4Address.safeParse("1").error?.issues[0]?.message).toBe(
      "must be an IPv4 address such as 10.0.1.5",
    );
  });
});

describe("isOwnedRule's shape", () => {
  const description = "radius-sync: RADIUS from NPS i-0aaaaaaaaaaaaaaa1";
  const rule = { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32", description };

  it("owns only a /32 written as a dotted quad, nothing before it", () => {
    expect(isOwnedRule("radius-sync", rule)).toBe(true);
    for (const cidr of ["x10.0.3.10/32", "1000.0.3.10/32", "10.0.3.10/320", "10.0.3.10/3", "10.0.3/32"]) {
      expect(isOwnedRule("radius-sync", { ...rule, cidr }), cidr).toBe(false);
    }
  });

  it("does not own a UDP rule that names no port", () => {
    expect(isOwnedRule("radius-sync", { protocol: "udp", cidr: "10.0.3.10/32", description })).toBe(false);
  });
});
