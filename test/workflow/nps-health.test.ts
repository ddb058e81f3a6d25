import { readFileSync } from "node:fs";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateStateMachineCommand } from "@aws-sdk/client-sfn";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countHistoryEvents } from "../../bench/history.js";
import { countStateTransitions } from "../../bench/measure.js";
import { clients } from "../../shared/aws/clients.js";
import type { HealthResult } from "../../shared/steps/nps-health.js";
import { installStepFunctionsDouble, type StepFunctionsDouble } from "../support/doubles/step-functions.js";
import { radiusSyncEnvironment } from "../support/environment.js";
import type { AccessRequest } from "../support/nps-model/nps-evaluate.js";
import type { NpsModel } from "../support/nps-model/nps-model.js";
import { definitionPath, runWorkflow } from "../support/workflow.js";
import { prepareWorld, type World } from "../support/world.js";

/**
 * The read-only NPS health check through its real definition (state-machines/health.asl.json) and
 * handlers, on the NPS model: the health host double answers the health document from each server's
 * model. The interpreter starts an execution now (its StartTime is the wall clock), so dates here are
 * relative to now; on the first check outcomes are counted over the hour before it started.
 */

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const daysAhead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

// Before any handler (and so Powertools) is loaded: log everything and emit metrics to stdout, where
// they are captured (as the canary does).
process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
process.env.POWERTOOLS_DEV = "false";
process.env.POWERTOOLS_METRICS_DISABLED = "false";

const userName = "alice.unique-7f3c@corp.example.com";
const unknownUser = (world: World): AccessRequest => ({
  clientIp: world.estate.directory.connectIps[0] ?? "",
  userGroups: [],
  authType: "PAP",
  passwordValid: false,
  mfaApproved: false,
  mfaRegistered: false,
});

/** What the host holds that a health check must never change. */
const hostState = (model: NpsModel) => structuredClone(model);

/** Every top-level JSON object in printed text (Powertools pretty-prints in POWERTOOLS_DEV). */
function jsonObjects(text: string): Array<Record<string, unknown>> {
  const objects: Array<Record<string, unknown>> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index += 1;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"' && depth > 0) inString = true;
    else if (character === "{") {
      if (depth === 0) start = index;
      depth += 1;
    } else if (character === "}" && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        try {
          objects.push(JSON.parse(text.slice(start, index + 1)) as Record<string, unknown>);
        } catch {
          // Not JSON (a log line's braces): skipped.
        }
      }
    }
  }
  return objects;
}

/** Captures what the functions print (the embedded-metric-format lines and the logs). */
function captureOutput() {
  const written: string[] = [];
  const original = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    text: () => written.join(""),
    /** The value of one metric per dimension value, from the EMF lines. */
    metric(name: string, dimension: string): Record<string, number> {
      const values: Record<string, number> = {};
      for (const parsed of jsonObjects(written.join(""))) {
        if (!("_aws" in parsed)) continue;
        if (typeof parsed[name] === "number" && typeof parsed[dimension] === "string")
          values[parsed[dimension] as string] = parsed[name] as number;
      }
      return values;
    },
    restore() {
      process.stdout.write = original.stdout;
      process.stderr.write = original.stderr;
    },
  };
}

