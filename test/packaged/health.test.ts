import { beforeEach, describe, expect, it } from "vitest";
import type { HealthResult } from "../../shared/steps/nps-health.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { runPackagedWorkflow } from "../support/lambda/packaged-workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/**
 * The read-only NPS health check as it ships: the packaged health definition bound to the packaged
 * functions (minified CommonJS under the Runtime Interface Client), after a packaged reconcile.
 */
describe("the packaged NPS health check", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
    const reconcile = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas: currentLambdas() });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
  });

  it("reports a certificate 20 days from expiry and the number-matching problem, and changes nothing on the hosts", async () => {
    const [first, second] = world.estate.npsServers;
    const [certificate] = world.npsHosts.modelOf(first.instanceId).certificates ?? [];
    if (certificate === undefined) throw new Error("the model has a certificate");
    certificate.notAfter = new Date(Date.now() + 20.5 * 86_400_000).toISOString();
    delete world.npsHosts.modelOf(second.instanceId).extension.overrideNumberMatchingWithOtp;
    const before = world.estate.npsServers.map((server) =>
      structuredClone(world.npsHosts.modelOf(server.instanceId)),
    );
    world.calls.reset();

    const result = await runPackagedWorkflow(
      {},
      { lambdas: currentLambdas(), stateMachine: "HealthStateMachine" },
    );

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const servers = new Map(
      (result.output as HealthResult).servers.map((server) => [server.instanceId, server]),
    );
    expect(servers.get(first.instanceId)).toMatchObject({
      daysToCertificateExpiry: 20,
      problems: ["CertificateExpiresSoon"],
    });
    expect(servers.get(second.instanceId)?.problems).toEqual(["NumberMatchingChallenge"]);
    expect(world.estate.npsServers.map((server) => world.npsHosts.modelOf(server.instanceId))).toEqual(
      before,
    );
    expect(world.calls.callsTo("SendCommand")).toHaveLength(1);
  });
});
