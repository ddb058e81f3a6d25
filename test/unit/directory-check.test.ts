import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countRadiusCalls,
  type DirectoryStatuses,
  judgeDirectoryCheck,
  maxQuotedDirectories,
  quoteDirectoryIds,
  radiusCallFor,
  retryEnableAsUpdate,
  settingsMatch,
  sortByStatus,
  unusableSecret,
} from "../../shared/core/directory-check.js";
import {
  DirectoryNotFound,
  RadiusUpdateFailed,
  RadiusUpdateTimedOut,
  SecretInvalid,
} from "../../shared/errors.js";

const wanted = {
  servers: ["10.0.2.7", "10.0.1.5"],
  port: 1812,
  protocol: "PAP" as const,
  timeoutSeconds: 30,
  retries: 1,
};
/** What Directory Service reports for `wanted`: the servers sorted. */
const reported = { ...wanted, servers: ["10.0.1.5", "10.0.2.7"] };
const ids = (count: number) => Array.from({ length: count }, (_, i) => `d-${String(i).padStart(10, "0")}`);
const none: DirectoryStatuses = { completed: [], failed: [], missing: [], waiting: [] };

describe("quoteDirectoryIds", () => {
  it("quotes every id up to the limit of 20 and says how many more there are beyond it", () => {
    expect(maxQuotedDirectories).toBe(20);
    expect(quoteDirectoryIds([])).toBe("");
    expect(quoteDirectoryIds(["d-0000000000", "d-0000000001"])).toBe("d-0000000000, d-0000000001");
    expect(quoteDirectoryIds(ids(20))).toBe(ids(20).join(", "));
    expect(quoteDirectoryIds(ids(21))).toBe(`${ids(20).join(", ")} and 1 more`);
    expect(quoteDirectoryIds(ids(23))).toBe(`${ids(20).join(", ")} and 3 more`);
  });

  it("never quotes more than 20 ids, and the count of the rest adds up", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), (count) => {
        const text = quoteDirectoryIds(ids(count));
        const quotedCount = text === "" ? 0 : text.split(" and ")[0]?.split(", ").length;
        const more = Number(/ and (\d+) more$/.exec(text)?.[1] ?? 0);
        expect(quotedCount).toBe(Math.min(count, 20));
        expect((quotedCount ?? 0) + more).toBe(count);
      }),
    );
  });
});

describe("radiusCallFor", () => {
  it("enables RADIUS on a directory the plan found without it and updates every other", () => {
    const enable = new Set(["d-0000000001"]);
    expect(radiusCallFor("d-0000000001", enable)).toBe("enable");
    expect(radiusCallFor("d-0000000002", enable)).toBe("update");
  });
});

describe("retryEnableAsUpdate", () => {
  it("sends UpdateRadius after an EnableRadius that found RADIUS already enabled", () => {
    expect(retryEnableAsUpdate("enable", "EntityAlreadyExistsException")).toBe(true);
  });

  it("lets every other refusal surface, and never retries an UpdateRadius", () => {
    expect(retryEnableAsUpdate("enable", "InvalidParameterException")).toBe(false);
    expect(retryEnableAsUpdate("enable", undefined)).toBe(false);
    expect(retryEnableAsUpdate("update", "EntityAlreadyExistsException")).toBe(false);
  });
});

describe("countRadiusCalls", () => {
  it("counts the enabled and the updated directories of a chunk", () => {
    expect(countRadiusCalls([])).toEqual({ enabled: 0, updated: 0 });
    expect(countRadiusCalls(["enable", "update", "update"])).toEqual({ enabled: 1, updated: 2 });
    expect(countRadiusCalls(["enable", "enable"])).toEqual({ enabled: 2, updated: 0 });
  });
});

describe("unusableSecret", () => {
  it("accepts a secret version with no problems", () => {
    expect(unusableSecret({ arn: "arn:secret", versionId: "v1", problems: [] })).toBeUndefined();
  });

  it("throws SecretInvalid naming the version and every problem", () => {
    const error = unusableSecret({
      arn: "arn:secret",
      versionId: "v1",
      problems: ["too short", "has a quote"],
    });
    expect(error).toBeInstanceOf(SecretInvalid);
    expect(error?.name).toBe("SecretInvalid");
    expect(error?.message).toBe("secret arn:secret version v1 is not usable: too short; has a quote");
  });
});

