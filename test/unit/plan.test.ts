import { describe, expect, it } from "vitest";
import { planChanges } from "../../shared/core/plan.js";
import { Plan } from "../../shared/core/plan-schema.js";
import { InvalidInput } from "../../shared/errors.js";
import { type PlanCase, planCases } from "../fixtures/plan/cases.js";
import { problemCases } from "../fixtures/plan/cases-problems.js";
import { securityGroupCases } from "../fixtures/plan/cases-security-groups.js";
import { loadConvergedDiscovery, loadDesired, loadFreshDiscovery, NOW } from "../fixtures/plan/fixtures.js";

/** Expected values with `reason`/`message` as substrings and absent keys left unchecked. */
function partially(expected: object): unknown {
  const entries = Object.entries(expected).map(([key, value]) =>
    key === "reason" || key === "message" ? [key, expect.stringContaining(String(value))] : [key, value],
  );
  return expect.objectContaining(Object.fromEntries(entries));
}

const names = (clients: readonly { name: string }[]) => clients.map((client) => client.name);

function assessPlan(plan: Plan, expected: PlanCase["expected"]): void {
  if (expected.changeCount !== undefined) expect(plan.changeCount).toBe(expected.changeCount);
  if (expected.secret) expect(plan.secret).toEqual(partially(expected.secret));
  if (expected.securityGroupRules) {
    expect(plan.securityGroupRules).toEqual(expected.securityGroupRules.map(partially));
  }
  if (expected.npsServers) {
    const view = plan.npsServers.map((server) => ({
      instanceId: server.instanceId,
      action: server.action,
      reason: server.reason,
      create: names(server.clientChanges.create),
      update: names(server.clientChanges.update),
      remove: names(server.clientChanges.remove),
    }));
    expect(view).toEqual(expected.npsServers.map(partially));
  }
  if (expected.directories) {
    const view = plan.directories.map((directory) => ({
      directoryId: directory.directoryId,
      action: directory.action,
      reason: directory.reason,
      servers: directory.settings.servers,
    }));
    expect(view).toEqual(expected.directories.map(partially));
  }
  if (expected.problems) expect(plan.problems).toEqual(expected.problems.map(partially));
  if (expected.npsClientNames) expect(names(plan.npsClients)).toEqual(expected.npsClientNames);
  if (expected.notes) expect(plan.notes).toEqual(expected.notes.map((note) => expect.stringContaining(note)));
}

describe("planChanges", () => {
  it.each([...planCases, ...securityGroupCases, ...problemCases])("$it", (testCase) => {
    // Prepare
    const desired = loadDesired();
    const discovery = testCase.start === "fresh" ? loadFreshDiscovery() : loadConvergedDiscovery();
    testCase.arrange?.(discovery, desired);

    // Act
    const plan = planChanges({ desired, discovery, now: testCase.now ?? NOW });

    // Assess
    expect(Plan.parse(plan)).toEqual(plan);
    assessPlan(plan, testCase.expected);
  });

  it("counts the secret, every rule, every push and every enable or update as one change each", () => {
    // Prepare
    const desired = loadDesired();
    const discovery = loadFreshDiscovery();

    // Act
    const plan = planChanges({ desired, discovery, now: NOW });

    // Assess
    const pushes = plan.npsServers.filter((server) => server.action === "push").length;
    const directoryChanges = plan.directories.filter((directory) => directory.action !== "none").length;
    expect(plan.changeCount).toBe(1 + plan.securityGroupRules.length + pushes + directoryChanges);
  });

  it("describes every action, problem and note in one summary line each", () => {
    // Prepare
    const desired = loadDesired();
    const discovery = loadFreshDiscovery();
    discovery.missingDirectoryIds = ["d-9999999999"];
    discovery.skippedDirectories = [{ directoryId: "d-4444444444", reason: "SimpleAD is not supported" }];

    // Act
    const plan = planChanges({ desired, discovery, now: NOW });

    // Assess
    expect(plan.summary).toEqual([
      expect.stringMatching(/^create secret radius-sync\/shared-secret: secret .* does not exist yet$/),
      ...plan.securityGroupRules.map((rule) =>
        expect.stringMatching(
          new RegExp(
            `^authorize UDP 1812 from ${rule.cidr} in ${rule.groupId} \\(directory ${rule.directoryId}\\): NPS server`,
          ),
        ),
      ),
      ...plan.npsServers.map((server) =>
        expect.stringContaining(
          `push to NPS server ${server.instanceId} (${server.ipAddress}), clients +4 ~0 -0: no record`,
        ),
      ),
      ...plan.directories.map((directory) =>
        expect.stringMatching(
          new RegExp(`^enable RADIUS on ${directory.directoryId}: RADIUS is not enabled`),
        ),
      ),
      "problem DirectoryNotFound (d-9999999999): directory d-9999999999 was asked for but does not exist or is not registered with WorkSpaces",
      "note: directory d-4444444444 is skipped: SimpleAD is not supported",
    ]);
  });

  it("summarises kept, unchanged and revoked entries in their own words", () => {
    // Prepare
    const desired = loadDesired();
    const discovery = loadConvergedDiscovery();
    discovery.npsServers = discovery.npsServers.filter(
      (server) => server.instanceId === "i-0aaaaaaaaaaaaaaa1",
    );

    // Act
    const plan = planChanges({ desired, discovery, now: NOW });

    // Assess
    expect(plan.summary[0]).toMatch(/^keep secret version \S+: secret radius-sync\/shared-secret exists/);
    expect(plan.summary).toContainEqual(
      expect.stringMatching(/^revoke UDP 1812 from 10\.0\.4\.10\/32 in sg-0aaa11110aaa11110/),
    );
    expect(plan.summary).toContainEqual(
      expect.stringMatching(/^no change to NPS server i-0aaaaaaaaaaaaaaa1 \(10\.0\.3\.10\): /),
    );
    expect(plan.summary).toContainEqual(expect.stringMatching(/^update RADIUS on d-1111111111: servers are/));
  });

  it("summarises a directory that needs no change", () => {
    // Prepare
    const desired = loadDesired();
    const discovery = loadConvergedDiscovery();

    // Act
    const plan = planChanges({ desired, discovery, now: NOW });

    // Assess
    expect(plan.summary).toContain(
      "no change to d-1111111111: RADIUS settings and secret version are as wanted",
    );
  });

  it("throws InvalidInput when now is not a date-time", () => {
    // Prepare
    const desired = loadDesired();
    const discovery = loadFreshDiscovery();

    // Act
    const act = () => planChanges({ desired, discovery, now: "soon" });

    // Assess
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow('now must be an ISO 8601 date-time, got "soon"');
  });
});
