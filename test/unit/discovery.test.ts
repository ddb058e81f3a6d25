import { describe, expect, it } from "vitest";
import {
  assembleDiscovery,
  chooseManagedDirectories,
  type DescribedDirectory,
  directoriesToCheckForTag,
  listedDirectories,
  missingDirectoryIds,
  securityGroupsToRead,
  supportedDirectoryTypes,
  undescribedDirectories,
} from "../../shared/core/discovery.js";

const directory = (
  directoryId: string,
  type = "ADConnector",
  securityGroupId?: string,
): DescribedDirectory => ({
  directoryId,
  name: `${directoryId}.example.com`,
  type,
  stage: "Active",
  radiusSourceIps: ["10.0.1.5"],
  ...(securityGroupId ? { securityGroupId } : {}),
});
const tag = { key: "radius-sync", value: "managed" };

describe("listedDirectories", () => {
  const registered = ["d-0000000003", "d-0000000001", "d-0000000002"].map((directoryId) => ({ directoryId }));

  it("takes every registered directory when the allow-list is empty", () => {
    expect(listedDirectories(registered, [])).toEqual(registered);
  });

  it("takes only the allow-listed ones, in the order WorkSpaces listed them", () => {
    expect(listedDirectories(registered, ["d-0000000002", "d-0000000003", "d-0000000009"])).toEqual([
      { directoryId: "d-0000000003" },
      { directoryId: "d-0000000002" },
    ]);
  });
});

describe("missingDirectoryIds", () => {
  it("names each directory asked for by the allow-list or the input that is not a candidate, sorted, once", () => {
    const missing = missingDirectoryIds({
      allowList: ["d-0000000009", "d-0000000001"],
      requested: ["d-0000000005", "d-0000000009", "d-0000000002"],
      candidates: ["d-0000000001", "d-0000000002"],
    });
    expect(missing).toEqual(["d-0000000005", "d-0000000009"]);
  });

  it("finds nothing missing when nothing is asked for", () => {
    expect(missingDirectoryIds({ allowList: [], candidates: ["d-0000000001"] })).toEqual([]);
  });
});

describe("directoriesToCheckForTag", () => {
  const views = [
    directory("d-0000000002"),
    directory("d-0000000001", "SimpleAD"),
    directory("d-0000000003", "MicrosoftAD"),
  ];

  it("reads no tags when no tag selects directories", () => {
    expect(directoriesToCheckForTag(views, undefined)).toEqual([]);
  });

  it("reads the tags of the supported directories only", () => {
    expect(directoriesToCheckForTag(views, tag)).toEqual(["d-0000000002", "d-0000000003"]);
  });
});

describe("undescribedDirectories", () => {
  it("skips by name each registered directory Directory Service did not describe, in the order listed", () => {
    const skipped = undescribedDirectories({
      candidates: ["d-0000000003", "d-0000000001", "d-0000000002"],
      described: ["d-0000000001"],
      missing: [],
    });

    expect(skipped.map((entry) => entry.directoryId)).toEqual(["d-0000000003", "d-0000000002"]);
    expect(skipped[0]?.reason).toBe(
      "registered with WorkSpaces, but Directory Service does not know it (EntityDoesNotExistException): " +
        "deleted since it was registered? Deregister it from WorkSpaces",
    );
  });

  it("leaves one that was asked for to the missing ids, which make it a problem", () => {
    expect(
      undescribedDirectories({ candidates: ["d-0000000002"], described: [], missing: ["d-0000000002"] }),
    ).toEqual([]);
  });
});

describe("chooseManagedDirectories", () => {
  it("manages AD Connector and Managed Microsoft AD only", () => {
    expect([...supportedDirectoryTypes].sort()).toEqual(["ADConnector", "MicrosoftAD"]);
  });

  it("skips every other type with why, and keeps the rest when no tag selects directories", () => {
    const views = [
      directory("d-0000000001", "SimpleAD"),
      directory("d-0000000002"),
      directory("d-0000000003", "MicrosoftAD"),
    ];
    const { managed, skipped } = chooseManagedDirectories({ views, tag: undefined, tags: new Map() });
    expect(managed.map((view) => view.directoryId)).toEqual(["d-0000000002", "d-0000000003"]);
    expect(skipped).toEqual([
      {
        directoryId: "d-0000000001",
        reason: "type SimpleAD has no RADIUS settings radius-sync manages (ADConnector or MicrosoftAD only)",
      },
    ]);
  });

  it("keeps only directories tagged with the key and value, skipping the others with why, in order", () => {
    const views = ["d-0000000001", "d-0000000002", "d-0000000003", "d-0000000004"].map((id) => directory(id));
    views.push(directory("d-0000000005", "SharedMicrosoftAD"));
    const tags = new Map<string, Record<string, string>>([
      ["d-0000000001", { "radius-sync": "managed" }],
      ["d-0000000002", { "radius-sync": "no" }],
      ["d-0000000003", { other: "managed" }],
    ]);
    const { managed, skipped } = chooseManagedDirectories({ views, tag, tags });
    expect(managed.map((view) => view.directoryId)).toEqual(["d-0000000001"]);
    expect(skipped).toEqual([
      { directoryId: "d-0000000002", reason: "not tagged radius-sync=managed" },
      { directoryId: "d-0000000003", reason: "not tagged radius-sync=managed" },
      { directoryId: "d-0000000004", reason: "not tagged radius-sync=managed" },
      {
        directoryId: "d-0000000005",
        reason:
          "type SharedMicrosoftAD has no RADIUS settings radius-sync manages (ADConnector or MicrosoftAD only)",
      },
    ]);
  });
});

