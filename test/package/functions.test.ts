import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, parseConfig } from "../../shared/config.js";
import type { CfnResource, CfnTemplate, PackagedService } from "../support/package-template.js";
import { packageParams, packageService, resourceById } from "../support/package-template.js";

const run = promisify(execFile);

/** serverless.yml's function keys and the handler folder each one must use. */
const functionFolders: Readonly<Record<string, string>> = {
  acquireLock: "acquire-lock",
  releaseLock: "release-lock",
  validateInput: "validate-input",
  discover: "discover",
  planChanges: "plan-changes",
  ensureSecret: "ensure-secret",
  applySecurityGroupRules: "apply-security-group-rules",
  sendNpsCommand: "send-nps-command",
  checkNpsCommand: "check-nps-command",
  updateDirectoryRadius: "update-directory-radius",
  checkRadiusStatus: "check-radius-status",
  startRotation: "start-rotation",
  finishRotation: "finish-rotation",
  planRollback: "plan-rollback",
  cancelRotation: "cancel-rotation",
  explainRollbackFailure: "explain-rollback-failure",
};

const logicalId = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;

type Environment = Record<string, unknown>;

function environmentOf(resource: CfnResource): Environment {
  const environment = resource.Properties?.Environment as { Variables?: Environment } | undefined;
  return environment?.Variables ?? {};
}

/** The environment as Lambda would see it: `Ref`s replaced by the names CloudFormation would give. */
function deployedEnvironment(environment: Environment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => {
      const ref = (value as { Ref?: string } | null)?.Ref;
      return [name, ref === undefined ? String(value) : `radius-sync-ci-${ref}-ABC123`];
    }),
  );
}

