import { ListCommandsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { beforeEach, describe, expect, it } from "vitest";
import { awsError, installInterceptor, priorities, type Removable } from "../support/doubles/registry.js";
import { rigClient } from "../support/rig/rig-clients.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/**
 * Test double for a lost SendCommand response: the command reaches SSM (moto, and the simulated NPS
 * hosts behind the nps-host double), but the caller gets a 500 InternalServerError, as when the
 * connection drops after SSM accepted it. The step fails with AwsThrottled and the state machine
 * retries it. Installed outside the proxy's SSM rules and the nps-host double (between the faults
 * and the rules), so SSM records the command with its targets and the hosts run it, as on AWS.
 */
function loseSendCommandResponses(
  times: number,
  options: { after?: number } = {},
): Removable & { readonly lost: number } {
  let lost = 0;
  let passed = 0;
  const handle = installInterceptor(
    { service: "ssm", operation: "SendCommand" },
    "lost-send-command-response",
    async (call, next) => {
      const reply = await next();
      if (reply.ok && passed < (options.after ?? 0)) {
        passed += 1;
        return reply;
      }
      if (!reply.ok || lost >= times) return reply;
      lost += 1;
      return awsError(call, {
        code: "InternalServerError",
        message: "connection lost after SSM accepted the command",
      });
    },
    (priorities.faults + priorities.rules) / 2,
  );
  return {
    get lost() {
      return lost;
    },
    remove: () => handle.remove(),
  };
}

/** The commands SSM holds, read straight from moto (not through the proxy, not recorded). */
async function commandsInSsm(): Promise<Array<{ commandId: string; comment: string }>> {
  const { Commands = [] } = await rigClient(SSMClient).send(new ListCommandsCommand({}));
  return Commands.map((command) => ({ commandId: command.CommandId ?? "", comment: command.Comment ?? "" }));
}

describe("a retried NPS send sends once", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("finds the command whose response was lost and waits for it instead of sending another", async () => {
    // Prepare
    const loss = loseSendCommandResponses(1);

    // Act
    const result = await runWorkflow({ mode: "reconcile" });

    // Assess: one command in SSM, sent once, found again by the retry, and it configured both hosts. The
    // push is the reconcile's phase 1 (phase 0 opens the security groups).
    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(loss.lost).toBe(1);
    const commands = await commandsInSsm();
    expect(commands).toHaveLength(1);
    expect(commands[0]?.comment).toMatch(/^radius-sync reconcile reconcile 1 [0-9a-f]{32}$/);
    expect(world.calls.callsTo("SendCommand")).toHaveLength(1);
    expect(world.calls.callsTo("ListCommands")).toHaveLength(2);
    const checked = world.calls
      .callsTo("ListCommandInvocations")
      .concat(world.calls.callsTo("GetCommandInvocation"))
      .map((call) => call.input.CommandId);
    expect(new Set(checked)).toEqual(new Set([commands[0]?.commandId]));
    for (const server of world.estate.npsServers)
      expect(world.npsHosts.clientsOf(server.instanceId).size).toBe(2);
  });

  it("keeps the lost command's nonce, so the hosts' proofs still verify during a rotation", async () => {
    // Prepare
    const first = await runWorkflow({ mode: "reconcile" });
    expect(first.status, first.cause).toBe("SUCCEEDED");
    const before = (await commandsInSsm()).length;
    // The rotate run's own reconcile push (which only verifies the servers) goes through; the
    // rotation's first push loses its response.
    const loss = loseSendCommandResponses(1, { after: 1 });

    // Act
    const result = await runWorkflow({ mode: "rotate" });

    // Assess: blue/green pushes each pool once; the lost push was not repeated.
    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect(loss.lost).toBe(1);
    const rotation = (await commandsInSsm()).slice(before);
    expect(rotation.map((command) => command.comment.split(" ").slice(0, 4).join(" "))).toEqual([
      "radius-sync rotate reconcile 0",
      "radius-sync rotate rotate 1",
      "radius-sync rotate rotate 3",
    ]);
  });
});
