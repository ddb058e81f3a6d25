/**
 * SigV4 passes through the AWS proxy: with moto's IAM enforcement on, moto recomputes each request's
 * signature from the headers the proxy forwarded (Host included) and checks the signer's policies.
 * Enforcement is global to the moto server, so it is on only inside each test and off again before
 * the next reset (EMULATOR-NOTES, "IAM").
 */
import {
  DescribeDirectoriesCommand,
  DirectoryServiceClient,
  EnableRadiusCommand,
  UpdateRadiusCommand,
} from "@aws-sdk/client-directory-service";
import { CreateTagsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { currentMoto } from "../support/current-moto.js";
import { installUpdateRadiusDouble, recordApiCalls } from "../support/doubles/index.js";
import { userAllowedTo } from "../support/iam/iam-users.js";
import { readDirectoryRadius } from "../support/inspect.js";
import { type AwsCredentialIdentity, setRigCredentials } from "../support/rig/rig-clients.js";
import { type SeededEstate, seedEnvironment } from "../support/seed.js";

async function enforceIam(on: boolean): Promise<void> {
  const response = await fetch(`${currentMoto().endpoint}/moto-api/reset-auth`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: on ? "0" : "inf",
  });
  if (!response.ok) throw new Error(`moto reset-auth answered ${response.status}`);
}

const settings = (servers: string[]) => ({
  RadiusServers: servers,
  RadiusPort: 1812,
  RadiusTimeout: 30,
  RadiusRetries: 1,
  SharedSecret: "rig-secret-0123456789abcdef",
  AuthenticationProtocol: "PAP" as const,
});

let estate: SeededEstate;
let admin: AwsCredentialIdentity;
beforeEach(async () => {
  estate = await seedEnvironment();
  admin = await userAllowedTo("rig-admin", ["*"]);
});

afterEach(async () => {
  await enforceIam(false);
  setRigCredentials(undefined);
});

describe("SigV4 through the AWS proxy with moto's IAM enforcement on", () => {
  it("lets an allowed call through and denies a disallowed one, both signed by an IAM user's keys", async () => {
    const operator = await userAllowedTo("operator", ["ds:DescribeDirectories", "ec2:DescribeVpcs"]);
    const ds = new DirectoryServiceClient({ credentials: operator, maxAttempts: 1 });
    const ec2 = new EC2Client({ credentials: operator, maxAttempts: 1 });
    const calls = recordApiCalls();
    await enforceIam(true);

    const { DirectoryDescriptions } = await ds.send(new DescribeDirectoriesCommand({}));
    await ec2.send(new DescribeVpcsCommand({}));

    expect(DirectoryDescriptions?.map((directory) => directory.DirectoryId)).toEqual([
      estate.directory.directoryId,
    ]);
    await expect(
      ds.send(
        new EnableRadiusCommand({
          DirectoryId: estate.directory.directoryId,
          RadiusSettings: settings(["10.0.1.20"]),
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(
      ec2.send(new CreateTagsCommand({ Resources: [estate.vpcId], Tags: [{ Key: "k", Value: "v" }] })),
    ).rejects.toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    // moto's dummy keys are no IAM user's: refused, as AWS refuses unknown keys.
    await expect(clients.ds.send(new DescribeDirectoriesCommand({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    expect(calls.callsTo("EnableRadius").map((call) => [call.accessKeyId, call.status])).toEqual([
      [operator.accessKeyId, 403],
    ]);
    await enforceIam(false);
    expect((await readDirectoryRadius(estate.directory.directoryId)).settings).toBeUndefined();
    ds.destroy();
    ec2.destroy();
  });

  it("checks the caller's permission even for a call a double answers, whose own calls use the rig's keys", async () => {
    installUpdateRadiusDouble();
    setRigCredentials(admin);
    const rotator = await userAllowedTo("rotator", ["ds:EnableRadius", "ds:UpdateRadius"]);
    const reader = await userAllowedTo("reader", ["ds:DescribeDirectories"]);
    const as = (credentials: AwsCredentialIdentity) =>
      new DirectoryServiceClient({ credentials, maxAttempts: 1 });
    await enforceIam(true);
    const directoryId = estate.directory.directoryId;
    await as(rotator).send(
      new EnableRadiusCommand({ DirectoryId: directoryId, RadiusSettings: settings(["10.0.1.20"]) }),
    );

    await as(rotator).send(
      new UpdateRadiusCommand({ DirectoryId: directoryId, RadiusSettings: settings(["10.0.2.20"]) }),
    );
    const refused = as(reader).send(
      new UpdateRadiusCommand({ DirectoryId: directoryId, RadiusSettings: settings(["10.0.1.99"]) }),
    );

    await expect(refused).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    const { DirectoryDescriptions } = await as(reader).send(
      new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }),
    );
    expect(DirectoryDescriptions?.[0]?.RadiusSettings?.RadiusServers).toEqual(["10.0.2.20"]);
  });
});
