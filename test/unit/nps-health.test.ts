import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directoryOfClient } from "../../shared/core/naming.js";
import { compareVersions, HealthReport, judgeServerHealth } from "../../shared/core/nps-health.js";
import { repositoryRoot } from "../support/paths.js";

const healthy = (): HealthReport =>
  HealthReport.parse(
    JSON.parse(readFileSync(join(repositoryRoot, "test/fixtures/nps-health/healthy-report.json"), "utf8")),
  );
const certificateOf = (report: HealthReport) => {
  const [certificate] = report.certificates;
  if (certificate === undefined) throw new Error("the fixture has a certificate");
  return certificate;
};
const now = new Date("2026-12-07T05:00:00Z");
const judge = (report: HealthReport) =>
  judgeServerHealth({ instanceId: "i-0123456789abcdef0", report, now, namePrefix: "radius-sync" });
const names = (report: HealthReport) => judge(report).problems.map((problem) => problem.name);
const daysFromNow = (days: number) =>
  new Date(now.getTime() + days * 86_400_000).toISOString().replace(/\.000Z$/, "Z");

describe("judging one NPS server's health report", () => {
  it("finds nothing wrong with a healthy server, and counts days to the certificate's expiry", () => {
    const health = judge(healthy());
    expect(health.problems).toEqual([]);
    expect(health.extensionHealthy).toBe(true);
    expect(health.mfaBypassed).toBe(false);
    expect(health.daysToCertificateExpiry).toBe(398);
  });

  it("names a certificate 20 days from expiry (alarm at 30), with thumbprint and days left", () => {
    const report = healthy();
    report.certificates = [{ ...certificateOf(report), notAfter: daysFromNow(20.5) }];
    const health = judge(report);
    expect(health.daysToCertificateExpiry).toBe(20);
    expect(health.problems.map((problem) => problem.name)).toEqual(["CertificateExpiresSoon"]);
    expect(health.problems[0]?.message).toContain("A1B2C3D4E5F60718293A4B5C6D7E8F9001122334");
  });

  it("flags an expired certificate lying beside a valid one, and judges by the valid one", () => {
    const report = healthy();
    const valid = certificateOf(report);
    report.certificates = [
      { ...valid, thumbprint: "FFEEDDCCBBAA00998877665544332211FFEEDDCC", notAfter: daysFromNow(-3) },
      valid,
    ];
    const health = judge(report);
    expect(health.problems.map((problem) => problem.name)).toEqual(["ExpiredCertificatePresent"]);
    expect(health.certificates.map((certificate) => certificate.expired)).toEqual([true, false]);
    expect(health.daysToCertificateExpiry).toBe(398);
    expect(health.extensionHealthy).toBe(true);
  });

  it("says MFA fails for everyone when the only certificate has expired", () => {
    const report = healthy();
    report.certificates = [{ ...certificateOf(report), notAfter: daysFromNow(-1) }];
    expect(names(report)).toEqual(["NoUsableCertificate", "ExpiredCertificatePresent"]);
    expect(judge(report).extensionHealthy).toBe(false);
    expect(judge(report).daysToCertificateExpiry).toBeNull();
  });

  it("ignores a certificate for another tenant", () => {
    const report = healthy();
    report.certificates = [{ ...certificateOf(report), forTenant: false }];
    expect(names(report)).toEqual(["NoUsableCertificate"]);
  });

  it.each([
    ["1.2.2216.1", null, ["NumberMatchingChallenge"]],
    ["1.2.2216.1", "TRUE", ["NumberMatchingChallenge"]],
    ["1.2.2500.0", null, ["NumberMatchingChallenge"]],
    ["1.2.2216.1", "FALSE", []],
    ["1.2.2216.1", " false ", []],
    ["1.2.2108.1", null, []],
    [null, null, []],
  ])("extension %s with OVERRIDE_NUMBER_MATCHING_WITH_OTP %s → %j", (version, override, expected) => {
    const report = healthy();
    report.extension.version = version;
    report.extension.overrideNumberMatchingWithOtp = override;
    expect(names(report)).toEqual(expected);
    if (expected.length > 0)
      expect(judge(report).problems[0]?.message).toContain(
        "users with TOTP get a challenge Directory Service cannot answer",
      );
  });

  it("reports MFA bypassed when our enabled clients meet no extension, or one not loaded, or REQUIRE_USER_MATCH FALSE", () => {
    const unregistered = healthy();
    unregistered.extension.registered = false;
    expect(names(unregistered)).toEqual(["MfaBypassed", "ExtensionNotRegistered"]);
    const notLoaded = healthy();
    notLoaded.extension.loaded = false;
    expect(names(notLoaded)).toEqual(["MfaBypassed", "ExtensionNotLoaded"]);
    const noMatch = healthy();
    noMatch.extension.requireUserMatch = "FALSE";
    expect(names(noMatch)).toEqual(["MfaBypassed", "RequireUserMatchFalse"]);
  });

  it("does not call MFA bypassed what radius-sync's closed door already refuses", () => {
    const report = healthy();
    report.extension.registered = false;
    report.marker.doorClosed = true;
    report.ourClients = { total: 2, enabled: 0 };
    expect(judge(report).mfaBypassed).toBe(false);
    expect(names(report)).toEqual(["ExtensionNotRegistered", "DoorClosed"]);
  });

  it("names IAS stopped, a restart owed, missing clients, an IP_WHITELIST and a missing tenant", () => {
    const report = healthy();
    report.iasRunning = false;
    report.marker.restartOwed = true;
    report.ourClients = { total: 0, enabled: 0 };
    report.extension.ipWhitelist = ["10.9.0.1"];
    report.extension.tenantId = null;
    expect(names(report)).toEqual([
      "IpWhitelistSet",
      "TenantNotConfigured",
      "NoUsableCertificate",
      "IasNotRunning",
      "RestartOwed",
      "OurClientsMissing",
    ]);
  });

  it("names clients not listed where module logging records NPS, and still judges a bypass from the extension", () => {
    const report = healthy();
    report.ourClients = null;
    expect(names(report)).toEqual(["ClientsNotListed"]);
    report.extension.registered = false;
    expect(judge(report).mfaBypassed).toBe(true);
    report.marker.doorClosed = true;
    expect(judge(report).mfaBypassed).toBe(false);
  });

  it("counts outcomes per directory from our clients' names, rejects by reason code, and leaves foreign clients out", () => {
    expect(judge(healthy()).outcomes).toEqual([
      {
        directoryId: "d-0123456789",
        accepts: 7,
        rejects: 3,
        rejectsByReason: { "16": 1, "21": 2 },
        discards: 0,
      },
      { directoryId: "d-abcdef0123", accepts: 0, rejects: 0, rejectsByReason: {}, discards: 3 },
    ]);
  });

  it("refuses a report with anything beside the counts (a user name cannot ride along)", () => {
    const report = { ...healthy(), outcomes: [{ ...healthy().outcomes[0], userName: "alice" }] };
    expect(HealthReport.safeParse(report).success).toBe(false);
    expect(HealthReport.safeParse({ ...healthy(), users: ["alice"] }).success).toBe(false);
  });
});

describe("helpers", () => {
  it("compares dotted versions as numbers", () => {
    expect(compareVersions("1.2.2216.1", "1.2.2216.1")).toBe(0);
    expect(compareVersions("1.2.10.0", "1.2.9.9")).toBe(1);
    expect(compareVersions("1.2", "1.2.0.1")).toBe(-1);
  });

  it("maps our client names to their directory and nothing else", () => {
    expect(directoryOfClient("radius-sync", "radius-sync-d-0123456789-10-0-1-5")).toBe("d-0123456789");
    expect(directoryOfClient("radius-sync", "RADIUS-SYNC-D-0123456789-10-0-1-5")).toBe("d-0123456789");
    expect(directoryOfClient("radius-sync", "vpn-d-0123456789-10-0-1-5")).toBeUndefined();
    expect(directoryOfClient("radius-sync", "radius-sync-vpn")).toBeUndefined();
    // An IPv6 client (issue 22) and a name that only starts like ours.
    expect(
      directoryOfClient("radius-sync", "radius-sync-d-0123456789-20010db8000000010000000000000a05"),
    ).toBe("d-0123456789");
    expect(directoryOfClient("radius-sync", "radius-sync-d-0123456789-10-0-1-5-extra")).toBeUndefined();
  });
});
