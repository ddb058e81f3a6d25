import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NpsCommandFailed } from "../../shared/errors.js";
import {
  computeClientSetProof,
  computeSecretProof,
  createSecretProofNonce,
  maxClients,
  maxReportedNames,
  type NpsSummary,
  parseNpsSummary,
  patterns,
  ssmStandardOutputLimit,
} from "../../shared/nps/index.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/nps/${name}`, import.meta.url), "utf8");
const successLine = fixture("summary-success.txt").trim().split("\n").at(-1) ?? "";

/** A name of the longest length the document's client-name pattern allows (80). */
function longestName(index: number): string {
  return `radius-sync-${String(index).padStart(4, "0")}-`.padEnd(80, "x");
}

describe("parseNpsSummary", () => {
  it("reads the one summary line among warnings and other JSON output", () => {
    const summary = parseNpsSummary(fixture("summary-success.txt"));

    expect(summary).toMatchObject({
      created: 1,
      removed: 1,
      kept: 1,
      policiesChanged: ["radius-sync-crp"],
      restarted: true,
      held: 2,
      disagreeingCount: 0,
      disagreeing: [],
    });
    expect(summary.proof).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts Windows PowerShell 5.1's { value, Count } array shape", () => {
    const summary = parseNpsSummary(fixture("summary-ps51-array-shape.txt"));

    expect(summary.policiesChanged).toEqual(["radius-sync-crp"]);
    expect(summary.disagreeing).toEqual(["radius-sync-a"]);
    expect(summary.proof).toBeUndefined();
  });

  it("throws NpsCommandFailed when there is no summary line", () => {
    expect(() => parseNpsSummary('WARNING: something\n{"not":"ours"}\n')).toThrow(
      "the NPS command printed no summary line (3 lines, 34 characters of output)",
    );
  });

  it("says the output may have been cut when it fills SSM's 24,000 characters without a summary", () => {
    const noise = `${"x".repeat(99)}\n`.repeat(ssmStandardOutputLimit / 100);

    expect(() => parseNpsSummary(noise)).toThrow(/SSM returns only the first 24000 characters of output/);
  });

  it("refuses a summary line cut off in the middle", () => {
    expect(() => parseNpsSummary(successLine.slice(0, 120))).toThrow(/summary line is not valid JSON/);
  });

  it("refuses two summary lines rather than guess which one counts", () => {
    expect(() => parseNpsSummary(`${successLine}\n${successLine}\n`)).toThrow(
      "the NPS command printed 2 summary lines; exactly one is expected",
    );
  });

  it("refuses the first format, whose name lists SSM cut off from about 160 clients", () => {
    const first =
      '{"radiusSyncSummary":1,"created":[],"updated":[],"removed":[],"kept":["radius-sync-a"],' +
      '"policiesChanged":[],"restarted":false,"groupSid":"S-1-5-32-544"}';

    expect(() => parseNpsSummary(first)).toThrow(NpsCommandFailed);
    expect(() => parseNpsSummary(first)).toThrow(/format 1, not 3: the SSM document runs another version/);
  });

  it.each([
    ['"restarted":true', '"restarted":"yes"', "restarted"],
    ['"held":2', '"held":2,"hmacs":{}', "summary"],
    ['"disagreeingCount":0', '"disagreeingCount":-1', "disagreeingCount"],
    ['"disagreeing":[]', '"disagreeing":["bad name!"]', "disagreeing.0"],
    ['"groupSid":"S-1-5-21', '"groupSid":"CORP\\\\group S-1-5-21', "groupSid"],
  ])("throws NpsCommandFailed naming the malformed field (%s → %s)", (from, to, field) => {
    const line = successLine.replace(from, to);
    expect(line).not.toBe(successLine);

    expect(() => parseNpsSummary(line)).toThrow(`malformed at ${field}`);
  });

  it("refuses more names than the script reports, and a count below the names it lists", () => {
    const names = Array.from({ length: maxReportedNames + 1 }, (_, index) => `"radius-sync-${index}"`);
    const tooMany = successLine.replace(
      '"disagreeingCount":0,"disagreeing":[]',
      `"disagreeingCount":99,"disagreeing":[${names}]`,
    );
    const undercounted = successLine.replace('"disagreeing":[]', '"disagreeing":["radius-sync-a"]');

    expect(() => parseNpsSummary(tooMany)).toThrow("malformed at disagreeing");
    expect(() => parseNpsSummary(undercounted)).toThrow("malformed at disagreeingCount");
  });

  it("stays well inside SSM's 24,000 characters at the most clients one command carries, all disagreeing, with the longest names", () => {
    // Prepare: the largest summary the schema admits for the largest estate one command carries.
    const summary: NpsSummary = {
      radiusSyncSummary: 3,
      created: maxClients,
      updated: maxClients,
      removed: 999_999,
      kept: maxClients,
      policiesChanged: [`${"p".repeat(24)}-crp`, `${"p".repeat(24)}-np`, `${"p".repeat(24)}-np-deny`],
      restarted: true,
      owedRestart: true,
      doorReopened: true,
      restartPending: true,
      ports: Array.from({ length: 20 }, (_, index) => 65535 - index),
      recorders: ["scriptBlockLogging", "transcription"],
      groupSid: `S-1-${"9".repeat(15)}${"-4294967295".repeat(15)}`,
      held: maxClients,
      disagreeingCount: maxClients,
      disagreeing: Array.from({ length: maxReportedNames }, (_, index) => longestName(index)),
      proof: "f".repeat(64),
    };
    const line = JSON.stringify(summary);

    // Act
    const parsed = parseNpsSummary(`WARNING: noise\n${line}\n`);

    // Assess: it parses, and takes less than an eighth of what SSM returns.
    expect(parsed).toEqual(summary);
    expect(summary.disagreeing.every((name) => new RegExp(patterns.clientName).test(name))).toBe(true);
    expect(line.length).toBeLessThan(ssmStandardOutputLimit / 8);
  });
});

