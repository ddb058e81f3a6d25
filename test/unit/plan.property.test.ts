import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Discovery } from "../../shared/core/model.js";
import { isOwnedNpsClientName, isOwnedRule } from "../../shared/core/naming.js";
import { planChanges } from "../../shared/core/plan.js";
import { Plan } from "../../shared/core/plan-schema.js";
import { desiredArbitrary, discoveryArbitrary, nowArbitrary } from "../fixtures/plan/arbitraries.js";
import { applyPlanToDiscovery } from "../support/apply-plan.js";

const inputs = fc.record({ desired: desiredArbitrary, discovery: discoveryArbitrary, now: nowArbitrary });
const runs = { numRuns: 400 };

/** Key names that would hold a secret value if one ever leaked into a plan. */
const SECRET_VALUE_KEYS =
  /^(shared_?secret|secret_?string|secret_?binary|secret_?value|password|plaintext)$/i;

function keysAndValues(value: unknown, path = "plan"): { path: string; key: string; value: unknown }[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [
    { path, key, value: child },
    ...keysAndValues(child, `${path}.${key}`),
  ]);
}

describe("planChanges properties", () => {
  it("plans nothing more once a plan has been applied", () => {
    fc.assert(
      fc.property(inputs, ({ desired, discovery, now }) => {
        // Prepare
        const first = planChanges({ desired, discovery: Discovery.parse(discovery), now });
        const applied = applyPlanToDiscovery({ plan: first, discovery, desired, now });

        // Act
        const second = planChanges({ desired, discovery: applied, now });

        // Assess
        expect(second.changeCount).toBe(0);
        expect(second.secret.action).toBe("keep");
        expect(second.securityGroupRules).toEqual([]);
        expect(second.npsServers.filter((server) => server.action !== "none")).toEqual([]);
        expect(second.directories.filter((directory) => directory.action !== "none")).toEqual([]);
        expect(second.problems).toEqual(first.problems);
      }),
      runs,
    );
  });

  it("never plans anything on security-group rules or NPS clients radius-sync does not own", () => {
    fc.assert(
      fc.property(inputs, ({ desired, discovery, now }) => {
        // Act
        const plan = planChanges({ desired, discovery, now });

        // Assess
        const prefix = desired.namePrefix;
        for (const action of plan.securityGroupRules) {
          expect(action.description.startsWith(`${prefix}:`)).toBe(true);
          if (action.action === "revoke") {
            const rules = discovery.directories.find(
              (entry) => entry.directoryId === action.directoryId,
            )?.udpIngressRules;
            const owned = (rules ?? []).filter((rule) => isOwnedRule(prefix, rule));
            expect(owned).toContainEqual(
              expect.objectContaining({ fromPort: action.port, cidr: action.cidr }),
            );
          }
        }
        const clientNames = [
          ...plan.npsClients,
          ...plan.npsServers.flatMap(({ clientChanges: { create, update, remove } }) => [
            ...create,
            ...update,
            ...remove,
          ]),
        ].map((client) => client.name);
        for (const name of clientNames) expect(isOwnedNpsClientName(prefix, name)).toBe(true);
      }),
      runs,
    );
  });

  it("never carries anything secret-shaped, even when the input smuggles a secret in", () => {
    const canary = "Canary-Secret-Value-0123456789";
    fc.assert(
      fc.property(inputs, ({ desired, discovery, now }) => {
        // Prepare: extra fields a careless spread would copy into the plan.
        const smuggled = structuredClone(discovery) as Discovery & Record<string, unknown>;
        Object.assign(smuggled.secret, { sharedSecret: canary, secretString: canary });
        for (const entry of smuggled.directories) Object.assign(entry, { sharedSecret: canary });
        for (const entry of smuggled.npsServers) Object.assign(entry, { password: canary });
        Object.assign(desired.radius, { sharedSecret: canary });

        // Act
        const plan = planChanges({ desired, discovery: smuggled, now });

        // Assess
        expect(JSON.stringify(plan)).not.toContain(canary);
        for (const { path, key, value } of keysAndValues(plan)) {
          expect(SECRET_VALUE_KEYS.test(key), `${path}.${key}`).toBe(false);
          if (key === "secret") expect(typeof value, `${path}.${key}`).toBe("object");
        }
      }),
      runs,
    );
  });

  it("returns a plan that its own schema accepts, with consistent counts and one summary line per entry", () => {
    fc.assert(
      fc.property(inputs, ({ desired, discovery, now }) => {
        // Act
        const plan = planChanges({ desired, discovery, now });

        // Assess
        expect(Plan.parse(plan)).toEqual(plan);
        const pushes = plan.npsServers.filter((server) => server.action === "push").length;
        const directoryChanges = plan.directories.filter((directory) => directory.action !== "none").length;
        const secretChange = plan.secret.action === "create" ? 1 : 0;
        expect(plan.changeCount).toBe(
          secretChange + plan.securityGroupRules.length + pushes + directoryChanges,
        );
        const entries =
          1 +
          plan.securityGroupRules.length +
          plan.npsServers.length +
          plan.directories.length +
          plan.problems.length +
          plan.notes.length;
        expect(plan.summary).toHaveLength(entries);
      }),
      runs,
    );
  });

  it("plans the same whatever order discovery lists directories, servers and rules in", () => {
    fc.assert(
      // Random sort keys per position give every permutation of the short lists generated.
      fc.property(inputs, fc.array(fc.integer(), { minLength: 8, maxLength: 8 }), (input, keys) => {
        const { desired, discovery, now } = input;
        // Prepare
        const shuffled = structuredClone(discovery);
        const reorder = <T>(items: T[]): T[] =>
          items
            .map((item, index) => ({ item, key: keys[index] ?? 0 }))
            .sort((left, right) => left.key - right.key)
            .map(({ item }) => item);
        shuffled.directories = reorder(shuffled.directories).map((entry) => ({
          ...entry,
          radiusSourceIps: reorder(entry.radiusSourceIps),
          udpIngressRules: reorder(entry.udpIngressRules),
        }));
        shuffled.npsServers = reorder(shuffled.npsServers);

        // Act
        const plan = planChanges({ desired, discovery, now });
        const again = planChanges({ desired, discovery: shuffled, now });

        // Assess
        expect(again).toEqual(plan);
      }),
      runs,
    );
  });
});
