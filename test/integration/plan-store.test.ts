/**
 * A dry run too large for a Step Functions state stores its whole plan in the state table
 * (shared/aws/plan-store.ts), and `radius-sync plan` reads it back whole (issue 21): at 1,000
 * directories × 8 NPS servers from a synthetic first-time estate fed to the real plan step (moto would
 * take too long to build it), and end to end on moto at 10 × 4, where the plan (about 45 KB) is past
 * what travels inline.
 */
import { readFileSync } from "node:fs";
import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateStateMachineCommand } from "@aws-sdk/client-sfn";
import { beforeEach, describe, expect, it } from "vitest";
import { prepareBenchWorld } from "../../bench/estate.js";
import { clients } from "../../shared/aws/clients.js";
import { planPartBytes, readStoredPlan } from "../../shared/aws/plan-store.js";
import { type CliClients, createCliClients } from "../../shared/cli/clients.js";
import { exitCodes } from "../../shared/cli/errors.js";
import { readFullPlan } from "../../shared/cli/full-plan.js";
import { runCli } from "../../shared/cli/main.js";
import { renderPlanDiff } from "../../shared/cli/plan-diff.js";
import { getConfig } from "../../shared/config.js";
import { StoredPlanLocation } from "../../shared/core/dry-run.js";
import { reportDryRun } from "../../shared/steps/dry-run.js";
import { dryPlanOf } from "../fixtures/plan/plan-step.js";
import { syntheticFirstTimeDiscovery } from "../fixtures/plan/synthetic-estate.js";
import { recordApiCalls } from "../support/doubles/index.js";
import { installStepFunctionsDouble } from "../support/doubles/step-functions.js";
import { testRegion } from "../support/environment.js";
import { createStateTable } from "../support/seed.js";
import { definitionPath } from "../support/workflow.js";

let cliClients: CliClients;
beforeEach(() => {
  cliClients = createCliClients({ endpoint: process.env.AWS_ENDPOINT_URL ?? "", region: testRegion });
});

async function storedDryRun(size: { directories: number; npsServers: number }) {
  const { run, plan, secretStatus } = dryPlanOf(syntheticFirstTimeDiscovery(size));
  const report = await reportDryRun({ config: getConfig(), run, plan, secretStatus });
  return { plan, report, location: StoredPlanLocation.parse(report.fullPlan) };
}

describe("a large dry run's stored plan", () => {
  beforeEach(async () => {
    await createStateTable();
  });

  it("holds the whole plan of 1,000 directories × 8 NPS servers in items under 400 KB, which the CLI reads back whole", async () => {
    const calls = recordApiCalls();

    const { plan, report, location } = await storedDryRun({ directories: 1000, npsServers: 8 });
    const found = await readFullPlan({ plan: report.plan, fullPlan: report.fullPlan }, cliClients.dynamodb);

    expect(found).toEqual({ plan });
    const puts = calls.callsTo("PutItem");
    expect(puts).toHaveLength(location.parts);
    expect(location.parts).toBeGreaterThan(1);
    for (const put of puts) {
      const item = put.input.Item as { pk: { S: string }; data: { B: Uint8Array } };
      expect(item.pk.S).toMatch(new RegExp(`^${location.key}#\\d+$`));
      expect(item.data.B.length).toBeLessThanOrEqual(planPartBytes);
    }
    const diff = renderPlanDiff(plan).join("\n");
    for (const directory of plan.directories) expect(diff).toContain(directory.directoryId);
    expect(diff).toContain(`${plan.changeCount} change(s) planned`);
  });

  it("says which parts are gone when the table's TTL deleted them, and to run the dry run again", async () => {
    const { location } = await storedDryRun({ directories: 100, npsServers: 4 });
    await clients.dynamodb.send(
      new DeleteItemCommand({ TableName: location.tableName, Key: { pk: { S: `${location.key}#1` } } }),
    );

    const reading = readStoredPlan(location, cliClients.dynamodb);

    await expect(reading).rejects.toMatchObject({
      name: "StoredPlanUnreadable",
      message: expect.stringContaining(`lacks 1 of ${location.parts} parts`),
    });
  });

  it("refuses a stored plan that is not the one its dry run reported", async () => {
    const { location } = await storedDryRun({ directories: 100, npsServers: 4 });

    const reading = readStoredPlan({ ...location, sha256: "0".repeat(64) }, cliClients.dynamodb);

    await expect(reading).rejects.toMatchObject({
      name: "StoredPlanUnreadable",
      message: expect.stringContaining("does not match its dry run's output"),
    });
  });
});

class Captured {
  text = "";
  readonly isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

describe("radius-sync plan on an estate whose plan is stored", () => {
  it("prints the whole diff from the stored copy, every directory with its reason", async () => {
    const { directories } = await prepareBenchWorld({ directories: 10, npsServers: 4 });
    await cliClients.sfn.send(
      new CreateStateMachineCommand({
        name: "radius-sync-dev",
        definition: readFileSync(definitionPath, "utf8"),
        roleArn: "arn:aws:iam::123456789012:role/radius-sync-dev-states",
      }),
    );
    const executions = installStepFunctionsDouble();
    const calls = recordApiCalls();
    const stdout = new Captured();
    const stderr = new Captured();

    const exitCode = await runCli(["plan"], { stdout, stderr, clients: cliClients, pollIntervalMs: 20 });

    expect(exitCode, stderr.text).toBe(exitCodes.ok);
    const [execution] = executions.executions;
    const result = await execution?.done;
    expect(result?.output).toMatchObject({ fullPlan: { storage: "state-table" } });
    for (const directory of directories) {
      expect(stdout.text).toContain(`+ ${directory.directoryId}: enable RADIUS  — `);
    }
    expect(calls.callsTo("BatchGetItem").some((call) => JSON.stringify(call.input).includes("plan#"))).toBe(
      true,
    );
  });
});