describe("the packaged functions", () => {
  let service: PackagedService;
  let template: CfnTemplate;

  beforeAll(async () => {
    service = await packageService();
    template = service.template;
  });

  it("are exactly the workflow's steps, each on arm64 Node 22 with 256 MB, 30 s and 30-day logs", () => {
    const functions = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === "AWS::Lambda::Function",
    );

    expect(functions.map(([id]) => id).sort()).toEqual(Object.keys(functionFolders).map(logicalId).sort());
    for (const [key, folder] of Object.entries(functionFolders)) {
      expect(resourceById(template, logicalId(key)).Properties, key).toMatchObject({
        FunctionName: `radius-sync-ci-${key}`,
        Handler: `functions/${folder}/handler.handler`,
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        MemorySize: 256,
        Timeout: 30,
        TracingConfig: { Mode: "PassThrough" },
      });
      const logGroup = `${key.charAt(0).toUpperCase()}${key.slice(1)}LogGroup`;
      expect(resourceById(template, logGroup).Properties, logGroup).toMatchObject({ RetentionInDays: 30 });
    }
  });

  describe("environment", () => {
    it("is the same for every function and names the document and the table by Ref", () => {
      const environments = Object.keys(functionFolders).map((key) =>
        environmentOf(resourceById(template, logicalId(key))),
      );
      const [first] = environments;

      for (const environment of environments) expect(environment).toEqual(first);
      expect(first).toMatchObject({
        RADIUS_SYNC_SSM_DOCUMENT_NAME: { Ref: "NpsSyncDocument" },
        RADIUS_SYNC_STATE_TABLE: { Ref: "StateTable" },
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: "radius-sync",
        POWERTOOLS_METRICS_NAMESPACE: "RadiusSync",
        POWERTOOLS_LOG_LEVEL: "INFO",
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: "false",
      });
    });

    it("sets every RADIUS_SYNC_* variable shared/config.ts reads, and no other", () => {
      const environment = environmentOf(resourceById(template, logicalId("discover")));
      const configured = Object.keys(environment).filter((name) => name.startsWith("RADIUS_SYNC_"));

      expect(configured.sort()).toEqual(Object.keys(ConfigSchema.in.shape).sort());
    });

    it("parses with shared/config.ts to the documented defaults plus the deployment's params", () => {
      const environment = deployedEnvironment(environmentOf(resourceById(template, logicalId("discover"))));

      const config = parseConfig(environment);

      expect(config).toMatchObject({
        directories: { ids: [], tag: undefined },
        nps: { instanceIds: [], adGroup: packageParams.npsAdGroup, refreshHours: 24 },
        radius: { port: 1812, protocol: "PAP", timeoutSeconds: 30, retries: 1, displayLabel: "MFA" },
        namePrefix: "radius-sync",
        secret: { name: "radius-sync/shared-secret", length: 64 },
        waits: { pollSeconds: 15, maxRadiusWaitSeconds: 1800, maxNpsWaitSeconds: 600 },
        lock: { ttlSeconds: 7500, maxWaitSeconds: 3600 },
        rotation: { strategy: "auto" },
      });
      expect(config.nps.tag).toEqual({ key: "radius-sync:role", value: "nps" });
    });
  });

  describe("bundles", () => {
    let extracted: string;

    beforeAll(async () => {
      extracted = await mkdtemp(join(tmpdir(), "radius-sync-bundles-"));
    });

    afterAll(async () => {
      await rm(extracted, { recursive: true, force: true });
    });

    it("hold one minified ESM handler with its source map and nothing left to install", async () => {
      for (const [key, folder] of Object.entries(functionFolders)) {
        const { stdout } = await run("unzip", ["-Z1", join(service.directory, `${key}.zip`)]);

        expect(stdout.trim().split("\n").sort(), key).toEqual([
          `functions/${folder}/handler.mjs`,
          `functions/${folder}/handler.mjs.map`,
        ]);
      }
    });

    it("bundle the AWS SDK and import nothing but Node built-ins", async () => {
      for (const [key, folder] of Object.entries(functionFolders)) {
        await run("unzip", ["-q", "-o", join(service.directory, `${key}.zip`), "-d", join(extracted, key)]);
        const bundle = await readFile(join(extracted, key, "functions", folder, "handler.mjs"), "utf8");
        const statements = bundle.matchAll(
          /\bimport\s*(?:\{[^}]*\}|\*\s*as\s+[\w$]+|[\w$]+)\s*from\s*"([^"]+)"/g,
        );
        const imported = [...statements].map(([, specifier]) => specifier ?? "");

        expect(imported.length, key).toBeGreaterThan(0);
        expect(
          imported.filter((specifier) => !isBuiltin(specifier)),
          key,
        ).toEqual([]);
      }
      // The SDK's own operation names are in the bundle, not behind an import of the runtime's copy.
      const discover = await readFile(join(extracted, "discover/functions/discover/handler.mjs"), "utf8");
      expect(discover.includes("DescribeWorkspaceDirectories")).toBe(true);
    });

    it("load on Node with the packaged environment and export a handler function", async () => {
      const environment = deployedEnvironment(environmentOf(resourceById(template, logicalId("discover"))));
      for (const [key, folder] of Object.entries(functionFolders)) {
        const target = join(extracted, key);
        await run("unzip", ["-q", "-o", join(service.directory, `${key}.zip`), "-d", target]);
        // No node_modules above the temporary directory: every import must be satisfied by the bundle.
        const handlerUrl = pathToFileURL(join(target, "functions", folder, "handler.mjs")).href;

        // A fresh process, as Lambda starts one: an ESM bundle that still calls require() for a
        // Node built-in, or reads something missing at import time, fails here.
        const { stdout } = await run(
          process.execPath,
          [
            "--input-type=module",
            "-e",
            "const m = await import(process.argv[1]); console.log(typeof m.handler);",
            handlerUrl,
          ],
          {
            env: {
              PATH: process.env.PATH,
              AWS_REGION: "us-east-1",
              AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
              AWS_SECRET_ACCESS_KEY: "bundles-make-no-calls-at-import",
              ...environment,
            },
          },
        );

        expect(stdout.trim(), key).toBe("function");
      }
    });
  });
});
