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
  accessMode: "group",
  protocol: "PAP",
  adGroup: "CORP\\WorkSpaces-MFA",
  requireMessageAuthenticator: false,
  sequence: "2026-01-10T12:00:00.000Z/000",
  clients: [{ name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" }],
};

/** The n-th of many distinct addresses, each of the longest form (15 characters). */
function address(index: number): string {
  return `${200 + Math.floor(index / 50)}.${200 + (index % 50)}.255.255`;
}

/** `count` distinct clients with names radius-sync owns under `prefix`, one per address. */
function clientsOf(count: number, prefix = "radius-sync"): NpsClient[] {
  return Array.from({ length: count }, (_, index) => {
    const ip = address(index);
    return { name: `${prefix}-d-0123456789-${ip.replaceAll(".", "-")}`, ip };
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
    expect(render({ clients: [{ name: "radius-sync-d-0123456789_10-0-1-5", ip: "10.0.1.5" }] })).toThrow(
      /^NPS command parameter clients\[0\]\.name must start with a letter; letters, digits and '-', at most 80$/,
    );
  });

  it("refuses a name of 81 characters by the name pattern, before asking whether it is ours", () => {
    const long = `radius-sync-d-0123456789-10-0-1-5${"-1".repeat(24)}`;
    expect(long).toHaveLength(81);
    expect(render({ clients: [{ name: long, ip: "10.0.1.5" }] })).toThrow(
      /clients\[0\]\.name must start with a letter; letters, digits and '-', at most 80$/,
    );
    expect(render({ clients: [{ name: long.slice(0, 80), ip: "10.0.1.5" }] })).toThrow(
      /clients\[0\]\.name radius-sync-d-0123456789-10-0-1-5(-1)+-? is not a name radius-sync owns/,
    );
  });

  it("names the client a check refused by its position", () => {
    const clients = [
      { name: "radius-sync-d-0123456789-10-0-0-1", ip: "10.0.0.1" },
      { name: "radius-sync-d-0123456789-10-0-0-2", ip: "10.0.0.02" },
    ];
    expect(render({ clients })).toThrow(
      /^NPS command parameter clients\[1\]\.ip must be an IPv4 address such as 10\.0\.1\.5 \(no leading zeros\) or an IPv6 address in RFC 5952 form such as 2001:db8::a05, and "10\.0\.0\.02" is neither: it is not an IPv6 address/,
    );
  });

  it("refuses a name that starts with the prefix but is not one radius-sync makes", () => {
    for (const name of [
      "radius-syncd-0123456789-10-0-1-5",
      "radius-sync-d-0123456789-10-0-1",
      "radius-sync-vpn",
    ]) {
      expect(render({ clients: [{ name, ip: "10.0.1.5" }] }), name).toThrow(
        new RegExp(
          `^NPS command parameter clients\\[0\\]\\.name ${name} is not a name radius-sync owns under "radius-sync"`,
        ),
      );
    }
  });

  it("keeps one client listed twice with the same name and address", () => {
    const client = { name: "radius-sync-d-0123456789-10-0-0-1", ip: "10.0.0.1" };
    expect(renderNpsCommandParameters({ ...valid, clients: [client, { ...client }] }).Clients).toEqual([
      "radius-sync-d-0123456789-10-0-0-1=10.0.0.1",
    ]);
  });

  it("sorts clients by name in ordinal order (upper case before lower case), not by address", () => {
    const clients = [
      { name: "radius-sync-d-0123456789-10-0-0-1", ip: "10.0.0.3" },
      { name: "radius-sync-D-0123456789-10-0-0-2", ip: "10.0.0.2" },
      { name: "radius-sync-d-0000000000-10-0-0-3", ip: "10.0.0.1" },
    ];
    expect(renderNpsCommandParameters({ ...valid, clients }).Clients).toEqual([
      "radius-sync-D-0123456789-10-0-0-2=10.0.0.2,radius-sync-d-0000000000-10-0-0-3=10.0.0.1," +
        "radius-sync-d-0123456789-10-0-0-1=10.0.0.3",
    ]);
  });

  it(`takes exactly ${maxClients} clients and refuses one more with its own message`, () => {
    expect(render({ clients: clientsOf(maxClients) })).not.toThrow();
    expect(render({ clients: clientsOf(maxClients + 1) })).toThrow(
      new RegExp(
        `^NPS command parameter clients lists ${maxClients + 1} clients; at most ${maxClients} fit$`,
      ),
    );
  });

  it(`takes parameters of exactly ${maxParameterCharacters} characters in all and refuses one more`, () => {
    // The most clients of the longest names and addresses stay well under the budget (the document
    // test proves it); only a Region the pattern admits at any length can go past it, and then the
    // budget is the one check that refuses the command.
    const prefix = "p".repeat(24);
    const clients = clientsOf(maxClients, prefix);
    const base = totalCharacters(renderNpsCommandParameters({ ...valid, namePrefix: prefix, clients }));
    const room = maxParameterCharacters - base;
    expect(room).toBeGreaterThan(1000);
    const region = (extra: number) => `eu-west${"w".repeat(extra)}-1`;
    const atBudget = { ...valid, namePrefix: prefix, clients, region: region(room) };
    expect(totalCharacters(renderNpsCommandParameters(atBudget))).toBe(maxParameterCharacters);
    expect(() => renderNpsCommandParameters({ ...atBudget, region: region(room + 1) })).toThrow(
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
    ["adGroup", valid.adGroup, "must be a SID or DOMAIN\\\\Group"],
    ["nonce", "0123456789abcdef".repeat(2), "must be 32-64 lowercase hex characters"],
  ] as const)(
    "anchors %s at both ends: junk before or after a valid value is refused",
    (field, value, why) => {
      expect(render({ [field]: value })).not.toThrow();
      for (const junk of [`|${value}`, `${value}|`, `\n${value}`, `${value}\n`]) {
        expect(render({ [field]: junk }), JSON.stringify(junk)).toThrow(new RegExp(`${field} ${why}`));
      }
    },
  );

  it("anchors the name prefix and the client's address at both ends", () => {
    for (const prefix of ["-radius", "radius-sync ", "1radius"]) {
      const clients = [{ name: `${prefix}-d-0123456789-10-0-0-1`, ip: "10.0.0.1" }];
      expect(render({ namePrefix: prefix, clients }), prefix).toThrow(/namePrefix must start with a letter/);
    }
    for (const ip of ["x10.0.0.1", "10.0.0.1x", "110.0.0.1.1", "10.0.0.1 "]) {
      const clients = [{ name: "radius-sync-d-0123456789-10-0-0-1", ip }];
      expect(render({ clients }), ip).toThrow(/clients\[0\]\.ip must be/);
    }
  });

  it("renders values every one of which the document's own allowedPattern accepts", () => {
    const parameters = renderNpsCommandParameters({ ...valid, clients: clientsOf(maxClients) });
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
