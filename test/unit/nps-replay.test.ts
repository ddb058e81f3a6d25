/**
 * The bench's replay of NPS restarts (bench/nps-replay.ts): how many servers restart IAS at one step,
 * and the steps at which a directory has no server answering it, from the Run Command model's events
 * and the NPS host double's runs.
 */
import { describe, expect, it } from "vitest";
import { promotionFigures, replayNpsRestarts } from "../../bench/nps-replay.js";
import type { HostRun, RunningClient } from "../../test/support/doubles/nps-host.js";
import type { RunCommandEvent } from "../../test/support/rig/run-command/model.js";

const client = (ip: string, secretVersionId: string, enabled = true): RunningClient => ({
  name: `radius-sync-d-1111111111-${ip.replaceAll(".", "-")}`,
  ip,
  secretVersionId,
  enabled,
});
const serving = [client("10.0.1.10", "v1")];
const directory = { directoryId: "d-1111111111", ips: ["10.0.1.10", "10.0.2.10"], secretVersionId: "v1" };

function run(instanceId: string, overrides: Partial<HostRun> = {}): HostRun {
  return {
    instanceId,
    commandId: "c-1",
    startedAt: 0,
    restarted: true,
    killed: false,
    secretVersionId: "v1",
    runningBefore: serving,
    runningAfter: serving,
    ...overrides,
  };
}

let sequence = 0;
const event = (kind: "started" | "ended", instanceId: string, commandId = "c-1"): RunCommandEvent => {
  sequence += 1;
  return { sequence, time: sequence, kind, commandId, documentName: "radius-sync-nps", instanceId };
};

const replay = (events: RunCommandEvent[], runs: HostRun[], initial = serving) =>
  replayNpsRestarts({
    events,
    runs,
    servers: ["i-a", "i-b"],
    initial: new Map([
      ["i-a", initial],
      ["i-b", initial],
    ]),
    directories: [directory],
  });

describe("replayNpsRestarts", () => {
  it("counts one server restarting at a time, and every step served, when the servers take turns", () => {
    const events = [
      event("started", "i-a"),
      event("ended", "i-a"),
      event("started", "i-b"),
      event("ended", "i-b"),
    ];

    expect(replay(events, [run("i-a"), run("i-b")])).toEqual({
      runs: 2,
      restarts: 2,
      mostRestartingAtOnce: 1,
      steps: 5,
      stepsWithoutServingServer: 0,
      unservedDirectories: [],
    });
  });

  it("counts two restarting at once, and the step at which the directory had no server, when they overlap", () => {
    const events = [
      event("started", "i-a"),
      event("started", "i-b"),
      event("ended", "i-a"),
      event("ended", "i-b"),
    ];

    const figures = replay(events, [run("i-a"), run("i-b")]);

    expect(figures.mostRestartingAtOnce).toBe(2);
    expect(figures.stepsWithoutServingServer).toBe(1);
    expect(figures.unservedDirectories).toEqual([directory.directoryId]);
  });

  it("does not count a run that changed nothing as restarting", () => {
    const events = [
      event("started", "i-a"),
      event("started", "i-b"),
      event("ended", "i-a"),
      event("ended", "i-b"),
    ];

    const figures = replay(events, [run("i-a", { restarted: false }), run("i-b", { restarted: false })]);

    expect(figures).toMatchObject({ restarts: 0, mostRestartingAtOnce: 0, stepsWithoutServingServer: 0 });
  });

  it("does not count a server whose IAS runs another secret, or a disabled client, as answering", () => {
    const other = [client("10.0.1.10", "v0")];
    const events = [event("started", "i-a"), event("ended", "i-a")];

    // i-a ends with its client disabled (a closed door), i-b runs another secret throughout.
    const figures = replayNpsRestarts({
      events,
      runs: [run("i-a", { runningAfter: [client("10.0.1.10", "v1", false)] })],
      servers: ["i-a", "i-b"],
      initial: new Map([
        ["i-a", serving],
        ["i-b", other],
      ]),
      directories: [directory],
    });

    // Before: i-a answers. While it restarts, and after (disabled): nobody.
    expect(figures).toMatchObject({ steps: 3, stepsWithoutServingServer: 2 });
  });

  it("ignores events of commands it has no run for (another document's)", () => {
    const events = [event("started", "i-a", "c-health"), event("ended", "i-a", "c-health")];

    expect(replay(events, [])).toMatchObject({ runs: 0, steps: 1, stepsWithoutServingServer: 0 });
  });
});

describe("promotionFigures", () => {
  it("counts the servers whose running clients of ours all hold the promoted version, ignoring foreign ones", () => {
    const foreign: RunningClient = { name: "corp-vpn", ip: "10.9.0.1", secretVersionId: "", enabled: true };
    const running = new Map([
      ["i-a", [client("10.0.1.10", "v2"), client("10.0.2.10", "v2"), foreign]],
      ["i-b", [client("10.0.1.10", "v2"), client("10.0.2.10", "v1")]],
      ["i-c", [foreign]],
    ]);

    expect(promotionFigures(running, "radius-sync-", "v2")).toEqual({ servers: 3, runningNewSecret: 1 });
  });
});
