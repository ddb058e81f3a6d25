import { execFile } from "node:child_process";
import { randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { content as npsDocumentContent, preambleLines } from "../../shared/nps/ssm-document.cjs";
import type { CfnTemplate, PackagedService } from "../support/package-template.js";
import { packageService, resourceById, resourcesOfType } from "../support/package-template.js";
import { repositoryRoot } from "../support/paths.js";
import { cfnLintPath } from "../support/venv.js";
import { readDefinition, sampleDefinition, taskStates } from "./definition.js";
import type { SecretScanOptions } from "./secret-scan.js";
import { findSecretLookingValues } from "./secret-scan.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const validateAsl = require("asl-validator") as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

const stateMachineId = "ReconcileStateMachine";

/**
 * Lambda's Init phase may take up to 10 s before an on-demand function's handler starts, and is then
 * retried inside the invoke ("Init phase is limited to 10 seconds",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html): time a Task waits
 * on top of the function's own timeout.
 */
const lambdaInitLimitSeconds = 10;
/** Allowance for the Invoke call itself (queueing, the payload's transfer). */
const invokeMarginSeconds = 5;

/**
 * cfn-lint findings we accept, each with the reason. Everything else at level Error or Warning
 * fails the test; Informational findings never do.
 */
const acceptedCfnLintRules: Readonly<Record<string, string>> = {
  W3005:
    "Serverless and serverless-step-functions add a DependsOn on the role next to the GetAtt of the same role; " +
    "redundant, harmless, and generated code we do not control",
};

interface CfnLintMatch {
  Level: "Error" | "Warning" | "Informational";
  Message: string;
  Rule: { Id: string };
  Location: { Path: Array<string | number> };
}

async function lintTemplate(templatePath: string): Promise<CfnLintMatch[]> {
  // cfn-lint exits non-zero whenever it reports anything; the JSON on stdout is the answer.
  const result = await run(cfnLintPath, [
    "--format",
    "json",
    "--include-checks",
    "I",
    "--",
    templatePath,
  ]).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`cfn-lint did not run: ${error.stderr ?? String(error)}`);
    return { stdout: error.stdout };
  });
  return JSON.parse(result.stdout) as CfnLintMatch[];
}

function lambdaLogicalIds(template: CfnTemplate): Set<string> {
  return new Set(resourcesOfType(template, "AWS::Lambda::Function").map(([id]) => id));
}

/** A secret drawn from the characters ensureSecret's GetRandomPassword call may return. */
function generateLikeEnsureSecret(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789#()*+,-./:=?@[]_{}~";
  const body = Array.from({ length: length - 3 }, () => alphabet[randomInt(alphabet.length)]).join("");
  return `Aa0${body}`;
}