describe("secret proof", () => {
  it("is HMAC-SHA256 keyed with the nonce text over the secret (RFC 4231 test case 2)", () => {
    expect(computeSecretProof({ nonce: "Jefe", secret: "what do ya want for nothing?" })).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("makes nonces the document's Nonce pattern accepts, different each time", () => {
    const nonces = [createSecretProofNonce(), createSecretProofNonce()];
    for (const nonce of nonces) expect(new RegExp(patterns.nonce).test(nonce)).toBe(true);
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});

describe("computeClientSetProof", () => {
  const nonce = "0123456789abcdef0123456789abcdef";
  const secret = "Sample-Shared-Secret-7f3K9q2LmX0pZ4vB8nR1";
  const clients = [
    { name: "radius-sync-d-0123456789-10-0-2-7", ip: "10.0.2.7" },
    { name: "radius-sync-d-0123456789-10-0-1-5", ip: "10.0.1.5" },
    { name: "radius-sync-D-0123456789-10-0-3-9", ip: "10.0.3.9" },
  ];

  it("matches an independent computation over name=address=proof lines in ordinal order", () => {
    // Computed with Python's hmac module: lines sorted by code point ("…-D-…" before "…-d-…"),
    // each "name=ip=" + HMAC(nonce, secret), joined with "\n", then HMAC(nonce, joined).
    expect(computeClientSetProof({ secret, nonce, clients })).toBe(
      "b52abbe674192f34708b345349f9af3fdc938fad594877005ef841e3f1536021",
    );
  });

  it("changes when any one client's name, address or secret changes, but not with the order", () => {
    const base = computeClientSetProof({ secret, nonce, clients });
    const [first, ...rest] = clients as [(typeof clients)[0], ...typeof clients];

    expect(computeClientSetProof({ secret, nonce, clients: [...rest, first] })).toBe(base);
    expect(computeClientSetProof({ secret: `${secret}x`, nonce, clients })).not.toBe(base);
    expect(computeClientSetProof({ secret, nonce, clients: rest })).not.toBe(base);
    expect(
      computeClientSetProof({ secret, nonce, clients: [{ ...first, ip: "10.0.2.8" }, ...rest] }),
    ).not.toBe(base);
    expect(
      computeClientSetProof({ secret, nonce, clients: [{ ...first, name: `${first.name}0` }, ...rest] }),
    ).not.toBe(base);
    expect(computeClientSetProof({ secret, nonce: createSecretProofNonce(), clients })).not.toBe(base);
  });
});
