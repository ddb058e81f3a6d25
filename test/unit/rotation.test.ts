import { describe, expect, it } from "vitest";
import {
  initialRotationState,
  mismatchWindow,
  planRollback,
  planRotation,
  type RotationPhase,
  simulatePhases,
  simulateRotation,
} from "../../shared/core/rotation.js";
import { InvalidInput } from "../../shared/errors.js";
import { estate } from "../fixtures/rotation/fixtures.js";

const [first, second, third] = ["i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2", "i-0ccccccccccccccc3"];
const oneServer = estate.servers.filter((server) => server.instanceId === first);
const shape = (phases: RotationPhase[]) =>
  phases.map((phase) =>
    phase.kind === "nps"
      ? { kind: phase.kind, targets: phase.instanceIds, secret: phase.secret, mismatch: phase.mismatch }
      : { kind: phase.kind, targets: phase.servers, secret: phase.secret, mismatch: phase.mismatch },
  );

describe("planRotation", () => {
  it("chooses blue-green for auto with three servers and splits the pools by sorted instance id", () => {
    // Act
    const plan = planRotation({ strategy: "auto", ...estate });

    // Assess
    expect(plan.strategy).toBe("blue-green");
    expect(plan.reason).toMatch(/^auto chose blue-green for 3 NPS servers/);
    expect(plan.pools?.a.map((server) => server.instanceId)).toEqual([first, second]);
    expect(plan.pools?.b.map((server) => server.instanceId)).toEqual([third]);
    expect(plan.directoryIds).toEqual(["d-1111111111", "d-2222222222"]);
    expect(shape(plan.phases)).toEqual([
      { kind: "directories", targets: ["10.0.1.10", "10.0.3.20"], secret: "current", mismatch: false },
      { kind: "nps", targets: [third], secret: "pending", mismatch: false },
      { kind: "directories", targets: ["10.0.2.30"], secret: "pending", mismatch: false },
      { kind: "nps", targets: [first, second], secret: "pending", mismatch: false },
      {
        kind: "directories",
        targets: ["10.0.1.10", "10.0.2.30", "10.0.3.20"],
        secret: "pending",
        mismatch: false,
      },
    ]);
    expect(plan.phases.every((phase) => phase.reason.length > 0)).toBe(true);
  });

  it("chooses in-place for auto with one server and flags both phases as mismatching, saying why", () => {
    // Act
    const plan = planRotation({ strategy: "auto", servers: oneServer, directoryIds: estate.directoryIds });

    // Assess
    expect(plan.strategy).toBe("in-place");
    expect(plan.pools).toBeUndefined();
    expect(plan.reason).toMatch(/MFA requests may fail during 2 of 2 phases/);
    expect(shape(plan.phases)).toEqual([
      { kind: "nps", targets: [first], secret: "pending", mismatch: true },
      { kind: "directories", targets: ["10.0.1.10"], secret: "pending", mismatch: true },
    ]);
    expect(plan.phases[0]?.reason).toContain(
      "directory d-1111111111 may send the current secret to 10.0.1.10 (i-0aaaaaaaaaaaaaaa1), which may hold the pending secret",
    );
  });

  it("keeps in-place when configured, even with three servers", () => {
    const plan = planRotation({ strategy: "in-place", ...estate });
    expect(plan.strategy).toBe("in-place");
    expect(plan.reason).toMatch(/^in-place as configured, 3 NPS servers/);
    expect(plan.phases.map((phase) => phase.mismatch)).toEqual([true, true]);
  });

  it("sees no mismatch in-place when no directory sends requests", () => {
    const plan = planRotation({ strategy: "in-place", servers: estate.servers, directoryIds: [] });
    expect(plan.phases.some((phase) => phase.mismatch)).toBe(false);
  });

  it("refuses blue-green with a single server, naming the way out", () => {
    const act = () => planRotation({ strategy: "blue-green", servers: oneServer, directoryIds: [] });
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(/blue-green needs at least 2 NPS servers, found 1.*"in-place"/);
  });

  it.each([
    ["no servers", { servers: [] }, /at least one NPS server/],
    ["a repeated IP", { servers: [...oneServer, { instanceId: second, ip: "10.0.1.10" }] }, /repeat an IP/],
    [
      "a repeated instance id",
      { servers: [...oneServer, { instanceId: first, ip: "10.0.9.9" }] },
      /instance id/,
    ],
    ["a malformed IP", { servers: [{ instanceId: first, ip: "10.0.1.300" }] }, /IPv4/],
  ])("refuses %s", (_name, change, message) => {
    const act = () => planRotation({ strategy: "auto", directoryIds: estate.directoryIds, ...change });
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(message);
  });

  it("refuses an unknown strategy", () => {
    const act = () => planRotation({ strategy: "rolling" as "auto", ...estate });
    expect(act).toThrow(/rotation strategy must be/);
  });
});

