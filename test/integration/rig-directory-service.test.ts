/**
 * The rig's Directory Service answers as AWS's, through the real SDK: ids outside
 * `^d-[0-9a-f]{10}$`, RADIUS enabled twice, and RADIUS settings outside the model's ranges.
 */
import {
  DescribeDirectoriesCommand,
  DirectoryServiceClient,
  EnableRadiusCommand,
  EntityAlreadyExistsException,
  type RadiusSettings,
  UpdateRadiusCommand,
} from "@aws-sdk/client-directory-service";
import { beforeEach, describe, expect, it } from "vitest";
import { clients } from "../../shared/aws/clients.js";
import { installUpdateRadiusDouble, recordApiCalls } from "../support/doubles/index.js";
import { readDirectoryRadius } from "../support/inspect.js";
import { rigClient } from "../support/rig/rig-clients.js";
import { type SeededEstate, seedEnvironment } from "../support/seed.js";

const secret = "rig-secret-0123456789abcdef";
const settings = (overrides: Partial<RadiusSettings> = {}): RadiusSettings => ({
  RadiusServers: ["10.0.1.20"],
  RadiusPort: 1812,
  RadiusTimeout: 30,
  RadiusRetries: 1,
  SharedSecret: secret,
  AuthenticationProtocol: "PAP",
  ...overrides,
});

let estate: SeededEstate;
beforeEach(async () => {
  estate = await seedEnvironment();
});

const enable = (radiusSettings: RadiusSettings, client: DirectoryServiceClient = clients.ds) =>
  client.send(
    new EnableRadiusCommand({ DirectoryId: estate.directory.directoryId, RadiusSettings: radiusSettings }),
  );

describe("Directory Service DescribeDirectories on the rig", () => {
  it("refuses a WorkSpaces wsd- id with ValidationException naming the pattern", async () => {
    const describing = clients.ds.send(
      new DescribeDirectoriesCommand({ DirectoryIds: [estate.directory.directoryId, "wsd-pools0a1b2"] }),
    );

    await expect(describing).rejects.toMatchObject({
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining("satisfy regular expression pattern: ^d-[0-9a-f]{10}$"),
    });
  });
});

describe("Directory Service EnableRadius on the rig", () => {
  it("answers EntityAlreadyExistsException when RADIUS is already on, where moto would overwrite", async () => {
    await enable(settings());

    const again = enable(settings({ RadiusServers: ["10.0.2.20"] }));

    await expect(again).rejects.toBeInstanceOf(EntityAlreadyExistsException);
    await expect(again).rejects.toMatchObject({
      name: "EntityAlreadyExistsException",
      $metadata: { httpStatusCode: 400 },
    });
    expect((await readDirectoryRadius(estate.directory.directoryId)).settings?.RadiusServers).toEqual([
      "10.0.1.20",
    ]);
    // moto on its own takes the second EnableRadius as an update.
    await enable(settings({ RadiusServers: ["10.0.2.20"] }), rigClient(DirectoryServiceClient));
    expect((await readDirectoryRadius(estate.directory.directoryId)).settings?.RadiusServers).toEqual([
      "10.0.2.20",
    ]);
  });

  const violations: Array<[string, Partial<RadiusSettings>, string, string]> = [
    ["RadiusPort 1024", { RadiusPort: 1024 }, "radiusPort", "greater than or equal to 1025"],
    ["RadiusPort 65536", { RadiusPort: 65536 }, "radiusPort", "less than or equal to 65535"],
    ["RadiusTimeout 0", { RadiusTimeout: 0 }, "radiusTimeout", "greater than or equal to 1"],
    ["RadiusTimeout 51", { RadiusTimeout: 51 }, "radiusTimeout", "less than or equal to 50"],
    ["RadiusRetries 11", { RadiusRetries: 11 }, "radiusRetries", "less than or equal to 10"],
    [
      "a 7-character SharedSecret",
      { SharedSecret: "7-chars" },
      "sharedSecret",
      "length greater than or equal to 8",
    ],
    [
      "a 513-character SharedSecret",
      { SharedSecret: "s".repeat(513) },
      "sharedSecret",
      "length less than or equal to 512",
    ],
    [
      "a SharedSecret with a tab",
      { SharedSecret: "tab\tseparated" },
      "sharedSecret",
      "regular expression pattern",
    ],
  ];
  it.each(violations)(
    "refuses %s with ValidationException, never echoing the secret, changing nothing",
    async (_case, override, member, constraint) => {
      const calls = recordApiCalls();
      const radiusSettings = settings(override);

      const enabling = enable(radiusSettings);

      await expect(enabling).rejects.toMatchObject({
        name: "ValidationException",
        $metadata: { httpStatusCode: 400 },
        message: expect.stringMatching(
          new RegExp(
            `at 'radiusSettings\\.${member}' failed to satisfy constraint: Member must .*${constraint}`,
          ),
        ),
      });
      await expect(enabling).rejects.not.toMatchObject({
        message: expect.stringContaining(radiusSettings.SharedSecret ?? secret),
      });
      expect(calls.callsTo("EnableRadius")[0]?.errorCode).toBe("ValidationException");
      expect((await readDirectoryRadius(estate.directory.directoryId)).settings).toBeUndefined();
    },
  );

  it("accepts the edges of every range, and lists each violation of one request", async () => {
    await enable(
      settings({ RadiusPort: 65535, RadiusTimeout: 50, RadiusRetries: 10, SharedSecret: "8-chars!" }),
    );

    installUpdateRadiusDouble();
    await clients.ds.send(
      new UpdateRadiusCommand({
        DirectoryId: estate.directory.directoryId,
        RadiusSettings: settings({
          RadiusPort: 1025,
          RadiusTimeout: 1,
          RadiusRetries: 0,
          SharedSecret: "s".repeat(512),
        }),
      }),
    );
    const updating = clients.ds.send(
      new UpdateRadiusCommand({
        DirectoryId: estate.directory.directoryId,
        RadiusSettings: settings({ RadiusPort: 80, RadiusTimeout: 60 }),
      }),
    );
    await expect(updating).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/^2 validation errors detected: .*radiusPort.*; .*radiusTimeout/),
    });
    expect((await readDirectoryRadius(estate.directory.directoryId)).settings?.RadiusPort).toBe(1025);
  });
});
