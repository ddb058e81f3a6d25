import { describe, expect, it } from "vitest";
import { npsFingerprint, npsSettingsOf } from "../../shared/core/fingerprint.js";
import { planChanges } from "../../shared/core/plan.js";
import { simulatePhases } from "../../shared/core/rotation.js";
import { describeRuleAction } from "../../shared/core/summary.js";
import { loadConvergedDiscovery, loadDesired, NOW } from "../fixtures/plan/fixtures.js";

/** Plan words and fingerprint inputs that no other test pins. */
describe("npsSettingsOf", () => {
  it("leaves the AD group out in push mode, where no policy uses it, and keeps it in group mode", () => {
    const options = (accessMode: "push" | "group") => ({
      nps: { accessMode, adGroup: "CORP\\MFA", requireMessageAuthenticator: true },
      radius: { protocol: "PAP" as const },
    });
    expect(npsSettingsOf(options("push"))).toEqual({
      accessMode: "push",
      protocol: "PAP",
      adGroup: "",
      requireMessageAuthenticator: true,
    });
    expect(npsSettingsOf(options("group")).adGroup).toBe("CORP\\MFA");
  });

  it("so a push-mode fingerprint does not change with the AD group", () => {
    const fingerprint = (adGroup: string) =>
      npsFingerprint({
        clients: [],
        secretVersionId: "v1",
        namePrefix: "radius-sync",
        settings: npsSettingsOf({
          nps: { accessMode: "push", adGroup, requireMessageAuthenticator: false },
          radius: { protocol: "PAP" },
        }),
      });
    expect(fingerprint("CORP\\A")).toBe(fingerprint("CORP\\B"));
  });
});

describe("describeRuleAction", () => {
  it("says whose group an NPS-side rule is in, and for which directory", () => {
    expect(
      describeRuleAction({
        action: "authorize",
        directoryId: "d-0123456789",
        groupId: "sg-1",
        instanceId: "i-0123456789abcdef0",
        protocol: "udp",
        port: 1812,
        cidr: "10.0.1.5/32",
        description: "radius-sync: RADIUS from directory d-0123456789",
        reason: "why",
      }),
    ).toBe(
      "authorize UDP 1812 from 10.0.1.5/32 in sg-1 (NPS server i-0123456789abcdef0, for directory d-0123456789): why",
    );
  });
});

describe("planChanges' notes", () => {
  it("says a pending version from an unfinished rotation is left alone", () => {
    const discovery = loadConvergedDiscovery();
    if (!discovery.secret.exists) throw new Error("the converged fixture has a secret");
    discovery.secret.pendingVersionId = "v-pending";
    const plan = planChanges({ desired: loadDesired(), discovery, now: NOW });
    expect(plan.notes).toContain(
      "secret version v-pending is AWSPENDING from an unfinished rotation; this plan uses AWSCURRENT",
    );
  });
});

describe("simulatePhases", () => {
  it("lists the ways to fail by directory id, whatever order the state holds the directories in", () => {
    const servers = [{ instanceId: "i-0aaaaaaaaaaaaaaa1", ip: "10.0.1.10" }];
    const configuration = { servers: ["10.0.1.10"], secret: "current" as const };
    const [step] = simulatePhases(
      [{ kind: "nps", instanceIds: ["i-0aaaaaaaaaaaaaaa1"], secret: "pending", mismatch: false, reason: "" }],
      {
        servers,
        initial: {
          directories: { "d-2222222222": configuration, "d-1111111111": configuration },
          servers: { "i-0aaaaaaaaaaaaaaa1": "current" },
        },
      },
    );
    expect(step?.mismatches.map((mismatch) => mismatch.split(" ")[1])).toEqual([
      "d-1111111111",
      "d-2222222222",
    ]);
  });
});
