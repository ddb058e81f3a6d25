import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInput } from "../../shared/errors.js";
import {
  createSecretProofNonce,
  maxClients,
  type NpsCommandOptions,
  type NpsParameterName,
  npsDocumentParameters,
  patterns,
  renderNpsCommandParameters,
} from "../../shared/nps/index.js";
import { dangerousCharacters } from "../fixtures/nps/dangerous-characters.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/nps/${name}`, import.meta.url), "utf8");
const injectionCases = JSON.parse(fixture("injection-cases.json")) as Array<{
  field: "ip" | "name" | "adGroup" | "namePrefix" | "secretArn" | "secretVersion" | "region" | "nonce";
  value: string;
  why: string;
}>;

const sampleSecret = "Sample-Shared-Secret-7f3K9q2LmX0pZ4vB8nR1";
const valid: NpsCommandOptions = {
  secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:radius-sync/shared-secret-AbC1dE",
  secretVersion: "AWSPENDING",
  region: "eu-west-1",
  namePrefix: "radius-sync",
  accessMode: "group",
  protocol: "PAP",
  adGroup: "CORP\\WorkSpaces MFA Users",
  requireMessageAuthenticator: false,
  sequence: "2026-01-10T12:00:00.000Z/000",
  clients: [
    { name: "radius-sync-d-0123456789-10-0-2-7", ip: "10.0.2.7" },
    { name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" },
    { name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" },
  ],
};
const dangerous = dangerousCharacters;

type Field = (typeof injectionCases)[number]["field"];
/** A client name radius-sync owns under "radius-sync" (prefix, directory id, address). */
const ownedName = "radius-sync-d-0123456789-10-0-0-1";
const parameterOf: Record<Exclude<Field, "ip" | "name">, NpsParameterName> = {
  adGroup: "AdGroup",
  namePrefix: "NamePrefix",
  secretArn: "SecretArn",
  secretVersion: "SecretVersion",
  region: "Region",
  nonce: "Nonce",
};

/** The options with one field replaced, and the document parameter + value that field becomes. */
function withField(
  field: Field,
  value: string,
): { options: NpsCommandOptions; parameter: NpsParameterName; documentValue: string } {
  const options: NpsCommandOptions = { ...valid, clients: [{ name: ownedName, ip: "10.0.0.1" }] };
  if (field === "ip") {
    const clients = [{ name: ownedName, ip: value }];
    return {
      options: { ...options, clients },
      parameter: "Clients",
      documentValue: `${ownedName}=${value}`,
    };
  }
  if (field === "name") {
    const clients = [{ name: value, ip: "10.0.0.1" }];
    return { options: { ...options, clients }, parameter: "Clients", documentValue: `${value}=10.0.0.1` };
  }
  return { options: { ...options, [field]: value }, parameter: parameterOf[field], documentValue: value };
}

describe("renderNpsCommandParameters", () => {
  it("renders every document parameter from valid options, clients sorted and deduplicated", () => {
    const parameters = renderNpsCommandParameters(valid);
    expect(parameters).toEqual({
      SecretArn: [valid.secretArn],
      SecretVersion: ["AWSPENDING"],
      Region: ["eu-west-1"],
      Clients: ["radius-sync-d-0123456789-10-0-1-5=10.0.1.5,radius-sync-d-0123456789-10-0-2-7=10.0.2.7"],
      NamePrefix: ["radius-sync"],
      RequireMessageAuthenticator: ["false"],
      Policies: [expect.stringMatching(/^\[\{"kind":"crp","name":"radius-sync-crp","order":1,/)],
      AdGroup: ["CORP\\WorkSpaces MFA Users"],
      Nonce: [""],
      Sequence: ["2026-01-10T12:00:00.000Z/000"],
      AcknowledgedIpWhitelist: [""],
    });
  });

  it("renders the acknowledged IP_WHITELIST entries comma-separated, and refuses what is no IPv4 address", () => {
    const parameters = renderNpsCommandParameters({
      ...valid,
      acknowledgedIpWhitelist: ["10.9.0.1", "10.9.0.2"],
    });
    expect(parameters.AcknowledgedIpWhitelist).toEqual(["10.9.0.1,10.9.0.2"]);
    expect(() =>
      renderNpsCommandParameters({ ...valid, acknowledgedIpWhitelist: ["10.9.0.1;calc"] }),
    ).toThrow(/^NPS command parameter acknowledgedIpWhitelist must be at most 50 IPv4 addresses/);
  });

  it("refuses a sequence that is not the execution's start and a three-digit ordinal", () => {
    for (const sequence of ["2026-01-10T12:00:00Z/000", "2026-01-10T12:00:00.000Z/0000", "x"]) {
      expect(() => renderNpsCommandParameters({ ...valid, sequence }), sequence).toThrow(
        /^NPS command parameter sequence must be the execution's start/,
      );
    }
  });

  it.each([
    ["a single quote", "CORP\\O'Brien Team"],
    ["a subexpression", "CORP\\Group$(calc)"],
    ["parentheses and an ampersand", "CORP\\R&D (EU)"],
    ["a typographic quote", "CORP\\Group\u2019s"],
    ["non-ASCII letters", "KONZERN\\Mitarbeiter Größe"],
  ])(
    "accepts an AD group name with %s, which AD allows and which reaches PowerShell only as data",
    (_label, adGroup) => {
      // The document never pastes a value into the script (interpolationType ENV_VAR, no {{ }}).
      const parameters = renderNpsCommandParameters({ ...valid, adGroup });
      expect(parameters.AdGroup).toEqual([adGroup]);
      expect(new RegExp(npsDocumentParameters.AdGroup.allowedPattern).test(adGroup)).toBe(true);
    },
  );

  it("puts a SID into the policies itself and sends no AdGroup, and none in push mode", () => {
    const sid = "S-1-5-21-1004336348-1177238915-682003330-1105";
    const group = renderNpsCommandParameters({ ...valid, adGroup: sid });
    expect(group.AdGroup).toEqual([""]);
    expect(group.Policies[0]).toContain(`["0x1fb5","${sid}"]`);
    const push = renderNpsCommandParameters({ ...valid, accessMode: "push" });
    expect(push.AdGroup).toEqual([""]);
    expect(push.Policies[0]).not.toContain("0x1fb5");
  });

  it.each([
    ["PAP", "0x1", "0x4"],
    ["MS-CHAPv2", "0x4", "0x1"],
  ] as const)(
    "renders group mode with %s, admitting the group with that protocol only",
    (protocol, type, other) => {
      // NPS validates the credentials against AD in group mode, so MS-CHAPv2 works there; the network
      // policy names the protocol by NP-Authentication-Type (0x1009).
      const parameters = renderNpsCommandParameters({ ...valid, protocol });
      expect(parameters.Policies[0]).toContain(`["0x1009","${type}"]`);
      expect(parameters.Policies[0]).not.toContain(`["0x1009","${other}"]`);
    },
  );

  it.each([
    ["group mode without a group", { adGroup: "" }, /adGroup is required in group access mode/],
    [
      "push mode with MS-CHAPv2",
      { accessMode: "push", protocol: "MS-CHAPv2" },
      /must be PAP in push access mode/,
    ],
  ] as const)("throws InvalidInput for %s", (_label, override, message) => {
    const act = () => renderNpsCommandParameters({ ...valid, ...override });
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(message);
  });

  it("carries the IPs and never the secret, even when the caller holds it", () => {
    const rendered = JSON.stringify(
      renderNpsCommandParameters({ ...valid, nonce: createSecretProofNonce() }),
    );
    expect(rendered).toContain("10.0.1.5");
    expect(rendered).toContain("10.0.2.7");
    expect(rendered).not.toContain(sampleSecret);
  });

  it.each(injectionCases.map((testCase) => [testCase.field, testCase.why, testCase.value] as const))(
    "rejects %s with %s, in the renderer and in the document's allowedPattern",
    (field, _why, value) => {
      const { options, parameter, documentValue } = withField(field, value);
      expect(() => renderNpsCommandParameters(options)).toThrow(InvalidInput);
      expect(new RegExp(npsDocumentParameters[parameter].allowedPattern).test(documentValue)).toBe(false);
    },
  );

  it.each([
    ["ip", "0.0.0.0"],
    ["ip", "255.255.255.255"],
    ["ip", "192.168.100.9"],
    ["name", "RADIUS-SYNC-d-0123456789-10-0-0-1"],
    ["adGroup", "corp.example.com\\Domain Users"],
    ["adGroup", `CORP\\${"g".repeat(256)}`],
    ["namePrefix", "a".repeat(24)],
    ["secretVersion", "AWSCURRENT"],
    ["secretVersion", "3f2b5c1e-9a7d-4e21-8c3b-0d9e6f4a1b2c"],
    ["region", "us-gov-west-1"],
    ["nonce", "0123456789abcdef".repeat(4)],
  ] as const)("accepts %s %s", (field, value) => {
    const options =
      field === "namePrefix"
        ? {
            ...withField(field, value).options,
            clients: [{ name: `${value}-d-0123456789-10-0-0-1`, ip: "10.0.0.1" }],
          }
        : withField(field, value).options;
    const { parameter, documentValue } = withField(field, value);
    expect(() => renderNpsCommandParameters(options)).not.toThrow();
    expect(new RegExp(npsDocumentParameters[parameter].allowedPattern).test(documentValue)).toBe(true);
  });

  it.each([
    ["an empty client list", { clients: [] }, /at least one client/],
    [
      "one IP under two names",
      {
        clients: [
          { name: "radius-sync-d-0123456789-10-0-0-1", ip: "10.0.0.1" },
          { name: "radius-sync-d-0123456789-10-0-0-2", ip: "10.0.0.1" },
        ],
      },
      /10\.0\.0\.1 twice, as radius-sync-d-0123456789-10-0-0-1 and radius-sync-d-0123456789-10-0-0-2/,
    ],
    [
      "one name for two IPs",
      {
        clients: [
          { name: "radius-sync-d-0123456789-10-0-0-1", ip: "10.0.0.1" },
          { name: "radius-sync-d-0123456789-10-0-0-1", ip: "10.0.0.2" },
        ],
      },
      /radius-sync-d-0123456789-10-0-0-1 twice/,
    ],
    [
      "a client outside the prefix",
      { clients: [{ name: "other-d-0123456789-10-0-0-1", ip: "10.0.0.1" }] },
      /not a name radius-sync owns under "radius-sync"/,
    ],
    [
      "a client under the prefix that radius-sync did not name (a hand-made radius-sync-vpn)",
      { clients: [{ name: "radius-sync-vpn", ip: "10.0.0.1" }] },
      /not a name radius-sync owns/,
    ],
    [
      "too many clients",
      {
        clients: Array.from({ length: maxClients + 1 }, (_, index) => ({
          name: `radius-sync-d-0123456789-10-0-${index >> 8}-${index & 255}`,
          ip: `10.0.${index >> 8}.${index & 255}`,
        })),
      },
      new RegExp(`at most ${maxClients}`),
    ],
    ["a malformed options object", { clients: `${ownedName}=10.0.0.1` }, /malformed at clients/],
  ])("throws InvalidInput for %s", (_label, override, message) => {
    const act = () => renderNpsCommandParameters({ ...valid, ...override } as NpsCommandOptions);
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(message);
  });

  it.each(["adGroup", "namePrefix", "secretVersion", "region", "nonce", "secretArn"] as const)(
    "never echoes a refused %s (it might be the secret passed by mistake)",
    (field) => {
      const act = () => renderNpsCommandParameters({ ...valid, [field]: sampleSecret });
      expect(act).toThrow(InvalidInput);
      expect(act).not.toThrow(sampleSecret);
    },
  );

  it("accepts as a name or IP only strings free of dangerous characters (property)", () => {
    const alphabet = [..."abcdef0129-.\\ _", ...dangerous];
    const anyText = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 24 });
    // Valid values as often as random text, so the accepted side is never left to chance.
    const octet = fc.integer({ min: 0, max: 255 }).map(String);
    const nameTailText = fc.oneof(anyText, octet);
    const ipText = fc.oneof(
      anyText,
      fc.tuple(octet, octet, octet, octet).map((parts) => parts.join(".")),
    );
    let accepted = 0;
    fc.assert(
      fc.property(nameTailText, ipText, (nameTail, ip) => {
        const attempts = [
          {
            clients: [{ name: `radius-sync-d-0123456789-10-0-0-${nameTail}`, ip: "10.0.0.1" }],
            text: nameTail,
          },
          { clients: [{ name: ownedName, ip }], text: ip },
        ];
        for (const { text, ...override } of attempts) {
          try {
            renderNpsCommandParameters({ ...valid, ...override });
          } catch (error) {
            if (!(error instanceof InvalidInput)) throw error;
            continue;
          }
          accepted += 1;
          for (const character of dangerous) expect(text).not.toContain(character);
        }
      }),
      { numRuns: 2000 },
    );
    // The property is not vacuous: plenty of generated values were accepted and checked.
    expect(accepted).toBeGreaterThan(500);
  });

  it("uses only patterns free of engine-specific shorthands (\\d, \\w, \\s, \\z, \\A, flags)", () => {
    for (const source of Object.values(patterns)) {
      expect(source).not.toMatch(/\\[dDwWsSzZA]|\(\?[a-z]/);
      expect(source.startsWith("^") && source.endsWith("$")).toBe(true);
    }
  });
});
