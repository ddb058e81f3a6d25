import { describe, expect, it } from "vitest";
import { isOwnedNpsClientName, npsClientName, ownedNpsClientPattern } from "../../shared/core/naming.js";
import { ownedNpsPolicyNames, planNpsPolicies, renderNpsPolicies } from "../../shared/core/nps-policies.js";

describe("planNpsPolicies", () => {
  it("push: one connection request policy, for our clients only, accepting without validating credentials", () => {
    expect(
      planNpsPolicies({
        namePrefix: "radius-sync",
        accessMode: "push",
        protocol: "PAP",
        adGroup: "CORP\\MFA",
      }),
    ).toEqual([
      {
        kind: "crp",
        name: "radius-sync-crp",
        order: 1,
        conditions: [
          ["0x1020", "^radius-sync(-t[0-9a-f]{8})?-d-[0-9a-f]{10}((-[0-9]{1,3}){4}|-[0-9a-f]{32})$"],
        ],
        profile: [["0x1025", "0x0"]],
      },
    ]);
  });

  it("group: Windows authentication, the group's members with the one protocol, then deny for our clients", () => {
    const sid = "S-1-5-21-1-2-3-1105";
    const [crp, allow, deny] = planNpsPolicies({
      namePrefix: "rs",
      accessMode: "group",
      protocol: "MS-CHAPv2",
      adGroup: sid,
    });
    const ours = ["0x1020", "^rs(-t[0-9a-f]{8})?-d-[0-9a-f]{10}((-[0-9]{1,3}){4}|-[0-9a-f]{32})$"];
    expect(crp).toMatchObject({ name: "rs-crp", order: 1, conditions: [ours], profile: [["0x1025", "0x1"]] });
    expect(allow).toMatchObject({
      kind: "np",
      name: "rs-np",
      order: 1,
      conditions: [ours, ["0x1fb5", sid]],
      profile: [
        ["0x100f", "TRUE"],
        ["0x1005", "TRUE"],
        ["0x1009", "0x4"],
      ],
    });
    expect(deny).toMatchObject({
      kind: "np",
      name: "rs-np-deny",
      order: 2,
      conditions: [ours],
      profile: [
        ["0x100f", "FALSE"],
        ["0x1005", "TRUE"],
      ],
    });
  });

  it("leaves a DOMAIN\\Name group for the host to resolve", () => {
    const [, allow] = planNpsPolicies({
      namePrefix: "rs",
      accessMode: "group",
      protocol: "PAP",
      adGroup: "CORP\\MFA",
    });
    expect(allow?.conditions[1]).toEqual(["0x1fb5", "AD-GROUP-SID"]);
  });

  it("renders crp before np, each by order, as the script applies them", () => {
    const policies = planNpsPolicies({
      namePrefix: "rs",
      accessMode: "group",
      protocol: "PAP",
      adGroup: "CORP\\MFA",
    });
    const names = (JSON.parse(renderNpsPolicies([...policies].reverse())) as Array<{ name: string }>).map(
      (p) => p.name,
    );
    expect(names).toEqual(["rs-crp", "rs-np", "rs-np-deny"]);
    expect(ownedNpsPolicyNames("rs").map((policy) => policy.name)).toEqual(["rs-crp", "rs-np", "rs-np-deny"]);
  });
});

describe("which NPS clients are ours: one pattern, the same one the policies match", () => {
  it.each([
    ["radius-sync-d-0123456789-10-0-1-5", true],
    ["RADIUS-SYNC-d-0123456789-10-0-1-5", true],
    ["radius-sync-vpn", false],
    ["radius-sync-dev-d-0123456789-10-0-1-5", false],
    ["radius-sync-d-0123456789-10-0-1-5-x", false],
    ["x-radius-sync-d-0123456789-10-0-1-5", false],
  ])("%s is ours: %s", (name, owned) => {
    expect(isOwnedNpsClientName("radius-sync", name)).toBe(owned);
    expect(new RegExp(ownedNpsClientPattern("radius-sync"), "i").test(name)).toBe(owned);
  });

  it("never claims another stage's clients, whose prefix extends ours", () => {
    const dev = npsClientName({ namePrefix: "radius-sync-dev", directoryId: "d-0123456789", ip: "10.0.1.5" });
    const prod = npsClientName({ namePrefix: "radius-sync", directoryId: "d-0123456789", ip: "10.0.1.5" });
    expect(isOwnedNpsClientName("radius-sync", dev)).toBe(false);
    expect(isOwnedNpsClientName("radius-sync-dev", prod)).toBe(false);
  });
});
