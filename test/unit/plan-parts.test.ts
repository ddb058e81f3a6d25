import { describe, expect, it } from "vitest";
import { npsFingerprint, radiusSettingsFingerprint } from "../../shared/core/fingerprint.js";
import * as core from "../../shared/core/index.js";
import {
  isOwnedNpsClientName,
  isOwnedRule,
  npsClientName,
  ruleAllows,
  securityGroupRuleDescription,
} from "../../shared/core/naming.js";
import * as plan from "../../shared/core/plan.js";
import type {
  DirectoryAction,
  NpsServerAction,
  SecretAction,
  SecurityGroupRuleAction,
} from "../../shared/core/plan-schema.js";
import {
  describeDirectoryAction,
  describeNpsServerAction,
  describeRuleAction,
  describeSecretAction,
} from "../../shared/core/summary.js";

const clients = [
  { name: "radius-sync-d-1111111111-10-0-1-10", ip: "10.0.1.10" },
  { name: "radius-sync-d-2222222222-10-1-1-10", ip: "10.1.1.10" },
];
const npsInput = {
  clients,
  secretVersionId: "v1",
  settings: {
    accessMode: "group" as "group" | "push",
    protocol: "PAP" as "PAP" | "MS-CHAPv2",
    adGroup: "CORP\\MFA",
    requireMessageAuthenticator: false,
  },
  namePrefix: "radius-sync",
};
const settings = {
  servers: ["10.0.3.10", "10.0.4.10"],
  port: 1812,
  protocol: "PAP" as const,
  timeoutSeconds: 30,
  retries: 1,
  displayLabel: "MFA",
};

describe("npsFingerprint", () => {
  it("is a sha256 hex digest that ignores client order", () => {
    // Act
    const forward = npsFingerprint(npsInput);
    const reversed = npsFingerprint({ ...npsInput, clients: [...clients].reverse() });

    // Assess
    expect(forward).toMatch(/^[0-9a-f]{64}$/);
    expect(reversed).toBe(forward);
  });

  it.each([
    { change: "a client", input: { ...npsInput, clients: clients.slice(1) } },
    {
      change: "a client address",
      input: { ...npsInput, clients: [{ ...clients[0], ip: "10.0.1.11" }, clients[1]] },
    },
    { change: "the secret version", input: { ...npsInput, secretVersionId: "v2" } },
    {
      change: "the AD group",
      input: { ...npsInput, settings: { ...npsInput.settings, adGroup: "CORP\\Other" } },
    },
    {
      change: "the access mode",
      input: { ...npsInput, settings: { ...npsInput.settings, accessMode: "push" } },
    },
    {
      change: "the protocol",
      input: { ...npsInput, settings: { ...npsInput.settings, protocol: "MS-CHAPv2" } },
    },
    {
      change: "the Message-Authenticator requirement",
      input: { ...npsInput, settings: { ...npsInput.settings, requireMessageAuthenticator: true } },
    },
    { change: "the name prefix", input: { ...npsInput, namePrefix: "rs" } },
  ])("changes when $change changes", ({ input }) => {
    expect(npsFingerprint(input as typeof npsInput)).not.toBe(npsFingerprint(npsInput));
  });
});

describe("radiusSettingsFingerprint", () => {
  it("ignores server order and duplicates", () => {
    expect(radiusSettingsFingerprint({ ...settings, servers: ["10.0.4.10", "10.0.3.10", "10.0.4.10"] })).toBe(
      radiusSettingsFingerprint(settings),
    );
  });

  it.each([
    { servers: ["10.0.3.10"] },
    { port: 1645 },
    { protocol: "MS-CHAPv2" as const },
    { timeoutSeconds: 10 },
    { retries: 2 },
    { displayLabel: "Token" },
  ])("changes when a setting changes: %o", (change) => {
    expect(radiusSettingsFingerprint({ ...settings, ...change })).not.toBe(
      radiusSettingsFingerprint(settings),
    );
  });
});