describe("the packaged template", () => {
  let service: PackagedService;
  let template: CfnTemplate;

  beforeAll(async () => {
    service = await packageService();
    template = service.template;
  });

  describe("state machine", () => {
    it("is named for the service and stage, logs errors without execution data, and traces from a param", () => {
      const properties = resourceById(template, stateMachineId).Properties;

      expect(properties?.StateMachineName).toBe("radius-sync-ci");
      expect(properties?.LoggingConfiguration).toEqual({
        Level: "ERROR",
        IncludeExecutionData: false,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": ["ReconcileLogGroup", "Arn"] } } },
        ],
      });
      expect(properties?.TracingConfiguration).toEqual({ Enabled: false });
      expect(resourceById(template, "ReconcileLogGroup").Properties).toMatchObject({ RetentionInDays: 30 });
    });

    it("substitutes every Lambda Task's Resource with the ARN of a function in this template", () => {
      const functions = lambdaLogicalIds(template);
      const invoked = new Set<string>();
      // Both machines: the reconcile and the read-only health check.
      for (const machine of [stateMachineId, "HealthStateMachine"]) {
        const { text, substitutions } = readDefinition(template, machine);
        expect(text).not.toMatch(/Fn::|"Ref"/);
        for (const { name, state } of taskStates(JSON.parse(text) as Record<string, unknown>)) {
          const resource = String(state.Resource);
          if (resource.startsWith("arn:aws:states:::")) {
            expect(resource, `${name} must call Lambda functions directly`).not.toMatch(/:::lambda:/);
            continue;
          }
          const substitution = substitutions.get(/^\$\{([^}]+)\}$/.exec(resource)?.[1] ?? "");
          expect(substitution, `${name}'s Resource ${resource}`).toMatchObject({
            kind: "getAtt",
            attribute: "Arn",
          });
          const logicalId = substitution?.kind === "getAtt" ? substitution.logicalId : "";
          expect(functions, `${name} invokes ${logicalId}`).toContain(logicalId);
          invoked.add(logicalId);
        }
      }

      // Every function is a step: a function no state invokes is dead code with live permissions.
      expect([...invoked].sort()).toEqual([...functions].sort());
    });

    it("gives every Lambda Task a timeout above its function's, with room for a cold start", () => {
      const { text, substitutions } = readDefinition(template, stateMachineId);
      const tasks = taskStates(JSON.parse(text) as Record<string, unknown>);
      for (const { name, state } of tasks) {
        const substitution = substitutions.get(/^\$\{([^}]+)\}$/.exec(String(state.Resource))?.[1] ?? "");
        if (substitution?.kind !== "getAtt") continue;
        const timeout = resourceById(template, substitution.logicalId).Properties?.Timeout;

        // The function ends (Lambda stops it at its timeout) before the Task gives up, so a Task that
        // retries States.Timeout never runs alongside its own earlier attempt.
        expect(timeout, name).toBeTypeOf("number");
        expect(state.TimeoutSeconds, name).toBeTypeOf("number");
        expect(state.TimeoutSeconds as number, name).toBeGreaterThanOrEqual(
          (timeout as number) + lambdaInitLimitSeconds + invokeMarginSeconds,
        );
      }
      expect(tasks.length).toBeGreaterThanOrEqual(15);
    });

    it("passes asl-validator, ARNs and paths included, once CloudFormation's values are filled in", () => {
      const definition = sampleDefinition(template, stateMachineId);

      const result = validateAsl(definition, { checkArn: true, checkPaths: true });

      expect(result.errorsText("\n")).toBe("");
      expect(result.isValid).toBe(true);
    });
  });

  it("passes cfn-lint with no errors and no warnings but the accepted ones", async () => {
    const matches = await lintTemplate(service.templatePath);

    const failing = matches
      .filter((match) => match.Level !== "Informational" && !(match.Rule.Id in acceptedCfnLintRules))
      .map((match) => `${match.Level} ${match.Rule.Id} ${match.Location.Path.join("/")}: ${match.Message}`);
    expect(failing).toEqual([]);
  });

  describe("NPS SSM document", () => {
    it("is a JSON Command document holding exactly the document module's content", () => {
      const properties = resourceById(template, "NpsSyncDocument").Properties;

      expect(properties).toMatchObject({ DocumentType: "Command", DocumentFormat: "JSON" });
      expect(properties?.Content).toEqual(JSON.parse(JSON.stringify(npsDocumentContent)));
    });

    it("runs the rendered preamble, sync-nps.ps1's code line for line, then one invocation line", async () => {
      const code = (await readFile(join(repositoryRoot, "shared/nps/sync-nps.ps1"), "utf8"))
        .replace(/^\uFEFF/, "")
        .replace(/^<#[\s\S]*?#>\r?\n/, "")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"));
      const content = resourceById(template, "NpsSyncDocument").Properties
        ?.Content as typeof npsDocumentContent;
      const step = content.mainSteps[0];

      expect(content.mainSteps).toHaveLength(1);
      expect(step?.action).toBe("aws:runPowerShellScript");
      expect(step?.inputs.runCommand).toEqual([...preambleLines, ...code, "Invoke-NpsSync"]);
      expect(Object.values(content.parameters).map((parameter) => parameter.interpolationType)).toEqual(
        Object.keys(content.parameters).map(() => "ENV_VAR"),
      );
    });

    it("restricts every parameter with an anchored allowedPattern", () => {
      const content = resourceById(template, "NpsSyncDocument").Properties
        ?.Content as typeof npsDocumentContent;
      const parameters = Object.entries(content.parameters);

      expect(parameters.length).toBeGreaterThan(0);
      for (const [name, parameter] of parameters) {
        expect(parameter.allowedPattern, name).toMatch(/^\^.*\$$/);
      }
    });
  });

  it("keeps the state table keyed by pk, on demand, with TTL, point-in-time recovery and SSE", () => {
    expect(resourceById(template, "StateTable").Properties).toEqual({
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it("outputs the state machine ARN, the document name and the table name", () => {
    expect(template.Outputs?.ReconcileStateMachineArn?.Value).toEqual({ Ref: stateMachineId });
    expect(template.Outputs?.NpsSyncDocumentName?.Value).toEqual({ Ref: "NpsSyncDocument" });
    expect(template.Outputs?.StateTableName?.Value).toEqual({ Ref: "StateTable" });
  });

  describe("secrets", () => {
    // The script names -SharedSecret and .SecretString because the NPS host reads the secret
    // itself; its lines are checked against the repository's .ps1 above.
    const scriptPath = "Resources.NpsSyncDocument.Properties.Content.mainSteps.0.inputs.runCommand";

    function scanOptions(scanned: CfnTemplate): SecretScanOptions {
      return {
        // Logical ids carry content hashes (Lambda versions); they are names, not values.
        knownValues: new Set(Object.keys(scanned.Resources)),
        skipPaths: new Set([scriptPath]),
        // A Lambda version's CodeSha256 is the bundle's public hash; the document's allowedPatterns
        // are regular expressions, equal to the document module's (checked above).
        skipKeys: new Set(["CodeSha256", "allowedPattern"]),
      };
    }

    it("holds no SharedSecret, no secret value, no secret resource and nothing random-looking", () => {
      const findings = findSecretLookingValues(template, scanOptions(template));

      expect(findings).toEqual([]);
    });

    it("would notice a generated secret planted in an environment variable or the definition", () => {
      const planted = structuredClone(template);
      const secret = generateLikeEnsureSecret(48);
      const discover = resourceById(planted, "DiscoverLambdaFunction").Properties as {
        Environment: { Variables: Record<string, unknown> };
      };
      discover.Environment.Variables.RADIUS_SYNC_DISPLAY_LABEL = secret;
      const machine = resourceById(planted, stateMachineId).Properties as { DefinitionString: unknown };
      machine.DefinitionString = JSON.stringify({ Comment: `value ${secret}` });

      const findings = findSecretLookingValues(planted, scanOptions(planted));

      expect(findings.map((finding) => finding.path).sort()).toEqual([
        "Resources.DiscoverLambdaFunction.Properties.Environment.Variables.RADIUS_SYNC_DISPLAY_LABEL",
        `Resources.${stateMachineId}.Properties.DefinitionString`,
      ]);
    });
  });
});
