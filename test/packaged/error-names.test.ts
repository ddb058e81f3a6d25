/**
 * Every typed error of shared/errors.ts, made inside a packaged bundle, reaches Step Functions under
 * its own name. Each row provokes one name from the packaged function that really raises it, with the
 * smallest input that does; the last test keeps the table complete as errors are added.
 */

import { DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { SendCommandCommand, type SendCommandCommandInput } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { workflowErrorNames } from "../../shared/errors.js";
import { currentLambdas } from "../support/lambda/current-lambdas.js";
import type { LambdaEmulator } from "../support/lambda/emulator.js";
import { unexpectedErrorNames } from "../support/lambda/error-name-guard.js";
import type { InvokeOutcome } from "../support/lambda/execution-environment.js";
import { runPackagedWorkflow } from "../support/lambda/packaged-workflow.js";
import { faults } from "../support/rig/faults.js";
import { createStateTable, launchInstance, npsSecurityGroupName } from "../support/seed.js";
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

/**
 * The discover function (it discovers, then plans) on the seeded estate changed by `change`, with
 * `environment` added to its configuration: each eligibility problem's name.
 */
const planWith =
  (change: (world: World) => Promise<void> | void, environment: Record<string, string> = {}) =>
  async (lambdas: LambdaEmulator) => {
    const world = await prepareWorld();
    await change(world);
    await lambdas.setEnvironment("discover", environment);
    try {
      return await lambdas.invoke("discover", { run, lock: noLock });
    } finally {
      await lambdas.setEnvironment("discover", {});
    }
  };

type Provocation = (lambdas: LambdaEmulator) => Promise<InvokeOutcome>;

const provocations: Record<string, Provocation> = {
  InvalidInput: (lambdas) => lambdas.invoke("validateInput", { input: { mode: "sideways" } }),
  InvalidConfiguration: planWith(() => undefined, { RADIUS_SYNC_RADIUS_TIMEOUT: "90" }),
  DirectoryNotFound: planWith(() => undefined, { RADIUS_SYNC_DIRECTORY_IDS: "d-0000000404" }),
  // The NPS servers' security group loses the seed's rule (UDP 1812 from the VPC): nothing admits the directory.
  NpsNetworkPathBlocked: planWith(async () => {
    const { SecurityGroups } = await clients.ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: "group-name", Values: [npsSecurityGroupName] }],
      }),
    );
    await clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: SecurityGroups?.[0]?.GroupId,
        IpPermissions: [
          { IpProtocol: "udp", FromPort: 1812, ToPort: 1812, IpRanges: [{ CidrIp: "10.0.0.0/16" }] },
        ],
      }),
    );
  }),
  DirectoryNotActive: planWith((world) =>
    world.stages.setStage(world.estate.directory.directoryId, "Impaired"),
  ),
  DirectoryHasNoRadiusSources: planWith((world) =>
    world.drift.setConnectIps(world.estate.directory.directoryId, []),
  ),
  NoNpsServers: planWith(() => undefined, { RADIUS_SYNC_NPS_TAG: "radius-sync:nps=nowhere" }),
  NpsServerNotManaged: planWith(
    (world) => world.nodes.markNotRegistered(world.estate.npsServers[0].instanceId),
    { RADIUS_SYNC_NPS_INSTANCE_IDS: "i-0000000000000404a" },
  ),
  NpsServerOffline: planWith((world) =>
    world.nodes.setPingStatus(world.estate.npsServers[0].instanceId, "ConnectionLost"),
  ),
  NpsServerNotWindows: planWith(async (world) => {
    const { estate } = world;
    await launchInstance({
      imageId: estate.linuxImageId,
      subnet: estate.subnets[0],
      name: "linux",
      tagged: true,
    });
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

type Progress = { attempt: number; targets?: Array<{ instanceId: string }> } & Record<string, unknown>;

/** What a packaged reconcile handed its Task states, read back from its event log. */
interface ReconciledInputs {
  checkNps: { progress: Progress; secret: Record<string, unknown> } & Record<string, unknown>;
  updateDirectory: Record<string, unknown>;
  checkRadius: { progress: Progress } & Record<string, unknown>;
}

/** The first NPS server the reconcile's check looked at. */
const checkedServer = (inputs: ReconciledInputs) => inputs.checkNps.progress.targets?.[0]?.instanceId ?? "";

/**
 * The check's input for the reconcile's command to the checked server sent again, as it was (same
 * document, servers, parameters and nonce): the reconcile's own invocations have ended, and an ended
 * invocation stays as it ended, so an outcome set now applies to the new command's.
 */
async function checkOfFreshCommand(world: World, inputs: ReconciledInputs) {
  const server = checkedServer(inputs);
  const sent = world.calls
    .callsTo("SendCommand")
    .findLast((call) => (call.input.InstanceIds as string[] | undefined)?.includes(server));
  if (sent === undefined) throw new Error(`the reconcile sent no command to ${server}`);
  const input = sent.input as unknown as SendCommandCommandInput;
  const { Command } = await clients.ssm.send(new SendCommandCommand(input));
  const resent = new Set(input.InstanceIds);
  const targets = (inputs.checkNps.progress.targets ?? []).map((target) =>
    resent.has(target.instanceId) ? { ...target, commandId: Command?.CommandId ?? "" } : target,
  );
  return { ...inputs.checkNps, progress: { ...inputs.checkNps.progress, targets } };
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
    checkNps: inputOf("CheckNpsServers") as ReconciledInputs["checkNps"],
    updateDirectory: inputOf("UpdateDirectories"),
    checkRadius: inputOf("CheckDirectories") as ReconciledInputs["checkRadius"],
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
  // A hub's rotation while a member target's role cannot be assumed: planned as a problem, nothing changed.
  TargetUnreachable: async (lambdas) => {
    faults.deny({ service: "sts", operation: "AssumeRole", account: "111122223333" });
    await lambdas.setEnvironment("discover", { RADIUS_SYNC_TARGETS: "111122223333:eu-west-1" });
    try {
      return await lambdas.invoke("discover", { run: { ...run, mode: "rotate" }, lock: noLock });
    } finally {
      await lambdas.setEnvironment("discover", {});
    }
  },
  SecretInvalid: async (lambdas, _world, { updateDirectory }) => {
    const unusable = await createUnusableSecret();
    return await lambdas.invoke("updateDirectoryRadius", {
      ...updateDirectory,
      secret: { arn: unusable.arn, currentVersionId: unusable.versionId },
    });
  },
  RadiusUpdateFailed: async (lambdas, world, { checkRadius }) => {
    world.radiusStatus.setSequence(world.estate.directory.directoryId, ["Failed"], { startNow: true });
    return await lambdas.invoke("checkRadiusStatus", checkRadius);
  },
  RadiusUpdateTimedOut: async (lambdas, world, { checkRadius }) => {
    world.radiusStatus.setSequence(world.estate.directory.directoryId, ["Creating"], { startNow: true });
    const progress = { ...checkRadius.progress, attempt: 0 };
    return await lambdas.invoke("checkRadiusStatus", { ...checkRadius, progress, maxPolls: 1 });
  },
  // Given up on (and cancelled) at the 5th check; the cancel has not taken by the next one, the last it waits.
  NpsCommandTimedOut: async (lambdas, world, inputs) => {
    world.invocations.setOutcome(checkedServer(inputs), { pendingPolls: "forever" });
    const check = await checkOfFreshCommand(world, inputs);
    const givenUp = { attempt: 5, reason: "1 NPS server(s) did not finish after 5 checks" };
    const progress = { ...check.progress, attempt: 5, givenUp };
    const outcome = await lambdas.invoke("checkNpsCommand", {
      ...check,
      progress,
      maxPolls: 1,
      cancelPolls: 1,
    });
    world.invocations.clear(checkedServer(inputs));
    return outcome;
  },
  NpsCommandFailed: async (lambdas, world, inputs) => {
    world.invocations.setOutcome(checkedServer(inputs), {
      status: "Failed",
      standardErrorContent: "Import-Module : The specified module 'NPS' was not loaded",
    });
    return await lambdas.invoke("checkNpsCommand", await checkOfFreshCommand(world, inputs));
  },
  // The script's named failures (sync-nps.ps1 prints "radius-sync NPS sync failed [<name>]: <why>").
  ...Object.fromEntries(
    [
      "NpsRoleMissing",
      "NpsMfaExtensionMissing",
      "NpsMfaExtensionBypassed",
      "SsmAgentOutdated",
      "NpsHostBusy",
      "NpsCommandSuperseded",
      "NpsSecretLoggingEnabled",
    ].map((name) => [
      name,
      async (lambdas: LambdaEmulator, world: World, inputs: ReconciledInputs) => {
        const server = checkedServer(inputs);
        world.invocations.setOutcome(server, {
          status: "Failed",
          standardErrorContent: `radius-sync NPS sync failed [${name}]: the prerequisite is not met`,
        });
        const outcome = await lambdas.invoke("checkNpsCommand", await checkOfFreshCommand(world, inputs));
        // The batched check names the server and quotes the script's reason.
        const message = outcome.ok ? "" : outcome.error.errorMessage;
        expect(message).toContain(server);
        expect(message).toContain("the prerequisite is not met");
        return outcome;
      },
    ]),
  ),
  // The server reports Success, but IAS has not loaded what it configured (a restart still owed).
  NpsRestartPending: async (lambdas, world, inputs) => {
    const server = checkedServer(inputs);
    world.invocations.clear(server);
    const summary = world.npsHosts.lastOutputOf(server)?.summary;
    if (summary === undefined) throw new Error(`the reconcile left no summary for ${server}`);
    world.invocations.setOutcome(server, {
      status: "Success",
      standardOutputContent: `${JSON.stringify({ ...summary, restartPending: true })}\n`,
    });
    try {
      return await lambdas.invoke("checkNpsCommand", await checkOfFreshCommand(world, inputs));
    } finally {
      world.invocations.clear(server);
    }
  },
  // The server's IAS listens on 1645 only; the directories send to 1812.
  NpsPortMismatch: async (lambdas, world, inputs) => {
    const server = checkedServer(inputs);
    world.invocations.clear(server);
    const model = world.npsHosts.modelOf(server);
    const ports = model.authenticationPorts;
    model.authenticationPorts = [1645];
    try {
      return await lambdas.invoke("checkNpsCommand", await checkOfFreshCommand(world, inputs));
    } finally {
      model.authenticationPorts = ports;
    }
  },
  // The host proved the version it was sent; asked to confirm another version, the proofs differ.
  NpsSecretMismatch: async (lambdas, world, inputs) => {
    world.invocations.clear(checkedServer(inputs));
    const other = await clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: String(inputs.checkNps.secret.arn),
        SecretString: "another-secret-value-that-no-nps-server-holds-0123456789abcdefghij",
        VersionStages: ["AWSPENDING"],
      }),
    );
    const secret = { ...inputs.checkNps.secret, currentVersionId: other.VersionId };
    return await lambdas.invoke("checkNpsCommand", { ...inputs.checkNps, secret });
  },
  AwsThrottled: async (lambdas, _world, { checkNps }) => {
    const throttled = faults.fail({
      service: "ssm",
      operation: "ListCommandInvocations",
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