describe("the NPS health check", () => {
  let world: World;
  let executions: StepFunctionsDouble;
  let output: ReturnType<typeof captureOutput> | undefined;

  beforeEach(async () => {
    world = await prepareWorld();
    // The reconcile the check starts on MFA bypassed lives in moto, run by the Step Functions double.
    await clients.sfn.send(
      new CreateStateMachineCommand({
        name: "radius-sync-test",
        definition: readFileSync(definitionPath, "utf8"),
        roleArn: "arn:aws:iam::123456789012:role/radius-sync-test-states",
      }),
    );
    executions = installStepFunctionsDouble();
    expect((await runWorkflow({ mode: "reconcile" })).status).toBe("SUCCEEDED");
  });

  afterEach(async () => {
    output?.restore();
    output = undefined;
    await executions.settled();
  });

  it("reports a certificate 20 days from expiry as a metric and a named problem, an expired one beside a valid one, and the number-matching problem — and changes nothing on any host", async () => {
    // Prepare
    const [first, second] = world.estate.npsServers;
    const a = world.npsHosts.modelOf(first.instanceId);
    const b = world.npsHosts.modelOf(second.instanceId);
    a.certificates = [{ ...(a.certificates?.[0] ?? ({} as never)), notAfter: daysAhead(20.5) }];
    b.certificates = [
      {
        thumbprint: "FFEEDDCCBBAA00998877665544332211FFEEDDCC",
        subject: `CN=${b.extension.tenantId}, OU=Microsoft NPS Extension`,
        notBefore: "2024-01-01T00:00:00Z",
        notAfter: "2026-01-01T00:00:00Z",
      },
      ...(b.certificates ?? []),
    ];
    b.extension.version = "1.2.2300.1";
    delete b.extension.overrideNumberMatchingWithOtp;
    const before = [hostState(a), hostState(b)];
    output = captureOutput();
    // Act
    const result = await runWorkflow({}, { definition: "health" });
    output.restore();
    // Assess
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const health = result.output as HealthResult;
    const byId = new Map(health.servers.map((server) => [server.instanceId, server]));
    expect(byId.get(first.instanceId)).toMatchObject({
      answered: true,
      daysToCertificateExpiry: 20,
      extensionHealthy: true,
      mfaBypassed: false,
      problems: ["CertificateExpiresSoon"],
    });
    expect(byId.get(second.instanceId)?.problems).toEqual([
      "NumberMatchingChallenge",
      "ExpiredCertificatePresent",
    ]);
    expect(output.metric("DaysToCertificateExpiry", "InstanceId")).toEqual({
      [first.instanceId]: 20,
      [second.instanceId]: byId.get(second.instanceId)?.daysToCertificateExpiry,
    });
    expect(byId.get(second.instanceId)?.daysToCertificateExpiry).toBeGreaterThan(30);
    expect(output.metric("NpsExtensionHealthy", "InstanceId")).toEqual({
      [first.instanceId]: 1,
      [second.instanceId]: 1,
    });
    expect(health.reconcileStarted).toBeUndefined();
    // The check changed nothing: configured and running state, marker, restart count.
    expect([hostState(a), hostState(b)]).toEqual(before);
    expect(world.npsHealth.checks).toHaveLength(2);
    expect(world.calls.mutatingCalls().map((call) => call.operation)).toEqual(
      expect.arrayContaining(["SendCommand"]),
    );
  });

  it("counts outcomes per directory from the Security log, and no user name reaches metrics, logs, state or records", async () => {
    // Prepare
    const [first, second] = world.estate.npsServers;
    const directoryId = world.estate.directory.directoryId;
    const [ip] = world.estate.directory.connectIps;
    const client = `radius-sync-${directoryId}-${(ip ?? "").replaceAll(".", "-")}`;
    const event = (eventId: 6272 | 6273 | 6274, at: string, reasonCode = 0) => ({
      eventId,
      at,
      clientName: client,
      userName,
      reasonCode,
    });
    world.npsHosts.modelOf(first.instanceId).securityLog = [
      event(6272, minutesAgo(50)),
      event(6272, minutesAgo(40)),
      event(6273, minutesAgo(30), 21),
      event(6272, minutesAgo(70)), // before the window
      { ...event(6272, minutesAgo(20)), clientName: "vpn-gateway" }, // not ours
    ];
    world.npsHosts.modelOf(second.instanceId).securityLog = [event(6274, minutesAgo(15))];
    output = captureOutput();
    // Act
    const result = await runWorkflow({}, { definition: "health" });
    output.restore();
    // Assess
    expect(result.status, result.cause).toBe("SUCCEEDED");
    expect((result.output as HealthResult).directories).toEqual([
      { directoryId, accepts: 2, rejects: 1, discards: 1 },
    ]);
    expect(output.metric("MfaAccepts", "DirectoryId")).toEqual({ [directoryId]: 2 });
    expect(output.metric("MfaRejects", "DirectoryId")).toEqual({ [directoryId]: 1 });
    expect(output.metric("MfaDiscards", "DirectoryId")).toEqual({ [directoryId]: 1 });
    const records = await clients.dynamodb.send(
      new ScanCommand({ TableName: radiusSyncEnvironment.RADIUS_SYNC_STATE_TABLE }),
    );
    const everything = [
      output.text(),
      JSON.stringify(result.events),
      JSON.stringify(records.Items),
      JSON.stringify(world.calls.calls),
    ];
    expect(everything[0]).toContain('"_aws"');
    expect(JSON.stringify(records.Items)).toContain("rejectsByReason");
    for (const text of everything) {
      expect(text).not.toContain(userName);
      expect(text).not.toContain("alice");
    }
  });

  it("costs a few transitions and calls, and writes only its command and its records: nothing changes the estate", async () => {
    world.calls.reset();
    const result = await runWorkflow({}, { definition: "health" });
    expect(result.status, result.cause).toBe("SUCCEEDED");
    // Send, Wait, Check, Choice, Report: one look suffices on the emulator (every server answers at once).
    expect(countStateTransitions(result.events)).toBe(5);
    expect(countHistoryEvents(result.events).total).toBe(18);
    const servers = world.estate.npsServers.length;
    const writes = world.calls.mutatingCalls().map((call) => `${call.service}:${call.operation}`);
    // One SendCommand (up to 50 servers), one record per server and health#last.
    expect(writes.sort()).toEqual(
      ["ssm:SendCommand", ...Array.from({ length: servers + 1 }, () => "dynamodb:PutItem")].sort(),
    );
    // Read-only, so side by side, and one failing server stops none of the others.
    expect(world.calls.callsTo("SendCommand")[0]?.input).toMatchObject({
      Comment: "radius-sync health check",
      MaxConcurrency: "50",
      MaxErrors: "100%",
    });
  });

  it("lists no client where Group Policy module logging records the NPS module (their secrets would be logged), and says so", async () => {
    const [server] = world.estate.npsServers;
    world.npsHosts.modelOf(server.instanceId).groupPolicy.moduleLogging = ["*"];
    const result = await runWorkflow({}, { definition: "health" });
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const reported = (result.output as HealthResult).servers.find(
      (entry) => entry.instanceId === server.instanceId,
    );
    expect(reported).toMatchObject({ answered: true, mfaBypassed: false, problems: ["ClientsNotListed"] });
  });

  it("the second check counts from where the first stopped, so no event is counted twice", async () => {
    const [first] = world.estate.npsServers;
    const directoryId = world.estate.directory.directoryId;
    const [ip] = world.estate.directory.connectIps;
    const client = `radius-sync-${directoryId}-${(ip ?? "").replaceAll(".", "-")}`;
    world.npsHosts.modelOf(first.instanceId).securityLog = [
      { eventId: 6272, at: minutesAgo(30), clientName: client, userName, reasonCode: 0 },
    ];
    const firstCheck = (await runWorkflow({}, { definition: "health" })).output as HealthResult;
    const secondCheck = (await runWorkflow({}, { definition: "health" })).output as HealthResult;
    expect(firstCheck.directories).toEqual([{ directoryId, accepts: 1, rejects: 0, discards: 0 }]);
    expect(secondCheck.directories).toEqual([]);
    const [, secondSince] = world.npsHealth.checks
      .filter((check) => check.instanceId === first.instanceId)
      .map((check) => check.parameters.Since?.[0]);
    expect(secondSince).toBe(firstCheck.checkedAt);
  });
});

