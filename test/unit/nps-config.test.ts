import { describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config.js";
import { InvalidConfiguration } from "../../shared/errors.js";

const base = {
  RADIUS_SYNC_NPS_TAG: "radius-sync:nps=true",
  RADIUS_SYNC_SSM_DOCUMENT_NAME: "radius-sync-nps",
  RADIUS_SYNC_STATE_TABLE: "radius-sync-state",
};

describe("the NPS settings of the configuration", () => {
  it("defaults to push mode, no AD group needed, Message-Authenticator not required, NPS security groups only checked", () => {
    const { nps } = parseConfig(base);
    expect(nps).toMatchObject({
      accessMode: "push",
      adGroup: "",
      requireMessageAuthenticator: false,
      manageSecurityGroup: false,
    });
  });

  it.each([
    ["a SID", "S-1-5-21-1004336348-1177238915-682003330-1105"],
    ["DOMAIN\\Name with spaces", "CORP\\WorkSpaces MFA Users"],
    ["characters AD allows in a group name", "CORP\\O'Brien & Partner (EU) $ops"],
    ["a DNS domain name", "corp.example.com\\Domain Users"],
  ])("accepts group mode with %s", (_label, group) => {
    const { nps } = parseConfig({
      ...base,
      RADIUS_SYNC_NPS_ACCESS_MODE: "group",
      RADIUS_SYNC_NPS_AD_GROUP: group,
    });
    expect(nps).toMatchObject({ accessMode: "group", adGroup: group });
  });

  it.each([
    [
      "group mode without an AD group",
      { RADIUS_SYNC_NPS_ACCESS_MODE: "group" },
      /RADIUS_SYNC_NPS_AD_GROUP is required in group access mode/,
    ],
    [
      "push mode with MS-CHAPv2, which cannot work",
      { RADIUS_SYNC_RADIUS_PROTOCOL: "MS-CHAPv2" },
      /RADIUS_SYNC_RADIUS_PROTOCOL MS-CHAPv2 cannot work in push access mode/,
    ],
    [
      "an unknown access mode",
      { RADIUS_SYNC_NPS_ACCESS_MODE: "pull" },
      /RADIUS_SYNC_NPS_ACCESS_MODE must be "push" or "group"/,
    ],
    [
      "a group name with a character AD forbids",
      { RADIUS_SYNC_NPS_AD_GROUP: "CORP\\a|b" },
      /RADIUS_SYNC_NPS_AD_GROUP must be a SID/,
    ],
    [
      "a group without its domain",
      { RADIUS_SYNC_NPS_AD_GROUP: "WorkSpaces MFA" },
      /RADIUS_SYNC_NPS_AD_GROUP must be a SID/,
    ],
    [
      "a flag that is no boolean",
      { RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP: "yes" },
      /RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP must be "true" or "false"/,
    ],
  ])("refuses %s at start, naming why", (_label, environment, message) => {
    const act = () => parseConfig({ ...base, ...environment });
    expect(act).toThrow(InvalidConfiguration);
    expect(act).toThrow(message);
  });

  it("group mode allows MS-CHAPv2 (NPS validates it against AD)", () => {
    const config = parseConfig({
      ...base,
      RADIUS_SYNC_NPS_ACCESS_MODE: "group",
      RADIUS_SYNC_NPS_AD_GROUP: "CORP\\MFA",
      RADIUS_SYNC_RADIUS_PROTOCOL: "MS-CHAPv2",
      RADIUS_SYNC_NPS_REQUIRE_MESSAGE_AUTHENTICATOR: "TRUE",
      RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP: "true",
    });
    expect(config.radius.protocol).toBe("MS-CHAPv2");
    expect(config.nps).toMatchObject({ requireMessageAuthenticator: true, manageSecurityGroup: true });
  });
});
