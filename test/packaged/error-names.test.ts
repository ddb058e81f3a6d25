/**
 * Every typed error of shared/errors.ts, made inside a packaged bundle, reaches Step Functions under
 * its own name. Each row provokes one name from the packaged function that really raises it, with the
 * smallest input that does; the last test keeps the table complete as errors are added.
 */

import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import type { Discovery } from "../../shared/core/model.js";
import { workflowErrorNames } from "../../shared/errors.js";
import { loadFreshDiscovery } from "../fixtures/plan/fixtures.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import type { LambdaEmulator } from "../support/lambda/emulator.js";
import { unexpectedErrorNames } from "../support/lambda/error-name-guard.js";
import type { InvokeOutcome } from "../support/lambda/function-process.js";
import { runPackagedWorkflow } from "../support/lambda/packaged-workflow.js";
import { faults } from "../support/rig/faults.js";
import { createStateTable } from "../support/seed.js";
import { prepareWorld, type World } from "../support/world.js";

const run = {
  mode: "reconcile",
  dryRun: false,
  executionId: "arn:aws:states:us-east-1:123456789012:execution:radius-sync-ci:error-names",
  startedAt: "2026-11-24T12:00:00.000Z",
} as const;
const noLock = { status: "none", attempt: 0 } as const;

/** The name Step Functions matches: a thrown error's errorType, or the Error a step returns for a Fail state. */
function arrivingName(outcome: InvokeOutcome): string | undefined {
  if (!outcome.ok) return outcome.error.errorType;
  const returned = JSON.parse(outcome.payload) as { Error?: string } | null;
  return returned?.Error;
}

/** planChanges (pure) on the fixture discovery changed by `change`: each eligibility problem's name. */
const planWith = (change: (discovery: Discovery) => void) => (lambdas: LambdaEmulator) => {
  const discovery = loadFreshDiscovery();
  change(discovery);
  return lambdas.invoke("planChanges", { run, lock: noLock, discovery });
};

type Provocation = (lambdas: LambdaEmulator) => Promise<InvokeOutcome>;

const provocations: Record<string, Provocation> = {
  InvalidInput: (lambdas) => lambdas.invoke("validateInput", { input: { mode: "sideways" } }),
  InvalidConfiguration: async (lambdas) => {
    await lambdas.setEnvironment("planChanges", { RADIUS_SYNC_RADIUS_TIMEOUT: "90" });
    try {
      return await planWith(() => undefined)(lambdas);
    } finally {
      await lambdas.setEnvironment("planChanges", {});
    }
  },
  DirectoryNotFound: planWith((discovery) => discovery.missingDirectoryIds.push("d-0000000404")),
  NpsNetworkPathBlocked: planWith((discovery) => {
    for (const server of discovery.npsServers)
      server.securityGroups = [{ groupId: "sg-0a1b2c3d4e5f60718", radiusRules: [] }];
  }),
  DirectoryNotActive: planWith((discovery) => {
    for (const directory of discovery.directories) directory.stage = "Impaired";
  }),
  DirectoryHasNoRadiusSources: planWith((discovery) => {
    for (const directory of discovery.directories) directory.radiusSourceIps = [];
  }),
  NoNpsServers: planWith((discovery) => {
    discovery.npsServers = [];
  }),
  NpsServerNotManaged: planWith((discovery) => discovery.missingNpsInstanceIds.push("i-0000000000000404a")),
  NpsServerOffline: planWith((discovery) => {
    for (const server of discovery.npsServers) server.pingStatus = "ConnectionLost";
  }),
  NpsServerNotWindows: planWith((discovery) => {
    for (const server of discovery.npsServers) server.platformType = "Linux";
  }),
  LockHeld: async (lambdas) => {
    await createStateTable();
    const holder = { ...run, executionId: `${run.executionId}-holder` };
    const queued = { ...run, executionId: `${run.executionId}-queued` };
    await lambdas.invoke("acquireLock", { run: holder, attempt: 0 });
    // Waited the longest a queued execution may (RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS / poll seconds).
    return await lambdas.invoke("acquireLock", { run: queued, attempt: 3600 / 15 });
  },
};

const radiusSettings = { port: 1812, protocol: "PAP", timeoutSeconds: 30, retries: 1, displayLabel: "MFA" };

/** What a packaged reconcile handed its Task states, read back from its event log. */
interface ReconciledInputs {
  checkNps: { target: { instanceId: string } } & Record<string, unknown>;
  updateDirectory: { directory: Record<string, unknown> } & Record<string, unknown>;
  checkRadius: Record<string, unknown>;
}

/** Runs a packaged reconcile, keeping the first input each Task state handed its function. */
async function reconcileKeepingInputs(lambdas: LambdaEmulator): Promise<ReconciledInputs> {
  const inputs = new Map<string, Record<string, unknown>>();
  const result = await runPackagedWorkflow(
    { mode: "reconcile" },
    {
      lambdas,
      intercept: async (stateName, input, next) => {
        if (!inputs.has(stateName)) inputs.set(stateName, input as Record<string, unknown>);
        return await next();
      },
    },
  );
  expect(result.status, result.cause).toBe("SUCCEEDED");
  const inputOf = (stateName: string) => {
    const input = inputs.get(stateName);
    if (input === undefined) throw new Error(`the reconcile never ran ${stateName}`);
    return input;
  };
  return {
    checkNps: inputOf("CheckNpsCommand") as ReconciledInputs["checkNps"],
    updateDirectory: inputOf("UpdateDirectoryRadius") as ReconciledInputs["updateDirectory"],
    checkRadius: inputOf("CheckRadiusStatus"),
  };
}