describe("proof that MFA is not bypassed", () => {
  let world: World;
  let executions: StepFunctionsDouble;

  beforeEach(async () => {
    world = await prepareWorld();
    await clients.sfn.send(
      new CreateStateMachineCommand({
        name: "radius-sync-test",
        definition: readFileSync(definitionPath, "utf8"),
        roleArn: "arn:aws:iam::123456789012:role/radius-sync-test-states",
      }),
    );
    executions = installStepFunctionsDouble();
    expect((await runWorkflow({ mode: "reconcile" })).status).toBe("SUCCEEDED");
  });

  afterEach(async () => {
    await executions.settled();
  });

  it("with the extension, the unknown user is rejected and the check reports no bypass and starts nothing", async () => {
    const [server] = world.estate.npsServers;
    expect(world.npsHosts.evaluate(server.instanceId, unknownUser(world)).answer).toBe("Access-Reject");
    const result = await runWorkflow({}, { definition: "health" });
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const health = result.output as HealthResult;
    expect(health.servers.every((entry) => !entry.mfaBypassed)).toBe(true);
    expect(health.reconcileStarted).toBeUndefined();
    expect(executions.executions).toHaveLength(0);
  });

  it("without the extension, the unknown user is accepted, the check reports MFA bypassed, and the reconcile it starts closes radius-sync's door", async () => {
    // Prepare: the extension disappears between pushes.
    const [, bare] = world.estate.npsServers;
    const model = world.npsHosts.modelOf(bare.instanceId);
    model.extension.registered = false;
    expect(world.npsHosts.evaluate(bare.instanceId, unknownUser(world)).answer).toBe("Access-Accept");
    const before = structuredClone(model);
    // Act
    const result = await runWorkflow({}, { definition: "health" });
    // Assess: the check itself changed nothing, reported the bypass and started a reconcile.
    expect(result.status, result.cause).toBe("SUCCEEDED");
    const health = result.output as HealthResult;
    const reported = health.servers.find((entry) => entry.instanceId === bare.instanceId);
    expect(reported).toMatchObject({ mfaBypassed: true, extensionHealthy: false });
    expect(reported?.problems).toEqual(expect.arrayContaining(["MfaBypassed", "ExtensionNotRegistered"]));
    expect(health.reconcileStarted).toMatch(/:execution:radius-sync-test:mfa-bypassed-/);
    // Issue 19's reaction: the reconcile's push closes the door before it reports, failing loudly.
    expect(executions.executions).toHaveLength(1);
    expect(JSON.parse(executions.executions[0]?.input ?? "{}")).toEqual({ mode: "reconcile" });
    const reconcile = await executions.executions[0]?.done;
    expect(reconcile?.status).toBe("FAILED");
    expect(reconcile?.error).toBe("NpsMfaExtensionMissing");
    expect(world.npsHosts.evaluate(bare.instanceId, unknownUser(world)).answer).not.toBe("Access-Accept");
    expect(before.restarts).toBeLessThanOrEqual(model.restarts);
  });
});
