import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema, parseConfig } from "../../shared/config.js";
import { emulatedAccount } from "../support/lambda/intrinsics.js";
import type { CfnResource, CfnTemplate, PackagedService } from "../support/package-template.js";
import { packageParams, packageService, resourceById } from "../support/package-template.js";
import { repositoryRoot } from "../support/paths.js";

const run = promisify(execFile);

/** serverless.yml's function keys and the handler folder each one must use. */
const functionFolders: Readonly<Record<string, string>> = {
  acquireLock: "acquire-lock",
  releaseLock: "release-lock",
  validateInput: "validate-input",
  discover: "discover",
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
  sendNpsHealthCheck: "send-nps-health-check",
  checkNpsHealth: "check-nps-health",
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
      if (ref === undefined) return [name, String(value)];
      // Pseudo parameters (the hub's own account and region) as CloudFormation resolves them.
      const pseudo = (emulatedAccount as Record<string, string>)[ref];
      return [name, pseudo ?? `radius-sync-ci-${ref}-ABC123`];
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
    it("is the same for every function and names the documents and the table by Ref", () => {
      // Only the health check's last step is told which reconcile to start (its own variable).
      const reconcile = "RADIUS_SYNC_RECONCILE_STATE_MACHINE_ARN";
      const environments = Object.keys(functionFolders).map((key) => {
        const { [reconcile]: arn, ...rest } = environmentOf(resourceById(template, logicalId(key)));
        expect(arn, key).toEqual(key === "checkNpsHealth" ? { Ref: "ReconcileStateMachine" } : undefined);
        return rest;
      });
      const [first] = environments;

      for (const environment of environments) expect(environment).toEqual(first);
      expect(first).toMatchObject({
        RADIUS_SYNC_SSM_DOCUMENT_NAME: { Ref: "NpsSyncDocument" },
        RADIUS_SYNC_HEALTH_DOCUMENT_NAME: { Ref: "NpsHealthDocument" },
        RADIUS_SYNC_STATE_TABLE: { Ref: "StateTable" },
        // The hub's own account and region: the home target, resolved at deploy time.
        RADIUS_SYNC_HUB_ACCOUNT: { Ref: "AWS::AccountId" },
        RADIUS_SYNC_HUB_REGION: { Ref: "AWS::Region" },
        RADIUS_SYNC_TARGETS: "",
        RADIUS_SYNC_MEMBER_ROLE_NAME: "radius-sync-ci-member",
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: "radius-sync",
        POWERTOOLS_METRICS_NAMESPACE: "RadiusSync",
        POWERTOOLS_LOG_LEVEL: "INFO",
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: "false",
      });
    });

    it("sets every RADIUS_SYNC_* variable shared/config.ts reads, and no other", () => {
      const environment = environmentOf(resourceById(template, logicalId("checkNpsHealth")));
      const configured = Object.keys(environment).filter((name) => name.startsWith("RADIUS_SYNC_"));

      expect(configured.sort()).toEqual(Object.keys(ConfigSchema.in.shape).sort());
    });

    it("parses with shared/config.ts to the documented defaults plus the deployment's params", () => {
      const environment = deployedEnvironment(environmentOf(resourceById(template, logicalId("discover"))));

      const config = parseConfig(environment);

      expect(config).toMatchObject({
        directories: { ids: [], tag: undefined },
        nps: { instanceIds: [], adGroup: packageParams.npsAdGroup, acknowledgedIpWhitelist: [] },
        radius: { port: 1812, protocol: "PAP", timeoutSeconds: 30, retries: 1, displayLabel: "MFA" },
        namePrefix: "radius-sync",
        secret: { name: "radius-sync/shared-secret", length: 64 },
        waits: { pollSeconds: 15, maxRadiusWaitSeconds: 1800, maxNpsWaitSeconds: 300 },
        lock: { ttlSeconds: 21_900, maxWaitSeconds: 3600 },
        rotation: { strategy: "auto" },
        // No targets: the deployment manages its own account and region alone, as before hubs.
        targets: [{ key: "123456789012:us-east-1", home: true, code: "" }],
      });
      expect(config.nps.tag).toEqual({ key: "radius-sync:role", value: "nps" });
    });
  });

  describe("bundles", () => {
    let extracted: string;

    beforeAll(async () => {
      extracted = await mkdtemp(join(tmpdir(), "radius-sync-bundles-"));
      // Stands in for the Lambda runtime's copy of the AWS SDK v3: a node_modules above the
      // extracted bundles that holds @aws-sdk and nothing else.
      await mkdir(join(extracted, "node_modules"));
      await symlink(
        join(repositoryRoot, "node_modules", "@aws-sdk"),
        join(extracted, "node_modules", "@aws-sdk"),
      );
    });

    afterAll(async () => {
      await rm(extracted, { recursive: true, force: true });
    });

    it("hold one minified CommonJS handler with its source map and nothing left to install", async () => {
      for (const [key, folder] of Object.entries(functionFolders)) {
        const { stdout } = await run("unzip", ["-Z1", join(service.directory, `${key}.zip`)]);

        expect(stdout.trim().split("\n").sort(), key).toEqual([
          `functions/${folder}/handler.cjs`,
          `functions/${folder}/handler.cjs.map`,
        ]);
      }
    });

    it("require nothing but Node built-ins and the AWS SDK v3 the nodejs22.x runtime ships, within 300 KB each", async () => {
      for (const [key, folder] of Object.entries(functionFolders)) {
        await run("unzip", ["-q", "-o", join(service.directory, `${key}.zip`), "-d", join(extracted, key)]);
        const bundle = await readFile(join(extracted, key, "functions", folder, "handler.cjs"), "utf8");
        const required = [...bundle.matchAll(/\brequire\(\s*"([^"]+)"\s*\)/g)].map(
          ([, specifier]) => specifier ?? "",
        );

        expect(required.length, key).toBeGreaterThan(0);
        expect(
          required.filter((specifier) => !isBuiltin(specifier) && !specifier.startsWith("@aws-sdk/client-")),
          key,
        ).toEqual([]);
        // docs/benchmarks.md: bundling the SDK made these 0.6-2.2 MB; a stray import of the whole
        // zod namespace object (`import { z }`) adds ~350 KB of locales.
        expect(Buffer.byteLength(bundle), key).toBeLessThanOrEqual(300 * 1024);
      }
      // The SDK comes from the runtime: the bundle requires the client instead of embedding it.
      const discover = await readFile(join(extracted, "discover/functions/discover/handler.cjs"), "utf8");
      expect(discover).toMatch(/require\("@aws-sdk\/client-workspaces"\)/);
    });

    it("load on Node with the packaged environment and export a handler function", async () => {
      const environment = deployedEnvironment(environmentOf(resourceById(template, logicalId("discover"))));
      for (const [key, folder] of Object.entries(functionFolders)) {
        const target = join(extracted, key);
        await run("unzip", ["-q", "-o", join(service.directory, `${key}.zip`), "-d", target]);
        // Above the temporary directory only the runtime's @aws-sdk: every other import must be
        // satisfied by the bundle.
        const handlerPath = join(target, "functions", folder, "handler.cjs");

        // A fresh process, as Lambda starts one and requires the handler: a bundle that needs a
        // package it does not hold, or reads something missing at load time, fails here.
        const { stdout } = await run(
          process.execPath,
          ["-e", "const m = require(process.argv[1]); console.log(typeof m.handler);", handlerPath],
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
