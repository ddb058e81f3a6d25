import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitsUdpPort, radiusRules, udpRangeRules } from "../../shared/core/ingress-rules.js";

/**
 * Discovery's reading of security-group rules: a rule counted as admitting RADIUS when it does not
 * hides a missing rule from the plan (an MFA outage); one left out makes the plan add a duplicate.
 */
const port = 1812;
const ours = "radius-sync: RADIUS from NPS i-0123456789abcdef0";

describe("udpRangeRules", () => {
  it("keeps UDP rules from IPv4 ranges, spelled udp, with their ports and description", () => {
    const rules = udpRangeRules([
      { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.2.7/32", description: ours },
      { protocol: "17", fromPort: 1000, toPort: 2000, cidr: "10.0.0.0/16" },
      { protocol: "udp", cidr: "10.0.3.0/24" },
    ]);
    expect(rules).toStrictEqual([
      { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.2.7/32", description: ours },
      { protocol: "udp", fromPort: 1000, toPort: 2000, cidr: "10.0.0.0/16" },
      { protocol: "udp", cidr: "10.0.3.0/24" },
    ]);
  });

  it("leaves out other protocols, all traffic included, and rules from another security group", () => {
    const rules = udpRangeRules([
      { protocol: "tcp", fromPort: 1812, toPort: 1812, cidr: "10.0.2.7/32" },
      { protocol: "6", fromPort: 1812, toPort: 1812, cidr: "10.0.2.7/32" },
      { protocol: "-1", cidr: "10.0.2.7/32" },
      { protocol: "udp", fromPort: 1812, toPort: 1812, sourceGroupId: "sg-0123456789abcdef0" },
    ]);
    expect(rules).toStrictEqual([]);
  });
});

describe("admitsUdpPort", () => {
  it("admits the port at either edge of a UDP range and not one outside it", () => {
    expect(admitsUdpPort({ protocol: "udp", fromPort: port, toPort: port }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "udp", fromPort: 1000, toPort: port }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "udp", fromPort: port, toPort: 2000 }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "udp", fromPort: 1000, toPort: port - 1 }, port)).toBe(false);
    expect(admitsUdpPort({ protocol: "udp", fromPort: port + 1, toPort: 2000 }, port)).toBe(false);
  });

  it("takes a missing bound as the widest one", () => {
    expect(admitsUdpPort({ protocol: "udp" }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "udp", toPort: port }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "udp", fromPort: port }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "udp", toPort: port - 1 }, port)).toBe(false);
    expect(admitsUdpPort({ protocol: "udp", fromPort: port + 1 }, port)).toBe(false);
    expect(admitsUdpPort({ protocol: "udp" }, 0)).toBe(true);
    expect(admitsUdpPort({ protocol: "udp" }, 65535)).toBe(true);
  });

  it("admits all traffic whatever its ports, UDP by number, and never TCP", () => {
    expect(admitsUdpPort({ protocol: "-1", fromPort: 1, toPort: 2 }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "17", fromPort: port, toPort: port }, port)).toBe(true);
    expect(admitsUdpPort({ protocol: "tcp", fromPort: port, toPort: port }, port)).toBe(false);
    expect(admitsUdpPort({ protocol: "6" }, port)).toBe(false);
  });

  it("agrees with the range for every UDP rule and port", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 65535 }),
        (fromPort, toPort, wanted) => {
          const admitted = admitsUdpPort({ protocol: "udp", fromPort, toPort }, wanted);
          expect(admitted).toBe(fromPort <= wanted && wanted <= toPort);
        },
      ),
    );
  });
});

describe("radiusRules", () => {
  it("reduces each rule that admits the port to its source, owned only when it has our shape and label", () => {
    const rules = radiusRules(
      [
        { protocol: "udp", fromPort: port, toPort: port, cidr: "10.0.1.5/32", description: ours },
        { protocol: "udp", fromPort: port, toPort: port, cidr: "10.0.1.6/32", description: "by hand" },
        { protocol: "udp", fromPort: port, toPort: port, cidr: "10.0.1.7/32" },
        { protocol: "-1", cidr: "10.0.1.8/32", description: ours },
        {
          protocol: "udp",
          fromPort: port,
          toPort: port,
          sourceGroupId: "sg-0123456789abcdef0",
          description: ours,
        },
        { protocol: "udp", fromPort: 1813, toPort: 1813, cidr: "10.0.1.9/32", description: ours },
        { protocol: "tcp", fromPort: port, toPort: port, cidr: "10.0.1.10/32", description: ours },
      ],
      port,
      "radius-sync",
    );
    expect(rules).toStrictEqual([
      { cidr: "10.0.1.5/32", owned: true },
      { cidr: "10.0.1.6/32", owned: false },
      { cidr: "10.0.1.7/32", owned: false },
      { cidr: "10.0.1.8/32", owned: false },
      { sourceGroupId: "sg-0123456789abcdef0", owned: false },
    ]);
  });

  it("calls a rule ours only under this deployment's prefix", () => {
    const rule = { protocol: "udp", fromPort: port, toPort: port, cidr: "10.0.1.5/32", description: ours };
    expect(radiusRules([rule], port, "other-sync")).toStrictEqual([{ cidr: "10.0.1.5/32", owned: false }]);
  });
});
