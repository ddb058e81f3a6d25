import { describe, expect, it } from "vitest";
import { InvalidInput } from "../../shared/errors.js";
import {
  maxClients,
  maxParameterCharacters,
  type NpsClient,
  type NpsCommandOptions,
  npsDocumentParameters,
  npsParameterNames,
  renderNpsCommandParameters,
} from "../../shared/nps/index.js";

/**
 * Each check of the renderer on its own: every case below passes every other check, so deleting or
 * loosening the one it is about makes the case render (or fail with another message) and the test
 * fail. Messages are matched, not just the error class, because a later layer would also throw
 * InvalidInput for most of these values, only later and less precisely.
 */
const valid: NpsCommandOptions = {
  secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:radius-sync/shared-secret-AbC1dE",
  secretVersion: "AWSCURRENT",
  region: "eu-west-1",
  namePrefix: "radius-sync",
  adGroup: "CORP\\WorkSpaces-MFA",
  clients: [{ name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" }],
};

/** The n-th of many distinct addresses, none with a leading zero. */
function address(index: number): string {
  return `10.${index >> 8}.${index & 255}.1`;
}

/** `count` distinct clients whose names are `nameLength` characters long (all under the prefix). */
function clientsOf(count: number, nameLength: number): NpsClient[] {
  return Array.from({ length: count }, (_, index) => {
    const tail = `c${index}`;
    const name = `radius-sync-${tail.padEnd(nameLength - "radius-sync-".length, "x")}`;
    return { name, ip: address(index) };
  });
}

function render(override: Partial<NpsCommandOptions>) {
  return () => renderNpsCommandParameters({ ...valid, ...override });
}

function totalCharacters(parameters: Record<string, string[]>): number {
  return Object.values(parameters).reduce((total, [value = ""]) => total + value.length, 0);
}

describe("renderNpsCommandParameters, one check at a time", () => {
  it("refuses a client name that has the prefix but a character the name pattern excludes", () => {
    expect(render({ clients: [{ name: "radius-sync-a_b", ip: "10.0.0.1" }] })).toThrow(
      /^NPS command parameter clients\[0\]\.name must start with a letter; letters, digits and '-', at most 80$/,
    );
  });

  it("takes a client name of 80 characters and refuses one of 81", () => {
    expect(render({ clients: clientsOf(1, 80) })).not.toThrow();
    expect(render({ clients: clientsOf(1, 81) })).toThrow(/clients\[0\]\.name must start with a letter/);
  });

  it("names the client a check refused by its position", () => {
    const clients = [
      { name: "radius-sync-a", ip: "10.0.0.1" },
      { name: "radius-sync-b", ip: "10.0.0.02" },
    ];
    expect(render({ clients })).toThrow(
      /^NPS command parameter clients\[1\]\.ip must be an IPv4 address such as 10\.0\.1\.5 \(no leading zeros\)$/,
    );
  });

  it("refuses a name that starts with the prefix but not with the prefix and a dash", () => {
    expect(render({ clients: [{ name: "radius-syncd-0123456789", ip: "10.0.0.1" }] })).toThrow(
      /clients\[0\]\.name radius-syncd-0123456789 must start with "radius-sync-"/,
    );
  });

  it("keeps one client listed twice with the same name and address", () => {
    const client = { name: "radius-sync-a", ip: "10.0.0.1" };
    expect(renderNpsCommandParameters({ ...valid, clients: [client, { ...client }] }).Clients).toEqual([
      "radius-sync-a=10.0.0.1",
    ]);
  });

  it("sorts clients by name in ordinal order (upper case before lower case), not by address", () => {
    const clients = [
      { name: "radius-sync-b", ip: "10.0.0.1" },
      { name: "radius-sync-B", ip: "10.0.0.3" },
      { name: "radius-sync-a", ip: "10.0.0.2" },
    ];
    expect(renderNpsCommandParameters({ ...valid, clients }).Clients).toEqual([
      "radius-sync-B=10.0.0.3,radius-sync-a=10.0.0.2,radius-sync-b=10.0.0.1",
    ]);
  });

  it(`takes exactly ${maxClients} clients and refuses one more with its own message`, () => {
    expect(render({ clients: clientsOf(maxClients, 20) })).not.toThrow();
    expect(render({ clients: clientsOf(maxClients + 1, 20) })).toThrow(
      /^NPS command parameter clients lists 501 clients; at most 500 fit$/,
    );
  });

  it(`takes parameters of exactly ${maxParameterCharacters} characters in all and refuses one more`, () => {
    // 435 clients of the longest name stay under maxClients but come close to the budget; the AD
    // group, which has room to grow, then brings the total to the budget exactly and one past it.
    const clients = clientsOf(435, 80);
    const base = totalCharacters(renderNpsCommandParameters({ ...valid, clients }));
    const room = maxParameterCharacters - base;
    expect(room).toBeGreaterThan(0);
    expect(room).toBeLessThan(250);
    const group = (extra: number) => `${valid.adGroup}${"g".repeat(extra)}`;
    const atBudget = renderNpsCommandParameters({ ...valid, clients, adGroup: group(room) });
    expect(totalCharacters(atBudget)).toBe(maxParameterCharacters);
    expect(render({ clients, adGroup: group(room + 1) })).toThrow(
      new RegExp(
        `^NPS command parameters take ${maxParameterCharacters + 1} characters; SSM allows at most ${maxParameterCharacters} beside the document`,
      ),
    );
  });

  it("refuses options that are not the expected shape, naming each malformed field once", () => {
    const malformed = { ...valid, region: 7, clients: [{ name: 1, ip: 2 }] } as unknown as NpsCommandOptions;
    expect(() => renderNpsCommandParameters(malformed)).toThrow(
      /^NPS command options are malformed at region, clients\.0\.name, clients\.0\.ip$/,
    );
  });

  it("refuses something that is not an options object at all, saying so", () => {
    expect(() => renderNpsCommandParameters(null as unknown as NpsCommandOptions)).toThrow(
      /^NPS command options are malformed at options$/,
    );
  });

  it("states each refused field's length but never its value", () => {
    expect(render({ region: "eu-west-1x" })).toThrow(
      /^NPS command parameter region must be an AWS Region such as eu-west-1 \(got 10 characters\)$/,
    );
  });

  it.each([
    ["secretArn", valid.secretArn, "must be a Secrets Manager secret ARN"],
    ["secretVersion", "3f2b5c1e-9a7d-4e21-8c3b-0d9e6f4a1b2c", "must be a version id"],
    ["region", valid.region, "must be an AWS Region"],
    ["adGroup", valid.adGroup, "must be DOMAIN\\\\Group"],
    ["nonce", "0123456789abcdef".repeat(2), "must be 32-64 lowercase hex characters"],
  ] as const)(
    "anchors %s at both ends: junk before or after a valid value is refused",
    (field, value, why) => {
      expect(render({ [field]: value })).not.toThrow();
      for (const junk of [`!${value}`, `${value}!`, `\n${value}`, `${value}\n`]) {
        expect(render({ [field]: junk }), JSON.stringify(junk)).toThrow(new RegExp(`${field} ${why}`));
      }
    },
  );

  it("anchors the name prefix and the client's address at both ends", () => {
    for (const prefix of ["-radius", "radius-sync ", "1radius"]) {
      const clients = [{ name: `${prefix}-a`, ip: "10.0.0.1" }];
      expect(render({ namePrefix: prefix, clients }), prefix).toThrow(/namePrefix must start with a letter/);
    }
    for (const ip of ["x10.0.0.1", "10.0.0.1x", "110.0.0.1.1", "10.0.0.1 "]) {
      expect(render({ clients: [{ name: "radius-sync-a", ip }] }), ip).toThrow(/clients\[0\]\.ip must be/);
    }
  });

  it("renders values every one of which the document's own allowedPattern accepts", () => {
    const parameters = renderNpsCommandParameters({ ...valid, clients: clientsOf(maxClients, 30) });
    for (const name of npsParameterNames) {
      const [value = ""] = parameters[name];
      expect(new RegExp(npsDocumentParameters[name].allowedPattern).test(value), name).toBe(true);
    }
  });

  it("refuses every case with InvalidInput, the error the workflow reports as bad input", () => {
    expect(render({ clients: [] })).toThrow(InvalidInput);
    expect(render({ clients: [] })).toThrow(/^NPS command parameter clients must list at least one client$/);
  });
});
