import { describe, expect, it } from "vitest";
import { mismatchWindow, planRollback, planRotation } from "../../shared/core/rotation.js";
import { InvalidInput } from "../../shared/errors.js";

/** What a rotation plan says, word for word: people read these reasons before they rotate a secret. */
const a = { instanceId: "i-0aaaaaaaaaaaaaaa1", ip: "10.0.1.10" };
const b = { instanceId: "i-0bbbbbbbbbbbbbbb2", ip: "10.0.2.30" };
const may = (directory: string, ip: string, instanceId: string) =>
  `directory ${directory} may send the current secret to ${ip} (${instanceId}), which may hold the pending secret`;

describe("planRotation's reasons", () => {
  it("in place with one server and one directory: each phase names its one way to fail", () => {
    const plan = planRotation({ strategy: "in-place", servers: [a], directoryIds: ["d-1111111111"] });
    expect(plan.reason).toBe(
      "in-place as configured, 1 NPS server: every side switches at once; MFA requests may fail during 2 of 2 phases",
    );
    expect(plan.phases.map((phase) => phase.reason)).toEqual([
      `every NPS server (i-0aaaaaaaaaaaaaaa1) takes the pending secret; MFA may fail meanwhile: ${may("d-1111111111", "10.0.1.10", a.instanceId)}`,
      `every directory switches to the pending secret; MFA may fail meanwhile: ${may("d-1111111111", "10.0.1.10", a.instanceId)}`,
    ]);
  });

  it("in place with two servers and two directories: the first way to fail, and how many more", () => {
    const plan = planRotation({
      strategy: "in-place",
      servers: [b, a],
      directoryIds: ["d-2222222222", "d-1111111111"],
    });
    expect(plan.reason).toBe(
      "in-place as configured, 2 NPS servers: every side switches at once; MFA requests may fail during 2 of 2 phases",
    );
    expect(plan.phases[0]?.reason).toBe(
      "every NPS server (i-0aaaaaaaaaaaaaaa1, i-0bbbbbbbbbbbbbbb2) takes the pending secret; MFA may fail meanwhile: " +
        `${may("d-1111111111", "10.0.1.10", a.instanceId)} (and 3 more)`,
    );
  });

  it("in place with no directory: nothing can fail, and it says so", () => {
    const plan = planRotation({ strategy: "auto", servers: [a], directoryIds: [] });
    expect(plan.reason).toBe(
      "auto chose in-place for 1 NPS server: every side switches at once; no directory sends requests, so nothing can fail meanwhile",
    );
    expect(plan.phases.map((phase) => phase.reason)).toEqual([
      "every NPS server (i-0aaaaaaaaaaaaaaa1) takes the pending secret",
      "every directory switches to the pending secret",
    ]);
  });

  it("refuses repeated directory ids, and lists every problem with its path", () => {
    const act = () =>
      planRotation({
        strategy: "auto",
        servers: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", ip: "10.0.1.300" }],
        directoryIds: ["d-1111111111", "d-1111111111"],
      });
    expect(act).toThrow(InvalidInput);
    expect(act).toThrow(
      "cannot plan a secret rotation: servers.0.ip must be an IPv4 address such as 10.0.1.5; " +
        "directoryIds must not repeat a directory id",
    );
  });
});

describe("planRollback's reasons", () => {
  it("names what may still fail in each phase, and counts one directory as one", () => {
    const rollback = planRollback({ servers: [a], directoryIds: ["d-1111111111"] });
    const unknown = "from a failed rotation's unknown point, directories may still send the pending secret";
    expect(rollback.phases.map((phase) => phase.reason)).toEqual([
      `every NPS server takes the current secret again; ${unknown} meanwhile`,
      `every directory sends the current secret to every server again; ${unknown} until its update completes`,
    ]);
    expect(rollback.reason).toBe("roll back 1 NPS server(s) and 1 directory to the current secret");
  });
});

describe("mismatchWindow's inputs", () => {
  const phases = [{ mismatch: true }, { mismatch: true }];

  it("takes zero attempts and a zero poll interval", () => {
    expect(mismatchWindow({ phases, phaseAttempts: [0, 2], pollSeconds: 0 })).toEqual({
      phases: 2,
      seconds: 0,
    });
    expect(mismatchWindow({ phases, phaseAttempts: [0, 2], pollSeconds: 10 })).toEqual({
      phases: 2,
      seconds: 20,
    });
  });

  it("refuses a bad attempt count anywhere in the list, saying what it wants", () => {
    expect(() => mismatchWindow({ phases, phaseAttempts: [1, -1], pollSeconds: 15 })).toThrow(
      new InvalidInput("phase attempts and the poll interval must be whole numbers, zero or more"),
    );
  });
});
