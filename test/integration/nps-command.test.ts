import { beforeEach, describe, expect, it } from "vitest";
import { createSharedSecret } from "../../shared/aws/secrets.js";
import { getInvocation } from "../../shared/aws/ssm.js";
import { getConfig } from "../../shared/config.js";
import type { NpsPushPhase } from "../../shared/core/phases.js";
import { SECRET_EXCLUDED_CHARACTERS } from "../../shared/core/secret-policy.js";
import { maxClients, ssmStandardOutputLimit } from "../../shared/nps/index.js";
import type { Run } from "../../shared/run.js";
import { checkNpsServers, startNpsPhase } from "../../shared/steps/nps-phase.js";
import { installCommandInvocationDouble, recordApiCalls } from "../support/doubles/index.js";
import { installNpsHostDouble, type NpsHostDouble } from "../support/doubles/nps-host.js";
import { type SeededEstate, seedEnvironment } from "../support/seed.js";

const run: Run = {
  mode: "reconcile",
  dryRun: false,
  executionId: "arn:aws:states:us-east-1:123456789012:execution:radius-sync-test:nps-command",
  startedAt: "2026-11-24T12:00:00.000Z",
};

/** `count` clients of 50 directories with the longest ids and addresses the estate could have. */
function largestClientList(count: number): Array<{ name: string; ip: string }> {
  return Array.from({ length: count }, (_, index) => {
    const directory = `d-${(1_000_000_000 + Math.floor(index / 10)).toString(16).padStart(10, "0")}`;
    const ip = `10.${100 + Math.floor(index / 200)}.${100 + Math.floor((index % 200) / 2)}.${200 + (index % 2)}`;
    return { name: `radius-sync-${directory}-${ip.replaceAll(".", "-")}`, ip };
  });
}

describe("one NPS command at the largest estate it may carry", () => {
  let estate: SeededEstate;
  let nps: NpsHostDouble;
  beforeEach(async () => {
    estate = await seedEnvironment();
    nps = installNpsHostDouble();
    installCommandInvocationDouble();
  });

  it(`configures ${maxClients} clients and reads back a summary well inside SSM's 24,000 characters`, async () => {
    // Prepare
    const config = getConfig();
    const secret = await createSharedSecret({
      name: config.secret.name,
      length: 64,
      excludeCharacters: SECRET_EXCLUDED_CHARACTERS,
      clientRequestToken: "00000000-0000-4000-8000-000000000001",
    });
    const clients = largestClientList(maxClients);
    const server = estate.npsServers[0].instanceId;
    const calls = recordApiCalls();

    // Act
    const phase: NpsPushPhase = {
      kind: "nps",
      instanceIds: [server],
      secret: "current",
      mismatch: false,
      reason: "test",
    };
    const phaseSecret = { arn: secret.arn, currentVersionId: secret.versionId };
    const started = await startNpsPhase({
      config,
      run,
      push: { step: "reconcile", index: 0 },
      lockAcquiredAt: run.startedAt,
      phase,
      secret: phaseSecret,
      clients,
    });
    const [target] = started.targets ?? [];
    const check = await checkNpsServers({
      config,
      run,
      phase,
      secret: phaseSecret,
      clients,
      progress: started,
      maxPolls: 3,
      cancelPolls: 20,
    });

    // Assess: verified against all of its clients, from a summary the proxy had no need to cut.
    expect(check.status).toBe("done");
    expect(nps.clientsOf(server).size).toBe(maxClients);
    expect(calls.callsTo("GetCommandInvocation").map((call) => call.status)).toEqual([200]);
    const { standardOutput } = await getInvocation(target ?? { instanceId: server, commandId: "" });
    expect(standardOutput.length).toBeLessThan(ssmStandardOutputLimit / 10);
  });
});
