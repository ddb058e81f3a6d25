import { beforeEach, describe, expect, it } from "vitest";
import { agree, readSecretSides } from "../support/agreement.js";
import { readDirectoryRadius, readSecret, readUdpRules } from "../support/inspect.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import { runPackagedWorkflow } from "../support/lambda/packaged-workflow.js";
import { npsHostsChanged, prepareWorld, type World } from "../support/world.js";

/**
 * The packaged functions (Node 22, minified CommonJS, the runtime's SDK) bound to the packaged
 * definition, on the scenarios users run: one file, so the function environments stay warm across
 * them as in a deployed stack.
 */
const sorted = (values: Iterable<string>) => [...values].sort();

describe("the packaged functions reconcile an estate", () => {
  let world: World;
  beforeEach(async () => {
    world = await prepareWorld();
  });

  it("set up an unconfigured estate on the first run, and a second run changes nothing: it only checks the NPS servers", async () => {
    const lambdas = currentLambdas();

    const first = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas });

    expect(first.status, first.cause).toBe("SUCCEEDED");
    const npsIps = sorted(world.estate.npsServers.map((server) => server.privateIp));
    const directory = await readDirectoryRadius(world.estate.directory.directoryId);
    expect(directory.status).toBe("Completed");
    expect(sorted(directory.settings?.RadiusServers ?? [])).toEqual(npsIps);
    expect(directory.settings?.SharedSecret).toBe((await readSecret("AWSCURRENT")).value);
    const rules = await readUdpRules(world.estate.directory.securityGroupId);
    expect(
      sorted(rules.filter((rule) => rule.description?.startsWith("radius-sync:")).map((rule) => rule.cidr)),
    ).toEqual(npsIps.map((ip) => `${ip}/32`));
    expect(world.calls.callsTo("SendCommand")).toHaveLength(1);
    world.calls.reset();

    const second = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas });

    expect(second.status, second.cause).toBe("SUCCEEDED");
    expect(second.output).toMatchObject({ changed: false });
    // Every run checks every NPS server (issue 19): one command under the lock, each server's record.
    const mutating = world.calls.mutatingCalls().map((call) => call.operation);
    expect(mutating.filter((operation) => !["PutItem", "DeleteItem"].includes(operation))).toEqual([
      "SendCommand",
    ]);
    expect(npsHostsChanged(world)).toEqual([]);
  });
});

describe("the packaged functions rotate the shared secret", () => {
  let world: World;
  let directoryId: string;
  beforeEach(async () => {
    world = await prepareWorld();
    directoryId = world.estate.directory.directoryId;
    const reconcile = await runPackagedWorkflow({ mode: "reconcile" }, { lambdas: currentLambdas() });
    expect(reconcile.status, reconcile.cause).toBe("SUCCEEDED");
    world.calls.reset();
  });

  it("rotates blue/green with two NPS servers: AWSCURRENT moves and every side holds it", async () => {
    const before = await readSecret("AWSCURRENT");

    const result = await runPackagedWorkflow({ mode: "rotate" }, { lambdas: currentLambdas() });

    expect(result.status, result.cause).toBe("SUCCEEDED");
    const after = await readSecret("AWSCURRENT");
    expect(after.versionId).not.toBe(before.versionId);
    expect((await readSecret("AWSPREVIOUS")).versionId).toBe(before.versionId);
    expect(result.output).toMatchObject({
      changed: true,
      strategy: "blue-green",
      secretVersionId: after.versionId,
    });
    expect(agree(await readSecretSides(world, [directoryId]))).toBe(true);
  });

  it("rolls back when a directory cannot take the new secret: the error keeps its name, AWSCURRENT stays", async () => {
    const before = await readSecret("AWSCURRENT");
    world.radiusStatus.setSequence(directoryId, ["Creating", "Failed"]);

    const result = await runPackagedWorkflow(
      { mode: "rotate" },
      {
        lambdas: currentLambdas(),
        // The directory fails once; the rollback's own update then completes.
        intercept: async (_state, _input, next) => {
          try {
            return await next();
          } catch (error) {
            if ((error as Error).name === "RadiusUpdateFailed") world.radiusStatus.clear(directoryId);
            throw error;
          }
        },
      },
    );

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("RadiusUpdateFailed");
    // The Catch handed the rollback Lambda's JSON error payload; the Cause keeps its message only.
    expect(result.cause).toMatch(
      new RegExp(`^1 directory reports RadiusStatus Failed \\(${directoryId}\\): .*; rotation rolled back: `),
    );
    expect(result.cause).not.toMatch(/errorType|errorMessage|trace|at .*\.cjs/);
    const [resultEvent] = world.calls.callsTo("PutEvents");
    const detail = JSON.parse(
      (resultEvent?.input.Entries as Array<{ Detail: string }> | undefined)?.[0]?.Detail ?? "{}",
    ) as { status?: string; error?: string; cause?: string };
    expect(detail).toMatchObject({ status: "FAILED", error: "RadiusUpdateFailed" });
    expect(detail.cause).toMatch(/^1 directory reports RadiusStatus Failed .*rotation rolled back/);
    expect((await readSecret("AWSCURRENT")).versionId).toBe(before.versionId);
    expect(agree(await readSecretSides(world, [directoryId]))).toBe(true);
  });
});
