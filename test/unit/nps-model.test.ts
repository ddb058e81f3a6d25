import { describe, expect, it } from "vitest";
import type { NpsCommandOptions } from "../../shared/nps/index.js";
import {
  addEveryonePolicy,
  addVpnClient,
  addVpnRequestPolicy,
  addVpnUsersPolicy,
  clientA,
  mfaGroup,
  pushCommand,
  accessRequest as request,
  vpnGroup,
} from "../support/nps-model/fixtures.js";
import { type AccessRequest, evaluateAccessRequest, views } from "../support/nps-model/nps-evaluate.js";
import { createNpsModel, editLive, markerOf, type NpsModel } from "../support/nps-model/nps-model.js";

/**
 * The NPS model (test/support/nps-model/) fed with exactly what the product renders for the SSM
 * command: what each access mode makes NPS answer, that a missing MFA extension changes nothing,
 * that a foreign client's answers never move, and that hand edits are repaired.
 */

const ours = clientA;
const options = (accessMode: "push" | "group"): Partial<NpsCommandOptions> => ({
  accessMode,
  adGroup: accessMode === "group" ? mfaGroup : "",
});
let pushes = 0;
/** One push, each later than the one before (the host refuses an older one). */
const push = (model: NpsModel, accessMode: "push" | "group", secretVersionId = "v1") => {
  pushes += 1;
  return pushCommand(model, options(accessMode), pushes, { secretVersionId });
};

/** A server that also serves a VPN concentrator, with its own client and policies (and a hand-made radius-sync-vpn). */
function sharedServer(): NpsModel {
  const model = createNpsModel();
  // Set up by its administrator in the NPS console, which IAS picks up at once.
  editLive(model, (configuration) => {
    addVpnClient(configuration, "vpn-gateway", "10.9.0.1");
    addVpnClient(configuration, "radius-sync-vpn", "10.9.0.2");
    addVpnRequestPolicy(configuration, "^10\\.9\\.0\\.[12]$");
    addVpnUsersPolicy(configuration, [["0x1009", "0x4"]]);
  });
  return model;
}

/** Requests from the VPN's clients by members of either group, with every outcome the VPN distinguishes. */
const foreignRequests: AccessRequest[] = ["10.9.0.1", "10.9.0.2"].flatMap((clientIp) =>
  [[vpnGroup], [mfaGroup], [vpnGroup, mfaGroup], []].flatMap((userGroups) =>
    (["PAP", "MS-CHAPv2"] as const).flatMap((authType) =>
      [true, false].map((passwordValid) => request({ clientIp, userGroups, authType, passwordValid })),
    ),
  ),
);
const answers = (model: NpsModel) =>
  views.flatMap((view) => foreignRequests.map((entry) => evaluateAccessRequest(model, entry, view)));

describe("IPv6 clients", () => {
  const v6 = { name: "radius-sync-d-0123456789-20010db8000000010000000000000a05", ip: "2001:db8:0:1::a05" };
  const pushV6 = (model: NpsModel) => {
    pushes += 1;
    return pushCommand(model, { ...options("push"), clients: [ours, v6] }, pushes);
  };

  it("answers a request from an IPv6 source in any textual form through our client, with MFA", () => {
    const model = createNpsModel();
    expect(pushV6(model)).toMatchObject({ ok: true, created: 2 });

    for (const clientIp of ["2001:db8:0:1::a05", "2001:0DB8:0000:0001:0000:0000:0000:0A05"]) {
      expect(evaluateAccessRequest(model, request({ clientIp }))).toMatchObject({
        answer: "Access-Accept",
        connectionRequestPolicy: "radius-sync-crp",
      });
      expect(evaluateAccessRequest(model, request({ clientIp, mfaApproved: false }))).toMatchObject({
        answer: "Access-Reject",
      });
    }
    expect(evaluateAccessRequest(model, request({ clientIp: "2001:db8:0:1::a06" })).answer).toBe("discarded");
  });

  it("stops before any change when a client it does not own holds the IPv6 address in another form", () => {
    const model = createNpsModel();
    editLive(model, (configuration) => {
      configuration.clients.set("hand-made", {
        ip: "2001:DB8:0:1:0:0:0:A05",
        secretVersionId: "other",
        enabled: true,
        authAttributeRequired: false,
      });
    });
    expect(pushV6(model)).toMatchObject({ ok: false });
    expect([...model.clients.keys()]).toEqual(["hand-made"]);
  });
});