/** A secret version that does not meet the RADIUS secret policy (too short). */
async function createUnusableSecret(): Promise<{ arn: string; versionId: string }> {
  const created = await clients.secretsManager.send(
    new CreateSecretCommand({ Name: "radius-sync-test/unusable", SecretString: "short" }),
  );
  return { arn: created.ARN ?? "", versionId: created.VersionId ?? "" };
}

type EstateProvocation = (
  lambdas: LambdaEmulator,
  world: World,
  inputs: ReconciledInputs,
) => Promise<InvokeOutcome>;

/**
 * Names raised while checking or changing a real estate, each provoked by calling the packaged
 * function again with what a packaged reconcile gave it, the world changed just enough.
 */
const estateProvocations: Record<string, EstateProvocation> = {
  SecretInvalid: async (lambdas, _world, { updateDirectory }) =>
    await lambdas.invoke("updateDirectoryRadius", {
      ...updateDirectory,
      secret: await createUnusableSecret(),
    }),
  RadiusUpdateFailed: async (lambdas, world, { checkRadius }) => {
    world.radiusStatus.setSequence(world.estate.directory.directoryId, ["Failed"], { startNow: true });
    return await lambdas.invoke("checkRadiusStatus", checkRadius);
  },
  RadiusUpdateTimedOut: async (lambdas, world, { checkRadius }) => {
    world.radiusStatus.setSequence(world.estate.directory.directoryId, ["Creating"], { startNow: true });
    return await lambdas.invoke("checkRadiusStatus", { ...checkRadius, attempt: 0, maxPolls: 1 });
  },
  NpsCommandTimedOut: async (lambdas, world, { checkNps }) => {
    world.invocations.setOutcome(checkNps.target.instanceId, { pendingPolls: "forever" });
    return await lambdas.invoke("checkNpsCommand", { ...checkNps, attempt: 0, maxPolls: 1 });
  },
  NpsCommandFailed: async (lambdas, world, { checkNps }) => {
    world.invocations.setOutcome(checkNps.target.instanceId, {
      status: "Failed",
      standardErrorContent: "Import-Module : The specified module 'NPS' was not loaded",
    });
    return await lambdas.invoke("checkNpsCommand", checkNps);
  },
  // The script's named failures (sync-nps.ps1 prints "radius-sync NPS sync failed [<name>]: <why>").
  ...Object.fromEntries(
    ["NpsRoleMissing", "NpsMfaExtensionMissing", "NpsMfaExtensionBypassed", "SsmAgentOutdated"].map(
      (name) => [
        name,
        async (lambdas: LambdaEmulator, world: World, { checkNps }: ReconciledInputs) => {
          world.invocations.setOutcome(checkNps.target.instanceId, {
            status: "Failed",
            standardErrorContent: `radius-sync NPS sync failed [${name}]: the prerequisite is not met`,
          });
          return await lambdas.invoke("checkNpsCommand", checkNps);
        },
      ],
    ),
  ),
  // The host proved the version it was sent; asked to confirm another version, the proofs differ.
  NpsSecretMismatch: async (lambdas, world, { checkNps }) => {
    world.invocations.clear(checkNps.target.instanceId);
    const other = await clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: String(checkNps.secretArn),
        SecretString: "another-secret-value-that-no-nps-server-holds-0123456789abcdefghij",
        VersionStages: ["AWSPENDING"],
      }),
    );
    return await lambdas.invoke("checkNpsCommand", { ...checkNps, secretVersionId: other.VersionId });
  },
  AwsThrottled: async (lambdas, _world, { checkNps }) => {
    const throttled = faults.fail({
      service: "ssm",
      operation: "GetCommandInvocation",
      code: "ThrottlingException",
    });
    try {
      return await lambdas.invoke("checkNpsCommand", checkNps);
    } finally {
      throttled.remove();
    }
  },
  RollbackFailed: async (lambdas, world) =>
    await lambdas.invoke("explainRollbackFailure", {
      scope: {
        strategy: "in-place",
        servers: world.estate.npsServers.map((server) => ({
          instanceId: server.instanceId,
          ip: server.privateIp,
        })),
        directoryIds: [world.estate.directory.directoryId],
        settings: radiusSettings,
      },
      error: { Error: "NpsCommandFailed", Cause: "the push failed" },
      rollbackError: { Error: "NpsCommandFailed", Cause: "the way back failed too" },
      executionId: run.executionId,
    }),
};

describe("every typed error leaves a packaged bundle under its own name", () => {
  it.each(Object.keys(provocations))("%s", async (name) => {
    const lambdas = currentLambdas();
    const provoke = provocations[name] as Provocation;

    const outcome = await provoke(lambdas);

    expect(arrivingName(outcome), JSON.stringify(outcome)).toBe(name);
  });

  it("after a packaged reconcile: each name its checks and changes raise", async () => {
    const lambdas = currentLambdas();
    const world = await prepareWorld();
    const inputs = await reconcileKeepingInputs(lambdas);

    for (const [name, provoke] of Object.entries(estateProvocations)) {
      const outcome = await provoke(lambdas, world, inputs);

      expect(arrivingName(outcome), `${name}: ${JSON.stringify(outcome).slice(0, 2000)}`).toBe(name);
    }
  });

  it("the guard reports a bundle's error under a name the workflow does not know", () => {
    const minified = { functionKey: "discover", errorType: "pe", origin: "bundle" as const };
    const fromTheSdk = {
      functionKey: "discover",
      errorType: "AccessDeniedException",
      origin: "aws-sdk" as const,
    };

    expect(unexpectedErrorNames([minified, fromTheSdk])).toEqual([minified]);
  });

  it("the table provokes every name in shared/errors.ts", () => {
    const provoked = [...Object.keys(provocations), ...Object.keys(estateProvocations)];
    expect(provoked.sort()).toEqual([...workflowErrorNames].sort());
  });
});
