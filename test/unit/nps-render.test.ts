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
  adGroup: "CORP\\WorkSpaces MFA Users",
  clients: [
    { name: "radius-sync-d-0123456789-10-0-2-7", ip: "10.0.2.7" },
    { name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" },
    { name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" },
  ],
};
const dangerous = dangerousCharacters;

type Field = (typeof injectionCases)[number]["field"];
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
  const options: NpsCommandOptions = { ...valid, clients: [{ name: "radius-sync-a", ip: "10.0.0.1" }] };
  if (field === "ip") {
    const clients = [{ name: "radius-sync-a", ip: value }];
    return {
      options: { ...options, clients },
      parameter: "Clients",
      documentValue: `radius-sync-a=${value}`,
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
      AdGroup: ["CORP\\WorkSpaces MFA Users"],
      Nonce: [""],
    });
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
    ["name", `radius-sync-${"a".repeat(68)}`],
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
        ? { ...withField(field, value).options, clients: [{ name: `${value}-x`, ip: "10.0.0.1" }] }
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
          { name: "radius-sync-a", ip: "10.0.0.1" },
          { name: "radius-sync-b", ip: "10.0.0.1" },
        ],
      },
      /10\.0\.0\.1 twice, as radius-sync-a and radius-sync-b/,
    ],
    [
      "one name for two IPs",
      {
        clients: [
          { name: "radius-sync-a", ip: "10.0.0.1" },
          { name: "radius-sync-a", ip: "10.0.0.2" },
        ],
      },
      /radius-sync-a twice/,
    ],
    [
      "a client outside the prefix",
      { clients: [{ name: "other-a", ip: "10.0.0.1" }] },
      /must start with "radius-sync-"/,
    ],
    [
      "too many clients",
      {
        clients: Array.from({ length: maxClients + 1 }, (_, index) => ({
          name: `radius-sync-${index}`,
          ip: `10.0.${index >> 8}.${index & 255}`,
        })),
      },
      /at most 500/,
    ],
    ["a malformed options object", { clients: "radius-sync-a=10.0.0.1" }, /malformed at clients/],
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

  it("accepts as a name, IP or group only strings free of dangerous characters (property)", () => {
    const alphabet = [..."abcXYZ0129-.\\ _", ...dangerous];
    const anyText = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 24 });
    let accepted = 0;
    fc.assert(
      fc.property(anyText, anyText, anyText, (nameTail, ip, groupTail) => {
        const attempts = [
          { clients: [{ name: `radius-sync-${nameTail}`, ip: "10.0.0.1" }], text: nameTail },
          { clients: [{ name: "radius-sync-a", ip }], text: ip },
          { adGroup: `CORP\\G${groupTail}`, text: groupTail },
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
    expect(accepted).toBeGreaterThan(100);
  });

  it("uses only patterns free of engine-specific shorthands (\\d, \\w, \\s, \\z, \\A, flags)", () => {
    for (const source of Object.values(patterns)) {
      expect(source).not.toMatch(/\\[dDwWsSzZA]|\(\?[a-z]/);
      expect(source.startsWith("^") && source.endsWith("$")).toBe(true);
    }
  });
});
