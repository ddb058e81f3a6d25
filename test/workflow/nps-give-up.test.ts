/**
 * No NPS command outlives its wait (issue 21, "No command outlives its wait"). SendCommand's
 * TimeoutSeconds is a delivery timeout — a command not yet started may still start until then — so a
 * push the workflow gives up on is cancelled, and the phase fails only once SSM reports each cancelled
 * invocation final: the rollback's push can never be overtaken by the abandoned one. The Run Command
 * model (test/support/rig/run-command/) starts, runs and cancels the invocations; the NPS host double
 * applies what an invocation carries when SSM starts it, so what each server ends on is what SSM let run.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { agree, readSecretSides } from "../support/agreement.js";
import { readSecret } from "../support/inspect.js";
import { installInterceptor } from "../support/rig/interceptors.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/** The checks that looked at one command: one ListCommandInvocations each. */
const checksOf = (world: World, commandId: string | undefined) =>
  world.calls.callsTo("ListCommandInvocations").filter((call) => call.input.CommandId === commandId).length;

/** What a test does to the server the rotation's first NPS push reaches (the reconcile's push, first, is left alone). */
type Slow = (instanceId: string) => void;

/**
 * Runs a blue/green rotation (default waits: 20 checks of 15 s per server) whose first NPS push —
 * to one pool of one server — `slow` makes late; the rollback's push runs normally. Returns the
 * result, the server and the command ids of the rotation's push and of the rollback's.
 */
async function rotateWithSlowPush(world: World, slow: Slow) {
  let sends = 0;
  let slowed: string | undefined;
  const commands: string[] = [];
  installInterceptor(
    { service: "ssm", operation: "SendCommand" },
    "test:the-rotation's-first-push-is-slow",
    async (call, next) => {
      sends += 1;
      const instanceIds = call.input.InstanceIds as string[];
      // Send 1 is the reconcile's push to every server; send 2 the rotation's first pool.
      if (sends === 2) {
        expect(instanceIds).toHaveLength(1);
        slowed = instanceIds[0];
        if (slowed) slow(slowed);
      }
      if (sends === 3 && slowed) world.invocations.clear(slowed);
      const reply = await next();
      commands.push(String((reply.output as { Command?: { CommandId?: string } }).Command?.CommandId));
      return reply;
    },
    "high",
  );
  const result = await runWorkflow({ mode: "rotate" });
  if (slowed === undefined) throw new Error("the rotation never pushed to a pool");
  return { result, server: slowed, rotationCommand: commands[1], rollbackCommand: commands[2] };
}

