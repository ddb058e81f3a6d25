/**
 * Transient AWS errors injected per call (`faults.fail`): answered with the status and wire shape of
 * each service's protocol, so the real SDK raises the service's own error class; seen by in-process
 * clients and child processes alike; each failed attempt recorded.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  DescribeDirectoriesCommand,
  ServiceException as DirectoryServiceException,
} from "@aws-sdk/client-directory-service";
import {
  InternalServerError as DynamoDbInternalServerError,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import { DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { InternalException, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { IAMClient, ListUsersCommand, ServiceFailureException } from "@aws-sdk/client-iam";
import { InternalServiceError, ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { DescribeDocumentCommand, InternalServerError as SsmInternalServerError } from "@aws-sdk/client-ssm";
import {
  DescribeWorkspaceDirectoriesCommand,
  InternalServerException as WorkspacesInternalServerException,
} from "@aws-sdk/client-workspaces";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { recordApiCalls } from "../support/doubles/index.js";
import { testRegion } from "../support/environment.js";
import { repositoryRoot } from "../support/paths.js";
import { currentProxy } from "../support/rig/current-proxy.js";
import { faults } from "../support/rig/faults.js";
import { type SeededEstate, seedEnvironment } from "../support/seed.js";

const run = promisify(execFile);

let estate: SeededEstate;
beforeEach(async () => {
  estate = await seedEnvironment();
});

const describeDirectory = (directoryId = estate.directory.directoryId) =>
  clients.ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }));

describe("an injected fault", () => {
  it("fails the given number of calls with the service's error, then lets calls through; the recorder shows each attempt", async () => {
    const calls = recordApiCalls();
    const fault = faults.fail({
      service: "ds",
      operation: "DescribeDirectories",
      code: "ServiceException",
      times: 1,
    });

    const failing = describeDirectory();

    await expect(failing).rejects.toBeInstanceOf(DirectoryServiceException);
    await expect(failing).rejects.toMatchObject({
      name: "ServiceException",
      $fault: "server",
      $metadata: { httpStatusCode: 500 },
    });
    expect((await describeDirectory()).DirectoryDescriptions).toHaveLength(1);
    expect(fault.failed).toBe(1);
    expect(calls.callsTo("DescribeDirectories").map((call) => [call.status, call.errorCode])).toEqual([
      [500, "ServiceException"],
      [200, undefined],
    ]);
  });

  it("can pick calls by their input, and fails every call until removed when no count is given", async () => {
    const fault = faults.fail({
      service: "ds",
      operation: "DescribeDirectories",
      code: "ClientException",
      message: "refused for the test",
      when: (input) => (input.DirectoryIds as string[] | undefined)?.includes("d-0000000000") === true,
    });

    await expect(describeDirectory("d-0000000000")).rejects.toMatchObject({
      name: "ClientException",
      message: "refused for the test",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(describeDirectory("d-0000000000")).rejects.toMatchObject({ name: "ClientException" });
    await expect(describeDirectory()).resolves.toBeDefined();
    fault.remove();
    await expect(describeDirectory("d-0000000000")).rejects.toMatchObject({
      name: "EntityDoesNotExistException",
    });
  });

  it.each([
    ["ds", "ServiceException", () => describeDirectory(), DirectoryServiceException, 500],
    [
      "workspaces",
      "InternalServerException",
      () => clients.workspaces.send(new DescribeWorkspaceDirectoriesCommand({})),
      WorkspacesInternalServerException,
      500,
    ],
    [
      "secretsmanager",
      "InternalServiceError",
      () => clients.secretsManager.send(new ListSecretsCommand({})),
      InternalServiceError,
      500,
    ],
    [
      "events",
      "InternalException",
      () => clients.eventBridge.send(new ListRulesCommand({})),
      InternalException,
      500,
    ],
    [
      "ssm",
      "InternalServerError",
      () => clients.ssm.send(new DescribeDocumentCommand({ Name: estate.documentName })),
      SsmInternalServerError,
      500,
    ],
    [
      "dynamodb",
      "InternalServerError",
      () => clients.dynamodb.send(new ListTablesCommand({})),
      DynamoDbInternalServerError,
      500,
    ],
    [
      "iam",
      "ServiceFailure",
      () => new IAMClient({ region: testRegion, maxAttempts: 1 }).send(new ListUsersCommand({})),
      ServiceFailureException,
      500,
    ],
  ] as const)("reaches the %s SDK as its own %s class", async (service, code, call, ErrorClass, status) => {
    faults.fail({ service, code, times: 1 });

    const failing = call();

    await expect(failing).rejects.toBeInstanceOf(ErrorClass);
    await expect(failing).rejects.toMatchObject({ $metadata: { httpStatusCode: status } });
  });

  it("reaches EC2's SDK through its XML error document, with the status EC2 gives", async () => {
    faults.fail({ service: "ec2", operation: "DescribeVpcs", code: "RequestLimitExceeded", times: 1 });

    await expect(clients.ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({
      name: "RequestLimitExceeded",
      $fault: "server",
      $metadata: { httpStatusCode: 503 },
    });
    await expect(clients.ec2.send(new DescribeVpcsCommand({}))).resolves.toBeDefined();
  });

  it("reaches a child process with its own SDK, and the recorder sees the child's calls", async () => {
    const calls = recordApiCalls();
    faults.fail({ service: "ds", operation: "DescribeDirectories", code: "ServiceException", times: 1 });
    const script = `
      import { DirectoryServiceClient, DescribeDirectoriesCommand } from "@aws-sdk/client-directory-service";
      const client = new DirectoryServiceClient({ credentials: { accessKeyId: "AKIDCHILDPROCESS", secretAccessKey: "x" } });
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        try {
          const answer = await client.send(new DescribeDirectoriesCommand({}));
          console.log("ok", answer.DirectoryDescriptions.length);
        } catch (error) {
          console.log(error.name, error.$metadata.httpStatusCode);
        }
      }`;

    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: repositoryRoot,
      env: { ...process.env, AWS_ENDPOINT_URL: currentProxy().endpoint },
    });

    expect(stdout.trim().split("\n")).toEqual(["ServiceException 500", "ok 1"]);
    expect(calls.calls.map((call) => [call.operation, call.accessKeyId, call.errorCode])).toEqual([
      ["DescribeDirectories", "AKIDCHILDPROCESS", "ServiceException"],
      ["DescribeDirectories", "AKIDCHILDPROCESS", undefined],
    ]);
  });
});