describe("securityGroupsToRead", () => {
  it("reads each directory's and NPS server's group once, directories first", () => {
    const views = [
      directory("d-0000000001", "ADConnector", "sg-d1"),
      directory("d-0000000002"),
      directory("d-0000000003", "ADConnector", "sg-shared"),
    ];
    const npsGroups = new Map([
      ["i-0000000000000001", ["sg-n1", "sg-shared"]],
      ["i-0000000000000002", ["sg-n1"]],
    ]);
    expect(securityGroupsToRead(views, npsGroups)).toEqual(["sg-d1", "sg-shared", "sg-n1"]);
  });
});

describe("assembleDiscovery", () => {
  const applied = { secretVersionId: "v1", settingsFingerprint: "f", appliedAt: "2026-11-24T12:00:00.000Z" };
  const npsApplied = {
    fingerprint: "n",
    secretVersionId: "v1",
    clients: [],
    appliedAt: "2026-11-24T12:00:00.000Z",
  };
  const secret = { exists: false as const, name: "radius-sync/shared-secret" };
  const base = {
    skippedDirectories: [{ directoryId: "wsd-0000000001", reason: "not Directory Service" }],
    missingDirectoryIds: ["d-0000000009"],
    secret,
    radiusPort: 1812,
    namePrefix: "radius-sync",
  };

  it("adds each directory's UDP rules and record, and each NPS server's RADIUS rules and record", () => {
    const discovery = assembleDiscovery({
      ...base,
      directories: [directory("d-0000000001", "ADConnector", "sg-d1"), directory("d-0000000002")],
      nodes: [
        { instanceId: "i-0000000000000001", pingStatus: "Online", platformType: "Windows" },
        { instanceId: "i-0000000000000002", pingStatus: "Online", platformType: "Windows" },
      ],
      configuredNpsInstanceIds: ["i-0000000000000001", "i-0000000000000002", "i-0000000000000003"],
      npsGroups: new Map([["i-0000000000000001", ["sg-n1", "sg-unread"]]]),
      permissions: new Map([
        [
          "sg-d1",
          [
            { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32" },
            { protocol: "tcp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.11/32" },
          ],
        ],
        [
          "sg-n1",
          [
            { protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.1.5/32" },
            { protocol: "udp", fromPort: 1813, toPort: 1813, cidr: "10.0.1.6/32" },
          ],
        ],
      ]),
      records: {
        directories: new Map([["d-0000000001", applied]]),
        npsServers: new Map([["i-0000000000000002", npsApplied]]),
      },
    });

    expect(discovery).toStrictEqual({
      directories: [
        {
          ...directory("d-0000000001", "ADConnector", "sg-d1"),
          udpIngressRules: [{ protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.3.10/32" }],
          applied,
        },
        { ...directory("d-0000000002"), udpIngressRules: [] },
      ],
      missingDirectoryIds: ["d-0000000009"],
      skippedDirectories: [{ directoryId: "wsd-0000000001", reason: "not Directory Service" }],
      npsServers: [
        {
          instanceId: "i-0000000000000001",
          pingStatus: "Online",
          platformType: "Windows",
          securityGroups: [
            { groupId: "sg-n1", radiusRules: [{ cidr: "10.0.1.5/32", owned: false }] },
            { groupId: "sg-unread", radiusRules: [] },
          ],
        },
        {
          instanceId: "i-0000000000000002",
          pingStatus: "Online",
          platformType: "Windows",
          applied: npsApplied,
        },
      ],
      // Configured, but SSM did not return it (refused, or a stopped instance it leaves out).
      missingNpsInstanceIds: ["i-0000000000000003"],
      secret,
    });
  });

  it("checks the NPS rules against the configured RADIUS port", () => {
    const discovery = assembleDiscovery({
      ...base,
      radiusPort: 1645,
      directories: [],
      nodes: [{ instanceId: "i-0000000000000001", pingStatus: "Online", platformType: "Windows" }],
      configuredNpsInstanceIds: [],
      npsGroups: new Map([["i-0000000000000001", ["sg-n1"]]]),
      permissions: new Map([
        ["sg-n1", [{ protocol: "udp", fromPort: 1812, toPort: 1812, cidr: "10.0.1.5/32" }]],
      ]),
      records: { directories: new Map(), npsServers: new Map() },
    });
    expect(discovery.npsServers[0]?.securityGroups).toEqual([{ groupId: "sg-n1", radiusRules: [] }]);
  });

  it("carries how the last rotation ended only when there is a record of it", () => {
    const lastRotation = {
      executionId: "arn:exec",
      status: "SUCCEEDED" as const,
      at: "2026-11-24T12:00:00.000Z",
    };
    const empty = {
      ...base,
      directories: [],
      nodes: [],
      configuredNpsInstanceIds: [],
      npsGroups: new Map(),
      permissions: new Map(),
    };
    const without = assembleDiscovery({
      ...empty,
      records: { directories: new Map(), npsServers: new Map() },
    });
    expect("lastRotation" in without).toBe(false);
    const withRecord = assembleDiscovery({
      ...empty,
      records: { directories: new Map(), npsServers: new Map(), lastRotation },
    });
    expect(withRecord.lastRotation).toEqual(lastRotation);
  });
});
