import { beforeEach, describe, expect, it } from "vitest";
import { agree, readSecretSides } from "../support/agreement.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

class InjectedFault extends Error {
  override name = "InjectedFault";
}

/** A fault at the `call`-th run of a Task state, before its work ("crash on entry") or after it ("crash before returning"). */
interface Fault {
  state: string;
  call: number;
  when: "before" | "after";
}

/** Runs the workflow with the given faults injected at the Lambda boundary. */
function runWithFaults(input: unknown, faults: Fault[]) {
  const calls = new Map<string, number>();
  return runWorkflow(input, {
    intercept: async (stateName, _event, next) => {
      const count = (calls.get(stateName) ?? 0) + 1;
      calls.set(stateName, count);
      const fault = faults.find((candidate) => candidate.state === stateName && candidate.call === count);
      if (fault?.when === "before") throw new InjectedFault(`injected before ${stateName} #${count}`);
      const output = await next();
      if (fault?.when === "after") throw new InjectedFault(`injected after ${stateName} #${count}`);
      return output;
    },
  });
}

/**
 * Every Task state on the rotate path. Blue/green with two servers runs five phases through the one
 * phase loop: directories→A (current), NPS B→pending, directories→B (pending), NPS A→pending,
 * directories→A+B (pending); each phase starts with one UpdateDirectories or PushToNpsServers and,
 * with the doubles answering at once, is checked once, so the n-th call of a loop state lands in the
 * n-th phase of its kind. A rollback's phases continue the count.
 */
const faults: Fault[] = [
  { state: "ValidateInput", call: 1, when: "before" },
  { state: "DiscoverAndPlan", call: 2, when: "before" },
  { state: "DiscoverAndPlan", call: 2, when: "after" },
  { state: "AcquireLock", call: 1, when: "after" },
  { state: "EnsureSecret", call: 1, when: "before" },
  { state: "StartRotation", call: 1, when: "before" },
  { state: "StartRotation", call: 1, when: "after" },
  { state: "UpdateDirectories", call: 1, when: "after" },
  { state: "CheckDirectories", call: 1, when: "before" },
  { state: "PushToNpsServers", call: 1, when: "before" },
  { state: "PushToNpsServers", call: 1, when: "after" },
  { state: "CheckNpsServers", call: 1, when: "before" },
  { state: "UpdateDirectories", call: 2, when: "before" },
  { state: "UpdateDirectories", call: 2, when: "after" },
  { state: "CheckDirectories", call: 2, when: "before" },
  { state: "PushToNpsServers", call: 2, when: "after" },
  { state: "CheckNpsServers", call: 2, when: "before" },
  { state: "UpdateDirectories", call: 3, when: "after" },
  { state: "CheckDirectories", call: 3, when: "before" },
  { state: "FinishRotation", call: 1, when: "before" },
  { state: "FinishRotation", call: 1, when: "after" },
  { state: "ReportRotation", call: 1, when: "before" },
];

describe("a rotation with a fault injected at one step", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
  });

  it.each(faults)(
    "ends with directory, NPS and AWSCURRENT agreeing: $state #$call ($when)",
    async (fault) => {
      const result = await runWithFaults({ mode: "rotate" }, [fault]);

      expect({
        status: result.status,
        agree: agree(await readSecretSides(world, [world.estate.directory.directoryId])),
      }).toEqual({
        status: "FAILED",
        agree: true,
      });
    },
  );
});

/** A fault in the rotation and another in its rollback. */
const doubleFaults: Array<[label: string, faults: Fault[]]> = [
  [
    "directories→B fails, then the rollback's NPS push",
    [
      { state: "CheckDirectories", call: 2, when: "before" },
      // The rotation pushed once (pool B); the rollback's push is the second.
      { state: "PushToNpsServers", call: 2, when: "after" },
    ],
  ],
  [
    "directories→A+B fails, then the rollback's directory update",
    [
      { state: "CheckDirectories", call: 3, when: "before" },
      // The rotation updated the directories three times; the rollback's update is the fourth.
      { state: "UpdateDirectories", call: 4, when: "after" },
    ],
  ],
  [
    "NPS A→pending fails, then removing AWSPENDING",
    [
      { state: "CheckNpsServers", call: 2, when: "before" },
      { state: "ConcludeRollback", call: 1, when: "before" },
    ],
  ],
  [
    "FinishRotation fails, then planning the rollback",
    [
      { state: "FinishRotation", call: 1, when: "before" },
      { state: "RollBackRotation", call: 1, when: "before" },
    ],
  ],
];

describe("a rotation whose rollback fails too", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
  });

  it.each(doubleFaults)(
    "fails loudly, and the next reconcile brings every side into agreement: %s",
    async (_label, injected) => {
      const rotation = await runWithFaults({ mode: "rotate" }, injected);
      const repair = await runWorkflow({ mode: "reconcile" });

      expect({
        rotation: `${rotation.status} ${rotation.error}`,
        explained: /AWSCURRENT is .*; directory d-.* points at .*NPS server i-/.test(rotation.cause ?? ""),
        repair: repair.status,
        agree: agree(await readSecretSides(world, [world.estate.directory.directoryId])),
      }).toEqual({ rotation: "FAILED RollbackFailed", explained: true, repair: "SUCCEEDED", agree: true });
    },
  );
});