describe("simulateRotation", () => {
  it("ends with every directory sending the pending secret to every server, all of which hold it", () => {
    // Act
    const steps = simulateRotation(planRotation({ strategy: "blue-green", ...estate }));

    // Assess
    expect(steps.at(-1)?.after).toEqual({
      directories: {
        "d-1111111111": { servers: ["10.0.1.10", "10.0.2.30", "10.0.3.20"], secret: "pending" },
        "d-2222222222": { servers: ["10.0.1.10", "10.0.2.30", "10.0.3.20"], secret: "pending" },
      },
      servers: { [first]: "pending", [second]: "pending", [third]: "pending" },
    });
    expect(steps[1]?.before).toEqual(steps[0]?.after);
  });

  it("catches a blue-green plan whose pool switches before the directories leave it", () => {
    // Prepare: swap the first two phases, so pool B switches while directories still use it.
    const plan = planRotation({ strategy: "blue-green", ...estate });
    const [pointAtA, switchB, ...rest] = plan.phases;
    if (!pointAtA || !switchB) throw new Error("fixture plan has fewer than two phases");

    // Act
    const steps = simulateRotation({ ...plan, phases: [switchB, pointAtA, ...rest] });

    // Assess: B mismatches while it switches, and again while the old settings (all servers) may be live.
    expect(steps.map((step) => step.mismatch)).toEqual([true, true, false, false, false]);
    expect(steps[0]?.mismatches).toEqual([
      "directory d-1111111111 may send the current secret to 10.0.2.30 (i-0ccccccccccccccc3), which may hold the pending secret",
      "directory d-2222222222 may send the current secret to 10.0.2.30 (i-0ccccccccccccccc3), which may hold the pending secret",
    ]);
  });

  it("treats a directory update as both settings live: switching secret and pool at once mismatches", () => {
    // Prepare: pool B already holds pending; directories go from all servers (current) to B (pending).
    const plan = planRotation({ strategy: "blue-green", ...estate });
    const [, switchB, pointAtB] = plan.phases;
    if (!switchB || !pointAtB) throw new Error("fixture plan has fewer than three phases");

    // Act
    const steps = simulateRotation({ ...plan, phases: [switchB, pointAtB] });

    // Assess: during pointAtB, the old settings still send the current secret to B.
    expect(steps.map((step) => step.mismatch)).toEqual([true, true]);
  });
});

describe("simulatePhases", () => {
  it("reports a directory pointed at an address that is no NPS server", () => {
    // Act
    const steps = simulatePhases(
      [{ kind: "directories", servers: ["10.9.9.9"], secret: "current", mismatch: false, reason: "test" }],
      { servers: estate.servers, initial: initialRotationState(estate) },
    );

    // Assess
    expect(steps[0]?.mismatches).toContain(
      "directory d-1111111111 may send requests to 10.9.9.9, which is no known NPS server",
    );
  });

  it("refuses a phase kind it does not know instead of skipping it", () => {
    const phase = {
      kind: "firewall",
      secret: "pending",
      mismatch: false,
      reason: "test",
    } as unknown as RotationPhase;
    expect(() =>
      simulatePhases([phase], { servers: estate.servers, initial: initialRotationState(estate) }),
    ).toThrow(TypeError);
  });
});

describe("planRollback", () => {
  it("switches every server, then every directory, back to the current secret", () => {
    const rollback = planRollback(estate);
    expect(shape(rollback.phases)).toEqual([
      { kind: "nps", targets: [first, second, third], secret: "current", mismatch: true },
      {
        kind: "directories",
        targets: ["10.0.1.10", "10.0.2.30", "10.0.3.20"],
        secret: "current",
        mismatch: true,
      },
    ]);
    expect(rollback.reason).toBe("roll back 3 NPS server(s) and 2 directories to the current secret");
  });

  it("restores the steady state from the middle of a blue-green rotation", () => {
    // Prepare: crash after pool B switched and the directories moved to it.
    const plan = planRotation({ strategy: "blue-green", ...estate });
    const crashed = simulateRotation(plan)[2]?.after;
    if (!crashed) throw new Error("fixture plan has fewer than three phases");

    // Act
    const steps = simulatePhases(planRollback(estate).phases, { servers: plan.servers, initial: crashed });

    // Assess
    expect(steps.at(-1)?.after).toEqual(initialRotationState(estate));
    expect(steps[0]?.mismatch).toBe(true);
  });
});

describe("mismatchWindow", () => {
  const phases = [{ mismatch: true }, { mismatch: false }, { mismatch: true }, { mismatch: true }];

  it("adds attempts × poll interval over the mismatching phases that ran", () => {
    expect(mismatchWindow({ phases, phaseAttempts: [3, 50, 4], pollSeconds: 15 })).toEqual({
      phases: 2,
      seconds: 105,
    });
  });

  it("is empty for a plan without mismatches", () => {
    const plan = planRotation({ strategy: "blue-green", ...estate });
    expect(mismatchWindow({ phases: plan.phases, phaseAttempts: [9, 9, 9, 9, 9], pollSeconds: 15 })).toEqual({
      phases: 0,
      seconds: 0,
    });
  });

  it.each([
    [{ phaseAttempts: [-1], pollSeconds: 15 }],
    [{ phaseAttempts: [1.5], pollSeconds: 15 }],
    [{ phaseAttempts: [1], pollSeconds: -15 }],
  ])("refuses negative or fractional numbers (%j)", (input) => {
    expect(() => mismatchWindow({ phases, ...input })).toThrow(InvalidInput);
  });
});