describe("settingsMatch", () => {
  it("matches the reported settings whatever order the phase lists its servers in", () => {
    expect(settingsMatch(reported, wanted)).toBe(true);
    expect(settingsMatch(reported, { ...wanted, servers: [...reported.servers] })).toBe(true);
  });

  it("does not match a directory that reports no settings", () => {
    expect(settingsMatch(undefined, wanted)).toBe(false);
  });

  it("does not match when any one compared field differs", () => {
    expect(settingsMatch({ ...reported, servers: ["10.0.1.5"] }, wanted)).toBe(false);
    expect(settingsMatch({ ...reported, servers: ["10.0.1.5", "10.0.2.8"] }, wanted)).toBe(false);
    expect(settingsMatch({ ...reported, port: 1813 }, wanted)).toBe(false);
    expect(settingsMatch({ ...reported, protocol: "MS-CHAPv2" }, wanted)).toBe(false);
    expect(settingsMatch({ ...reported, timeoutSeconds: 31 }, wanted)).toBe(false);
    expect(settingsMatch({ ...reported, retries: 2 }, wanted)).toBe(false);
  });

  it("does not take two servers for one whose address is theirs run together", () => {
    // Joined without a separator, ["10.0.1.5", "10.0.2.7"] and ["10.0.1.510.0.2.7"] would look alike.
    expect(settingsMatch({ ...reported, servers: ["10.0.1.510.0.2.7"] }, wanted)).toBe(false);
  });
});

describe("sortByStatus", () => {
  it("sorts each pending directory by what Directory Service reports, in the order of pending", () => {
    const views = [
      { directoryId: "d-0000000001", radiusStatus: "Completed", radiusSettings: reported },
      { directoryId: "d-0000000002", radiusStatus: "Failed", radiusSettings: reported },
      { directoryId: "d-0000000003", radiusStatus: "Completed", radiusSettings: { ...reported, port: 1645 } },
      { directoryId: "d-0000000004", radiusStatus: "Creating" },
      { directoryId: "d-0000000005" },
      { directoryId: "d-0000000007", radiusStatus: "Completed", radiusSettings: reported },
      { directoryId: "d-0000000009", radiusStatus: "Failed" },
    ];
    const pending = ["d-0000000007", "d-0000000006", "d-0000000005", "d-0000000004", "d-0000000003"];

    const statuses = sortByStatus(views, wanted, [...pending, "d-0000000002", "d-0000000001"]);

    expect(statuses).toEqual({
      completed: ["d-0000000007", "d-0000000001"],
      failed: ["d-0000000002"],
      missing: ["d-0000000006"],
      waiting: [
        { directoryId: "d-0000000005", status: "(none)" },
        { directoryId: "d-0000000004", status: "Creating" },
        // Completed with the old settings: Directory Service has not picked the change up yet.
        { directoryId: "d-0000000003", status: "Completed" },
      ],
    });
  });

  it("counts a directory that already reports the new settings as waiting until its status is Completed", () => {
    const views = [{ directoryId: "d-0000000001", radiusStatus: "Updating", radiusSettings: reported }];
    const statuses = sortByStatus(views, wanted, ["d-0000000001"]);
    expect(statuses.completed).toEqual([]);
    expect(statuses.waiting).toEqual([{ directoryId: "d-0000000001", status: "Updating" }]);
  });

  it("counts a Completed directory that reports no settings as still waiting", () => {
    const statuses = sortByStatus([{ directoryId: "d-0000000001", radiusStatus: "Completed" }], wanted, [
      "d-0000000001",
    ]);
    expect(statuses.waiting).toEqual([{ directoryId: "d-0000000001", status: "Completed" }]);
  });

  it("puts every pending directory in exactly one group and no other directory in any", () => {
    const status = fc.constantFrom(undefined, "Completed", "Failed", "Creating", "Requested");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 30 })),
        fc.array(status, { maxLength: 31 }),
        (pendingNumbers, found) => {
          const pending = pendingNumbers.map((n) => ids(31)[n] ?? "");
          const views = found.flatMap((radiusStatus, n) =>
            radiusStatus === undefined
              ? []
              : [{ directoryId: ids(31)[n] ?? "", radiusStatus, radiusSettings: reported }],
          );
          const { completed, failed, missing, waiting } = sortByStatus(views, wanted, pending);
          const grouped = [...completed, ...failed, ...missing, ...waiting.map((entry) => entry.directoryId)];
          expect(grouped.sort()).toEqual([...pending].sort());
        },
      ),
    );
  });
});

