import { ListSecretVersionIdsCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { agree, readSecretSides } from "../support/agreement.js";
import { readSecret, secretName } from "../support/inspect.js";
import { runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

async function stages(): Promise<Map<string, string[]>> {
  const { Versions = [] } = await clients.secretsManager.send(
    new ListSecretVersionIdsCommand({ SecretId: secretName(), IncludeDeprecated: true }),
  );
  return new Map(Versions.map((version) => [version.VersionId ?? "", version.VersionStages ?? []]));
}

describe("rotate", () => {
  let world: World;
  let directoryId: string;
  beforeEach(async () => {
    world = await prepareWorld();
    directoryId = world.estate.directory.directoryId;
    const reconcile = await runWorkflow({ mode: "reconcile" });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
    world.calls.reset();
  });

  it("moves AWSCURRENT to a new version, keeps the old one as AWSPREVIOUS, and every side holds the new one", async () => {
    const before = await readSecret("AWSCURRENT");

    const result = await runWorkflow({ mode: "rotate" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const after = await readSecret("AWSCURRENT");
    expect(after.versionId).not.toBe(before.versionId);
    expect((await readSecret("AWSPREVIOUS")).versionId).toBe(before.versionId);
    expect([...(await stages()).values()].filter((labels) => labels.includes("AWSPENDING"))).toEqual([]);
    expect(agree(await readSecretSides(world, [directoryId]))).toBe(true);
    expect(result.output).toMatchObject({
      changed: true,
      strategy: "blue-green",
      secretVersionId: after.versionId,
    });
    const proofs = world.calls
      .callsTo("SendCommand")
      .map((call) => (call.input.Parameters as { Nonce: string[] }).Nonce[0]);
    expect(proofs.every((nonce) => /^[0-9a-f]{32,64}$/.test(nonce ?? ""))).toBe(true);
  });

  it("with two NPS servers never lets the directory point at a server holding another secret (blue/green)", async () => {
    const versions = await stages();
    const versionOfValue = new Map<string, string>();
    for (const versionId of versions.keys()) {
      versionOfValue.set((await readSecretValue(versionId)) ?? "", versionId);
    }
    const ipOf = new Map(world.estate.npsServers.map((server) => [server.instanceId, server.privateIp]));
    const current = await readSecret("AWSCURRENT");

    const result = await runWorkflow({ mode: "rotate" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const pending = (await readSecret("AWSCURRENT")).versionId;
    versionOfValue.set((await readSecret("AWSCURRENT")).value, pending);
    // Replay every change in the order it was sent, checking the invariant after each one.
    const npsHolds = new Map(world.estate.npsServers.map((server) => [server.privateIp, current.versionId]));
    let directory = { servers: [...ipOf.values()], versionId: current.versionId };
    const violations: string[] = [];
    for (const call of world.calls.calls) {
      if (call.operation === "SendCommand") {
        const version = (call.input.Parameters as { SecretVersion: string[] }).SecretVersion[0] ?? "";
        for (const instanceId of call.input.InstanceIds as string[])
          npsHolds.set(ipOf.get(instanceId) ?? "", version);
      } else if (call.operation === "UpdateRadius") {
        const settings = call.input.RadiusSettings as { RadiusServers: string[]; SharedSecret: string };
        directory = {
          servers: settings.RadiusServers,
          versionId: versionOfValue.get(settings.SharedSecret) ?? "unknown",
        };
      } else continue;
      for (const server of directory.servers) {
        if (npsHolds.get(server) !== directory.versionId) violations.push(`${call.operation}: ${server}`);
      }
    }
    expect(violations).toEqual([]);
    expect(world.calls.callsTo("UpdateRadius").length).toBeGreaterThanOrEqual(3);
    expect(result.output).toMatchObject({ mismatchWindow: { phases: 0, seconds: 0 } });
  });

  it("in place reports its mismatch window", async () => {
    process.env.RADIUS_SYNC_ROTATION_STRATEGY = "in-place";
    try {
      const result = await runWorkflow({ mode: "rotate" });

      expect(result.status, result.cause).toBe("SUCCEEDED");
      const output = result.output as {
        strategy: string;
        mismatchWindow: { phases: number; seconds: number };
      };
      expect(output.strategy).toBe("in-place");
      expect(output.mismatchWindow.phases).toBeGreaterThanOrEqual(1);
      expect(output.mismatchWindow.seconds).toBeGreaterThan(0);
      expect(agree(await readSecretSides(world, [directoryId]))).toBe(true);
    } finally {
      delete process.env.RADIUS_SYNC_ROTATION_STRATEGY;
    }
  });

  it("shows the secret's age and how the last rotation ended in a dry run's output", async () => {
    const rotation = await runWorkflow({ mode: "rotate" });
    expect(rotation.status, rotation.cause).toBe("SUCCEEDED");

    const preview = await runWorkflow({ mode: "rotate", dryRun: true });

    const current = await readSecret("AWSCURRENT");
    expect(preview.output).toMatchObject({
      dryRun: true,
      secret: {
        currentVersionId: current.versionId,
        ageDays: expect.any(Number),
        lastRotation: { status: "SUCCEEDED", currentVersionId: current.versionId },
      },
    });
    expect((preview.output as { plan: { summary: string[] } }).plan.summary.join("\n")).toContain(
      "rotate the shared secret",
    );
  });

  it("records a rolled-back rotation as the last rotation, with its error", async () => {
    const failed = await runWorkflow(
      { mode: "rotate" },
      {
        intercept: async (state, _input, next) => {
          if (state === "FinishRotation")
            throw Object.assign(new Error("injected"), { name: "InjectedFault" });
          return next();
        },
      },
    );
    expect(failed.error).toBe("InjectedFault");
    expect(failed.cause).toContain("rotation rolled back");

    const preview = await runWorkflow({ mode: "reconcile", dryRun: true });

    expect(preview.output).toMatchObject({
      secret: { lastRotation: { status: "ROLLED_BACK", error: "InjectedFault" } },
    });
  });

  it("works twice in a row", async () => {
    const first = await runWorkflow({ mode: "rotate" });
    const middle = await readSecret("AWSCURRENT");
    const second = await runWorkflow({ mode: "rotate" });

    expect([first.status, second.status]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect((await readSecret("AWSPREVIOUS")).versionId).toBe(middle.versionId);
    expect((await readSecret("AWSCURRENT")).versionId).not.toBe(middle.versionId);
    expect(agree(await readSecretSides(world, [directoryId]))).toBe(true);
  });

  it("after a crashed rotation cleans up the AWSPENDING it left and proceeds", async () => {
    const { VersionId: leftover } = await clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretName(),
        SecretString: "Left-by-a-crashed-rotation-0123456789",
        VersionStages: ["AWSPENDING"],
      }),
    );

    const result = await runWorkflow({ mode: "rotate" });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const labels = await stages();
    expect(labels.get(leftover ?? "")).not.toContain("AWSPENDING");
    expect(labels.get(leftover ?? "")).not.toContain("AWSCURRENT");
    expect([...labels.values()].filter((stage) => stage.includes("AWSPENDING"))).toEqual([]);
    expect(agree(await readSecretSides(world, [directoryId]))).toBe(true);
  });
});

async function readSecretValue(versionId: string): Promise<string | undefined> {
  const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const answer = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretName(), VersionId: versionId }),
  );
  return answer.SecretString;
}