describe("push access mode", () => {
  it("accepts a request from our client when the MFA extension approves it, whatever was typed, and no network policy decides", () => {
    const model = createNpsModel();
    expect(push(model, "push")).toMatchObject({ ok: true, created: 2, policiesChanged: ["radius-sync-crp"] });

    const approved = evaluateAccessRequest(model, request({ passwordValid: false }));
    const denied = evaluateAccessRequest(model, request({ mfaApproved: false }));

    expect(approved).toEqual({
      answer: "Access-Accept",
      connectionRequestPolicy: "radius-sync-crp",
      reason: "MFA approved",
    });
    expect(denied).toMatchObject({ answer: "Access-Reject", reason: "MFA denied" });
    expect(model.networkPolicies.map((policy) => policy.name)).toEqual([
      "Connections to other access servers",
    ]);
  });

  it("installs nothing without the MFA extension, so our client's requests are never accepted", () => {
    // Prepare
    const model = createNpsModel();
    model.extension.registered = false;
    const { markers: _markers, ...before } = structuredClone(model);
    // Act
    const outcome = push(model, "push");
    // Assess: no client, no policy, no restart; only the reason is remembered on the host.
    expect(outcome).toMatchObject({ ok: false, name: "NpsMfaExtensionMissing" });
    const { markers, ...after } = model;
    expect(after).toEqual(before);
    expect(markers.get("radius-sync")?.doorClosed).toMatch(/^NpsMfaExtensionMissing: /);
    for (const view of views)
      expect(evaluateAccessRequest(model, request({ mfaApproved: false }), view).answer).toBe("discarded");
  });

  it("is why the check matters: the same policy on a server without the extension accepts anyone (fail open)", () => {
    const model = createNpsModel();
    push(model, "push");
    model.extension.registered = false;
    expect(evaluateAccessRequest(model, request({ passwordValid: false, mfaApproved: false })).answer).toBe(
      "Access-Accept",
    );
  });

  it.each([
    [
      "REQUIRE_USER_MATCH is FALSE",
      (model: NpsModel) => {
        model.extension.requireUserMatch = "false";
      },
    ],
    [
      "IP_WHITELIST lists a connector IP",
      (model: NpsModel) => {
        model.extension.ipWhitelist = ["10.0.2.7"];
      },
    ],
  ])("installs nothing when %s", (_label, bypass) => {
    const model = createNpsModel();
    bypass(model);
    const { markers: _markers, ...before } = structuredClone(model);
    expect(push(model, "push")).toMatchObject({ ok: false, name: "NpsMfaExtensionBypassed" });
    const { markers: _after, ...after } = model;
    expect(after).toEqual(before);
  });

  it("rejects MS-CHAPv2, which accepting without validating credentials cannot answer", () => {
    const model = createNpsModel();
    push(model, "push");
    expect(evaluateAccessRequest(model, request({ authType: "MS-CHAPv2" })).answer).toBe("Access-Reject");
  });
});

describe("group access mode", () => {
  it("accepts a member with the configured protocol and MFA, and rejects a non-member through our deny policy", () => {
    const model = sharedServer();
    push(model, "group");

    const member = evaluateAccessRequest(model, request({ userGroups: [mfaGroup] }));
    const nonMember = evaluateAccessRequest(model, request({ userGroups: [vpnGroup] }));
    const otherProtocol = evaluateAccessRequest(
      model,
      request({ userGroups: [mfaGroup], authType: "MS-CHAPv2" }),
    );
    const badPassword = evaluateAccessRequest(
      model,
      request({ userGroups: [mfaGroup], passwordValid: false }),
    );

    expect(member).toMatchObject({ answer: "Access-Accept", networkPolicy: "radius-sync-np" });
    expect(nonMember).toMatchObject({ answer: "Access-Reject", networkPolicy: "radius-sync-np-deny" });
    expect(otherProtocol).toMatchObject({ answer: "Access-Reject", networkPolicy: "radius-sync-np" });
    expect(badPassword.answer).toBe("Access-Reject");
  });

  it("keeps a non-member out even when someone else's policy below would admit everyone", () => {
    const model = sharedServer();
    addEveryonePolicy(model, 1);
    push(model, "group");
    expect(evaluateAccessRequest(model, request({ userGroups: [] }))).toMatchObject({
      answer: "Access-Reject",
      networkPolicy: "radius-sync-np-deny",
    });
  });

  it("removes the network policies when the deployment switches to push mode", () => {
    const model = createNpsModel();
    push(model, "group");
    const outcome = push(model, "push");
    // The connection request policy first (then NPS evaluates no network policy), then the network policies.
    expect(outcome).toMatchObject({
      ok: true,
      policiesChanged: ["radius-sync-crp", "radius-sync-np", "radius-sync-np-deny"],
    });
    expect(model.networkPolicies.map((policy) => policy.name)).toEqual([
      "Connections to other access servers",
    ]);
  });
});

