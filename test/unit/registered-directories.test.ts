import { describe, expect, it } from "vitest";
import { splitRegisteredDirectories } from "../../shared/core/registered-directories.js";

describe("splitRegisteredDirectories", () => {
  it("keeps Directory Service ids for Directory Service and sets every wsd- directory aside with why", () => {
    // Prepare: what DescribeWorkspaceDirectories lists beside our AD Connector.
    const registered = [
      { directoryId: "wsd-pools0001", directoryType: "CUSTOMER_MANAGED", workspaceType: "POOLS" },
      { directoryId: "d-0123456789", directoryType: "AD_CONNECTOR", workspaceType: "PERSONAL" },
      {
        directoryId: "wsd-idc000002",
        directoryType: "AWS_IAM_IDENTITY_CENTER",
        userIdentityType: "AWS_IAM_IDENTITY_CENTER",
        workspaceType: "PERSONAL",
      },
      { directoryId: "wsd-entra0003" },
    ];

    // Act
    const { directoryServiceIds, skipped } = splitRegisteredDirectories(registered);

    // Assess
    expect(directoryServiceIds).toEqual(["d-0123456789"]);
    expect(skipped).toEqual([
      {
        directoryId: "wsd-entra0003",
        reason:
          "a WorkSpaces directory that is not an AWS Directory Service directory, so it has no RADIUS settings to manage",
      },
      {
        directoryId: "wsd-idc000002",
        reason:
          "a WorkSpaces directory (IAM Identity Center users, type AWS_IAM_IDENTITY_CENTER) that is not an AWS " +
          "Directory Service directory, so it has no RADIUS settings to manage",
      },
      {
        directoryId: "wsd-pools0001",
        reason:
          "a WorkSpaces directory (WorkSpaces Pools, type CUSTOMER_MANAGED) that is not an AWS Directory Service " +
          "directory, so it has no RADIUS settings to manage",
      },
    ]);
  });

  it("sends nothing to Directory Service that its DirectoryId pattern ^d-[0-9a-f]{10}$ refuses", () => {
    // WorkSpaces' own pattern also admits d- ids of 8-63 hex digits; Directory Service only ten.
    const registered = ["d-0123456789", "d-01234567", "d-0123456789ab", "D-0123456789", "wsd-0123456789"].map(
      (directoryId) => ({ directoryId }),
    );

    const { directoryServiceIds, skipped } = splitRegisteredDirectories(registered);

    expect(directoryServiceIds).toEqual(["d-0123456789"]);
    expect(skipped.map((directory) => directory.directoryId)).toEqual([
      "D-0123456789",
      "d-01234567",
      "d-0123456789ab",
      "wsd-0123456789",
    ]);
  });
});