describe("an NPS push the workflow gives up on", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
    process.env.RADIUS_SYNC_ROTATION_STRATEGY = "blue-green";
    return () => {
      delete process.env.RADIUS_SYNC_ROTATION_STRATEGY;
    };
  });

  it("is cancelled when it starts late and still runs when the turn ends; the rollback pushes only once it is Cancelled, and the server ends on AWSCURRENT", async () => {
    const before = await readSecret("AWSCURRENT");

    // The agent picks the command up 250 s after it was sent (inside the 300 s delivery timeout) and
    // the script would run 200 s: at 300 s, the end of the server's turn, it still runs. The kill
    // takes 40 s to be reported: two checks see Cancelling, which is not final.
    const { result, server, rotationCommand, rollbackCommand } = await rotateWithSlowPush(
      world,
      (instanceId) => {
        world.invocations.setStartDelay(instanceId, 250);
        world.invocations.setOutcome(instanceId, { runSeconds: 200 });
        world.invocations.setCancel(instanceId, { takes: true, afterSeconds: 40 });
      },
    );

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsCommandTimedOut");
    expect(result.cause).toContain("did not finish after 20 checks");
    expect(result.cause).toContain("radius-sync cancelled them, and each has ended");
    expect(result.cause).toContain("rotation rolled back");
    // Cancelled once, at the 20th check; the 21st and 22nd saw Cancelling, the 23rd Cancelled.
    expect(
      world.calls.callsTo("CancelCommand").map((call) => [call.input.CommandId, call.input.InstanceIds]),
    ).toEqual([[rotationCommand, [server]]]);
    expect(checksOf(world, rotationCommand)).toBe(23);
    const order = world.calls.calls.map((call) => call.operation);
    expect(order.indexOf("CancelCommand")).toBeLessThan(order.lastIndexOf("SendCommand"));
    // The late command was killed before it ended (its restart never happened); the rollback's ran after it.
    const runs = world.npsHosts.runs().filter((run) => run.instanceId === server);
    const late = runs.find((run) => run.commandId === rotationCommand);
    const rollback = runs.find((run) => run.commandId === rollbackCommand);
    expect(late).toMatchObject({ killed: true, status: "Cancelled" });
    expect(rollback?.startedAt).toBeGreaterThanOrEqual(late?.endedAt ?? Number.POSITIVE_INFINITY);
    const sides = await readSecretSides(world, [world.estate.directory.directoryId]);
    expect(sides.current.versionId).toBe(before.versionId);
    expect(agree(sides)).toBe(true);
  });

  it("waits until a cancel that does not take has ended before the rollback pushes: the server ends on AWSCURRENT", async () => {
    // Starts after 200 s, runs 200 s, and the kill does not take ("There is no guarantee that the
    // command will be terminated", CancelCommand): it applies the pending secret and ends at 400 s.
    const { result, server, rotationCommand, rollbackCommand } = await rotateWithSlowPush(
      world,
      (instanceId) => {
        world.invocations.setStartDelay(instanceId, 200);
        world.invocations.setOutcome(instanceId, { runSeconds: 200 });
        world.invocations.setCancel(instanceId, { takes: false });
      },
    );

    expect(result.error).toBe("NpsCommandTimedOut");
    expect(result.cause).toContain("radius-sync cancelled them, and each has ended");
    const runs = world.npsHosts.runs().filter((run) => run.instanceId === server);
    const late = runs.find((run) => run.commandId === rotationCommand);
    const rollback = runs.find((run) => run.commandId === rollbackCommand);
    expect(late).toMatchObject({ killed: false, status: "Success" });
    expect(rollback?.startedAt).toBeGreaterThanOrEqual(late?.endedAt ?? Number.POSITIVE_INFINITY);
    // 20 checks for the turn, then 7 of the cancel wait: the 27th, at 405 s, saw it end.
    expect(checksOf(world, rotationCommand)).toBe(27);
    expect(agree(await readSecretSides(world, [world.estate.directory.directoryId]))).toBe(true);
  });

  it("ends by SSM's execution timeout when the cancel does not take and the script would run on", async () => {
    // Starts at 200 s and would run 1,000 s: SSM's execution timeout (300 s, the document's) ends it
    // at 500 s, inside the 300 s the phase waits after cancelling.
    const { result, server, rotationCommand } = await rotateWithSlowPush(world, (instanceId) => {
      world.invocations.setStartDelay(instanceId, 200);
      world.invocations.setOutcome(instanceId, { runSeconds: 1000 });
      world.invocations.setCancel(instanceId, { takes: false });
    });

    expect(result.error).toBe("NpsCommandTimedOut");
    expect(result.cause).toContain("each has ended");
    const late = world.npsHosts
      .runs()
      .find((run) => run.instanceId === server && run.commandId === rotationCommand);
    expect(late).toMatchObject({ killed: true, status: "TimedOut" });
    expect(checksOf(world, rotationCommand)).toBe(34);
    expect(agree(await readSecretSides(world, [world.estate.directory.directoryId]))).toBe(true);
  });

  it("cancels a command still Pending when the turn ends (its agent would pick it up at 400 s): it never runs", async () => {
    // The pool push's delivery timeout is the server's turn (300 s): at the 20th check, at 300 s, the
    // invocation is still Pending; cancelled then, it is Cancelled at the next check and never starts.
    const { result, server, rotationCommand, rollbackCommand } = await rotateWithSlowPush(
      world,
      (instanceId) => world.invocations.setStartDelay(instanceId, 400),
    );

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("NpsCommandTimedOut");
    expect(result.cause).toContain(`${server} (command ${rotationCommand}, Pending)`);
    expect(result.cause).toContain("radius-sync cancelled them, and each has ended");
    expect(result.cause).toContain("rotation rolled back");
    expect(world.calls.callsTo("CancelCommand")).toHaveLength(1);
    expect(checksOf(world, rotationCommand)).toBe(21);
    const runs = world.npsHosts.runs().filter((run) => run.instanceId === server);
    expect(runs.map((run) => run.commandId)).not.toContain(rotationCommand);
    expect(runs.map((run) => run.commandId)).toContain(rollbackCommand);
    expect(agree(await readSecretSides(world, [world.estate.directory.directoryId]))).toBe(true);
  });
});