describe.each(["push", "group"] as const)("in %s mode, what is not ours", (mode) => {
  it("gets the same answer before and after our push, for every request of a VPN client with its own policies", () => {
    const model = sharedServer();
    const before = answers(model);
    push(model, mode);
    expect(answers(model)).toEqual(before);
  });

  it("keeps the hand-made radius-sync-vpn client and every foreign client through every push", () => {
    const model = sharedServer();
    const foreign = structuredClone([...model.clients]);
    push(model, mode);
    push(model, mode === "push" ? "group" : "push");
    push(model, mode);
    expect([...model.clients].filter(([name]) => !name.startsWith("radius-sync-d-"))).toEqual(foreign);
  });

  it("changes nothing and restarts nothing on a second push with the same input", () => {
    const model = sharedServer();
    push(model, mode);
    const after = structuredClone(model);
    expect(push(model, mode)).toMatchObject({
      ok: true,
      created: 0,
      updated: 0,
      removed: 0,
      policiesChanged: [],
      restarted: false,
    });
    // Only the host's note of the newest push applied moves on.
    markerOf(after, "radius-sync").lastSequence = markerOf(model, "radius-sync").lastSequence;
    expect(model).toEqual(after);
  });
});

describe("the check itself", () => {
  it("sees a changed answer: the old design's group-only network policy at order 1 captured the VPN's requests", () => {
    const model = sharedServer();
    const before = answers(model);
    model.networkPolicies.unshift({
      name: "radius-sync-np",
      enabled: true,
      conditions: [["0x1fb5", mfaGroup]],
      profile: [
        ["0x100f", "TRUE"],
        ["0x1005", "TRUE"],
        ["0x1009", "0x1"],
        ["0x1009", "0x4"],
      ],
    });
    expect(answers(model)).not.toEqual(before);
  });
});

describe("hand edits to what we own", () => {
  it.each([
    [
      "a disabled client",
      (model: NpsModel) => {
        const client = model.clients.get(ours.name);
        if (client) client.enabled = false;
      },
      { updated: 1, policiesChanged: [] },
    ],
    [
      "a changed processing order",
      (model: NpsModel) => {
        const [crp] = model.connectionRequestPolicies.splice(0, 1);
        if (crp) model.connectionRequestPolicies.splice(1, 0, crp);
      },
      { updated: 0, policiesChanged: ["radius-sync-crp"] },
    ],
    [
      "a changed profile",
      (model: NpsModel) => {
        const crp = model.connectionRequestPolicies[0];
        if (crp) crp.profile = [["0x1025", "0x1"]];
      },
      { updated: 0, policiesChanged: ["radius-sync-crp"] },
    ],
    [
      "a deleted policy",
      (model: NpsModel) => void model.connectionRequestPolicies.shift(),
      { policiesChanged: ["radius-sync-crp"] },
    ],
  ])("repairs %s, reports it, and then changes nothing", (_label, edit, reported) => {
    const model = sharedServer();
    push(model, "push");
    const converged = structuredClone(model);
    edit(model);
    expect(push(model, "push")).toMatchObject({ ok: true, restarted: true, ...reported });
    const { markers: _converged, ...wanted } = converged;
    const { markers: _now, ...now } = model;
    expect(now).toEqual({ ...wanted, restarts: converged.restarts + 1 });
    expect(push(model, "push")).toMatchObject({ ok: true, restarted: false });
  });
});