describe("judgeDirectoryCheck", () => {
  const settings = { servers: ["10.0.1.5", "10.0.2.7"], port: 1812 };
  const judge = (statuses: Partial<DirectoryStatuses>, attempt = 1, maxPolls = 10) =>
    judgeDirectoryCheck({ statuses: { ...none, ...statuses }, settings, attempt, maxPolls });
  const errorOf = (verdict: ReturnType<typeof judge>) => {
    if (verdict.status !== "failed") throw new Error(`expected a failure, got ${verdict.status}`);
    return verdict.error;
  };

  it("is done when nothing waits, even at the last check", () => {
    expect(judge({ completed: ["d-0000000001"] })).toEqual({ status: "done", pending: [] });
    expect(judge({}, 10, 10)).toEqual({ status: "done", pending: [] });
  });

  it("stays pending on the waiting directories until the check before the last", () => {
    const waiting = [
      { directoryId: "d-0000000002", status: "Creating" },
      { directoryId: "d-0000000001", status: "Requested" },
    ];
    expect(judge({ waiting, completed: ["d-0000000003"] }, 9, 10)).toEqual({
      status: "pending",
      pending: ["d-0000000002", "d-0000000001"],
    });
  });

  it("times out at maxPolls checks with RadiusUpdateTimedOut naming the directories and their statuses once each", () => {
    const waiting = [
      { directoryId: "d-0000000002", status: "Creating" },
      { directoryId: "d-0000000001", status: "Requested" },
      { directoryId: "d-0000000003", status: "Creating" },
    ];
    for (const attempt of [10, 11]) {
      const error = errorOf(judge({ waiting }, attempt, 10));
      expect(error).toBeInstanceOf(RadiusUpdateTimedOut);
      expect(error.name).toBe("RadiusUpdateTimedOut");
      expect(error.message).toBe(
        "3 directories (d-0000000002, d-0000000001, d-0000000003) still report RadiusStatus Creating, Requested " +
          `after ${attempt} checks; they may not reach RADIUS servers 10.0.1.5, 10.0.2.7`,
      );
    }
  });

  it("says directory, not directories, when one times out", () => {
    const error = errorOf(judge({ waiting: [{ directoryId: "d-0000000001", status: "(none)" }] }, 1, 1));
    expect(error.message).toBe(
      "1 directory (d-0000000001) still report RadiusStatus (none) after 1 checks; " +
        "they may not reach RADIUS servers 10.0.1.5, 10.0.2.7",
    );
  });

  it("fails with RadiusUpdateFailed naming every failed directory, the servers and the port, before any timeout", () => {
    const waiting = [{ directoryId: "d-0000000003", status: "Creating" }];
    const error = errorOf(judge({ failed: ["d-0000000001", "d-0000000002"], waiting }, 10, 10));
    expect(error).toBeInstanceOf(RadiusUpdateFailed);
    expect(error.name).toBe("RadiusUpdateFailed");
    expect(error.message).toBe(
      "2 directories report RadiusStatus Failed (d-0000000001, d-0000000002): they could not reach RADIUS " +
        "servers 10.0.1.5, 10.0.2.7 on UDP 1812 with the shared secret; check the NPS servers' RADIUS clients, " +
        "the security groups and network ACLs between them",
    );
  });

  it("says one directory reports, not report, when one failed", () => {
    const error = errorOf(judge({ failed: ["d-0000000001"] }));
    expect(error.message).toMatch(/^1 directory reports RadiusStatus Failed \(d-0000000001\): /);
  });

  it("fails with DirectoryNotFound for directories that disappeared, before a failure or a timeout", () => {
    const one = errorOf(judge({ missing: ["d-0000000001"], failed: ["d-0000000002"] }, 10, 10));
    expect(one).toBeInstanceOf(DirectoryNotFound);
    expect(one.name).toBe("DirectoryNotFound");
    expect(one.message).toBe("directory d-0000000001 disappeared while RADIUS was being set");

    const many = errorOf(judge({ missing: ids(22) }));
    expect(many.message).toBe(
      `directories ${ids(20).join(", ")} and 2 more disappeared while RADIUS was being set`,
    );
  });
});