describe("names and ownership", () => {
  it("names an NPS client after the prefix, the directory and the address", () => {
    expect(npsClientName({ namePrefix: "rs", directoryId: "d-0123456789", ip: "10.0.1.5" })).toBe(
      "rs-d-0123456789-10-0-1-5",
    );
  });

  it.each([
    { name: "radius-sync-d-0123456789-10-0-1-5", owned: true },
    { name: "radius-sync-vpn", owned: false },
    { name: "radius-sync-legacy-d-0123456789-10-0-1-5", owned: false },
    { name: "Corp-d-0123456789-10-0-1-5", owned: false },
    { name: "radius-sync-d-0123456789-10-0-1-5-extra", owned: false },
  ])("recognises $name as ours: $owned", ({ name, owned }) => {
    expect(isOwnedNpsClientName("radius-sync", name)).toBe(owned);
  });

  it.each([
    { rule: { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32" }, owned: true },
    { rule: { protocol: "17", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32" }, owned: true },
    { rule: { protocol: "tcp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32" }, owned: false },
    { rule: { protocol: "udp", fromPort: 1812, toPort: 1813, cidr: "10.0.3.10/32" }, owned: false },
    { rule: { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.0.0/16" }, owned: false },
    { rule: { protocol: "-1", cidr: "10.0.3.10/32" }, owned: false },
  ])("owns a rule labelled with the prefix only in the shape it creates: %o", ({ rule, owned }) => {
    const description = securityGroupRuleDescription("radius-sync", "i-0aaaaaaaaaaaaaaa1");
    expect(isOwnedRule("radius-sync", { ...rule, description })).toBe(owned);
    expect(isOwnedRule("radius-sync", { ...rule, description: "corp: radius" })).toBe(false);
    expect(isOwnedRule("radius-sync", rule)).toBe(false);
  });

  it.each([
    { rule: { protocol: "udp", fromPort: 1800, toPort: 1900, cidr: "10.0.3.10/32" }, allows: true },
    { rule: { protocol: "-1", cidr: "10.0.3.10/32" }, allows: true },
    { rule: { protocol: "udp", fromPort: 1813, toPort: 1900, cidr: "10.0.3.10/32" }, allows: false },
    { rule: { protocol: "tcp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32" }, allows: false },
    { rule: { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.0.0/16" }, allows: false },
  ])("decides whether a rule already allows UDP 1812 from 10.0.3.10/32: %o", ({ rule, allows }) => {
    expect(ruleAllows(rule, 1812, "10.0.3.10/32")).toBe(allows);
  });
});

describe("summary lines", () => {
  // Data that bypassed the types: the exhaustiveness guards must fail loudly, not skip it.
  it.each([
    { kind: "secret", describe: () => describeSecretAction({ action: "rotate" } as unknown as SecretAction) },
    {
      kind: "rule",
      describe: () => describeRuleAction({ action: "modify" } as unknown as SecurityGroupRuleAction),
    },
    {
      kind: "NPS server",
      describe: () =>
        describeNpsServerAction({
          action: "reboot",
          clientChanges: { create: [], update: [], remove: [] },
        } as unknown as NpsServerAction),
    },
    {
      kind: "directory",
      describe: () => describeDirectoryAction({ action: "disable" } as unknown as DirectoryAction),
    },
  ])("throws on an unknown $kind action", ({ describe: act }) => {
    expect(act).toThrow(/^unhandled case: /);
  });
});

describe("shared/core/index.ts", () => {
  it("re-exports the planner API by name", () => {
    expect(core.planChanges).toBe(plan.planChanges);
    expect(core.Plan).toBe(plan.Plan);
    expect(core.npsFingerprint).toBe(plan.npsFingerprint);
    expect(core.radiusSettingsFingerprint).toBe(plan.radiusSettingsFingerprint);
    expect(typeof core.validateSharedSecret).toBe("function");
    expect(core.SECRET_EXCLUDED_CHARACTERS).toContain("$");
  });
});
