import { afterEach, describe, expect, it } from "vitest";
import { type Config, getConfig, parseConfig } from "../../shared/config.js";
import { EXECUTION_TIMEOUT_SECONDS, worstCaseSeconds } from "../../shared/core/time-budget.js";
import { InvalidConfiguration } from "../../shared/errors.js";
import {
  directoryIds,
  instanceIds,
  integerRules,
  requiredEnvironment,
  textRules,
} from "../fixtures/config/rules.js";

const parse = (extra: Record<string, string | undefined>) =>
  parseConfig({ ...requiredEnvironment, ...extra });
const problemWith = (extra: Record<string, string | undefined>) => {
  try {
    parse(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfiguration);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(extra)}`);
};

describe("parseConfig: whole-number variables at their edges", () => {
  describe.each(integerRules)("$variable ($min-$max, default $fallback)", (rule) => {
    it("uses the default when unset", () => {
      expect(rule.read(parse({}))).toBe(rule.fallback);
    });

    it.each(["min", "max"] as const)("accepts the %s and reads it where the workflow looks", (edge) => {
      const environment = { ...rule.fits, [rule.variable]: String(rule[edge]) };
      expect(rule.read(parse(environment))).toBe(rule[edge]);
    });

    it("refuses one below the minimum, naming the variable and the bound", () => {
      expect(problemWith({ [rule.variable]: String(rule.min - 1) })).toContain(
        `${rule.variable} must be at least ${rule.min}`,
      );
    });

    it("refuses one above the maximum, naming the variable and the bound", () => {
      expect(problemWith({ [rule.variable]: String(rule.max + 1) })).toContain(
        `${rule.variable} must be at most ${rule.max}`,
      );
    });

    it("refuses a fraction inside the range", () => {
      expect(problemWith({ [rule.variable]: `${rule.min}.5` })).toContain(
        `${rule.variable} must be a whole number`,
      );
    });
  });
});

describe("parseConfig: the history-event budget", () => {
  // Waits the time budget accepts (18,000 s of the 21,600 s timeout) whose worst case makes 23,989
  // history events: every 4 s, a queued rotation's lock attempts and checks add up.
  const often = {
    RADIUS_SYNC_POLL_SECONDS: "4",
    RADIUS_SYNC_MAX_NPS_WAIT_SECONDS: "300",
    RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS: "600",
    RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS: "3600",
  };

  it("refuses waits that fit the time budget but not the event budget, naming the figure and the limit", () => {
    const seconds = worstCaseSeconds({
      pollSeconds: 4,
      maxNpsWaitSeconds: 300,
      maxRadiusWaitSeconds: 600,
      maxLockWaitSeconds: 3600,
    });

    const problem = problemWith(often);

    expect(seconds).toBeLessThanOrEqual(EXECUTION_TIMEOUT_SECONDS);
    expect(problem).toContain("waits add up to 23989 history events in the worst case");
    expect(problem).toContain("more than 20000 (80 % of Step Functions' 25000 per execution");
    expect(problem).toContain("RADIUS_SYNC_POLL_SECONDS");
    expect(problem).not.toMatch(/add up to \d+ s/);
  });

  it("accepts the defaults", () => {
    expect(parse({}).waits).toEqual({ pollSeconds: 15, maxRadiusWaitSeconds: 1800, maxNpsWaitSeconds: 300 });
  });

  // README, "Configuration": the largest value of each wait, and the shortest poll, with the defaults otherwise.
  it.each([
    ["RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS", 1965, 1966],
    ["RADIUS_SYNC_MAX_NPS_WAIT_SECONDS", 360, 361],
    ["RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS", 4455, 4456],
    ["RADIUS_SYNC_POLL_SECONDS", 12, 11],
  ])(
    "accepts the documented %s of %i with the defaults otherwise, and refuses %i",
    (variable, fits, refused) => {
      expect(() => parse({ [variable]: String(fits) })).not.toThrow();
      expect(problemWith({ [variable]: String(refused) })).toMatch(/waits add up to \d+ (s|history events)/);
    },
  );
});

describe("parseConfig: text variables at their edges, with junk before and after", () => {
  describe.each(textRules)("$variable", (rule) => {
    it.each(rule.accepted)("accepts %j", (value) => {
      expect(() => parse({ ...rule.also, [rule.variable]: value })).not.toThrow();
    });

    it.each(rule.refused)("refuses %j, naming the variable", (value) => {
      expect(problemWith({ ...rule.also, [rule.variable]: value })).toContain(
        `${rule.variable} ${rule.message}`,
      );
    });
  });
});

describe("parseConfig: id lists", () => {
  it("reads comma-separated directory and instance ids, trimmed, skipping empty items", () => {
    // Act
    const config = parse({
      RADIUS_SYNC_DIRECTORY_IDS: " d-0123456789 , ,d-abcdef0123,",
      RADIUS_SYNC_NPS_INSTANCE_IDS: "i-01234567,  mi-0123456789abcdef0 ",
    });

    // Assess
    expect(config.directories.ids).toEqual(["d-0123456789", "d-abcdef0123"]);
    expect(config.nps.instanceIds).toEqual(["i-01234567", "mi-0123456789abcdef0"]);
  });

  it("reads unset id lists as empty", () => {
    expect(parse({}).directories.ids).toEqual([]);
    expect(parse({}).nps.instanceIds).toEqual([]);
  });

  it.each(directoryIds.accepted)("accepts directory id %j", (id) => {
    expect(parse({ RADIUS_SYNC_DIRECTORY_IDS: id }).directories.ids).toEqual([id]);
  });

  it.each(directoryIds.refused)("refuses directory id %j, naming its position", (id) => {
    expect(problemWith({ RADIUS_SYNC_DIRECTORY_IDS: `d-0123456789,${id}` })).toContain(
      "RADIUS_SYNC_DIRECTORY_IDS.1 each id must look like d-0123456789",
    );
  });

  it.each(instanceIds.accepted)("accepts instance id %j", (id) => {
    expect(parse({ RADIUS_SYNC_NPS_INSTANCE_IDS: id }).nps.instanceIds).toEqual([id]);
  });

  it.each(instanceIds.refused)("refuses instance id %j, naming its position", (id) => {
    expect(problemWith({ RADIUS_SYNC_NPS_INSTANCE_IDS: id })).toContain(
      "RADIUS_SYNC_NPS_INSTANCE_IDS.0 each id must look like i-0123456789abcdef0",
    );
  });
});

describe("parseConfig: tag filters", () => {
  it.each([
    ["k=v", { key: "k", value: "v" }],
    [" radius-sync:nps = true ", { key: "radius-sync:nps", value: "true" }],
    ["k=", { key: "k", value: "" }],
    ["k=a=b", { key: "k", value: "a=b" }],
    [`${"k".repeat(128)}=${"v".repeat(256)}`, { key: "k".repeat(128), value: "v".repeat(256) }],
  ])("reads %j as a key and a value, trimmed", (text, tag) => {
    const config = parse({ RADIUS_SYNC_NPS_TAG: text, RADIUS_SYNC_DIRECTORY_TAG: text });
    expect(config.nps.tag).toEqual(tag);
    expect(config.directories.tag).toEqual(tag);
  });

  it.each(["", "   "])("reads %j as no directory tag", (text) => {
    expect(parse({ RADIUS_SYNC_DIRECTORY_TAG: text }).directories.tag).toBeUndefined();
  });

  it.each(["kv", "=v", `${"k".repeat(129)}=v`, `k=${"v".repeat(257)}`, "k=v\nx"])(
    "refuses %j as a tag filter",
    (text) => {
      expect(problemWith({ RADIUS_SYNC_DIRECTORY_TAG: text })).toContain(
        'RADIUS_SYNC_DIRECTORY_TAG must be "key=value"',
      );
      expect(problemWith({ RADIUS_SYNC_NPS_TAG: text })).toContain('RADIUS_SYNC_NPS_TAG must be "key=value"');
    },
  );
});

describe("parseConfig: switches", () => {
  const switches = [
    ["RADIUS_SYNC_NPS_REQUIRE_MESSAGE_AUTHENTICATOR", (c: Config) => c.nps.requireMessageAuthenticator],
    ["RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP", (c: Config) => c.nps.manageSecurityGroup],
  ] as const;

  describe.each(switches)("%s", (variable, read) => {
    // A Serverless param or a console edit easily carries a space or a capital.
    it.each([
      ["true", true],
      ["TRUE", true],
      [" true ", true],
      ["\tTrue\n", true],
      ["false", false],
      ["FALSE", false],
      [" False ", false],
      ["", false],
      ["  ", false],
    ])("reads %j as %s", (text, value) => {
      expect(read(parse({ [variable]: text }))).toBe(value);
    });

    it.each(["yes", "1", "t", "true false", "no"])("refuses %j, naming the variable", (text) => {
      expect(problemWith({ [variable]: text })).toContain(`${variable} must be "true" or "false"`);
    });
  });
});

describe("parseConfig: the AD group", () => {
  it("reads the group without the spaces around it, as a pasted value often carries them", () => {
    const config = parse({
      RADIUS_SYNC_NPS_ACCESS_MODE: "group",
      RADIUS_SYNC_NPS_AD_GROUP: "  CORP\\WorkSpaces MFA Users \t",
    });
    expect(config.nps.adGroup).toBe("CORP\\WorkSpaces MFA Users");
  });

  it("reads a group of spaces alone as no group, so group mode asks for one", () => {
    expect(problemWith({ RADIUS_SYNC_NPS_ACCESS_MODE: "group", RADIUS_SYNC_NPS_AD_GROUP: "   " })).toBe(
      "invalid configuration: RADIUS_SYNC_NPS_AD_GROUP is required in group access mode: the AD group " +
        "(SID or DOMAIN\\Group) the network policy admits",
    );
  });
});

describe("parseConfig: required settings", () => {
  it("refuses a configuration that selects no NPS server", () => {
    expect(problemWith({ RADIUS_SYNC_NPS_TAG: undefined })).toBe(
      "invalid configuration: RADIUS_SYNC_NPS_INSTANCE_IDS set RADIUS_SYNC_NPS_INSTANCE_IDS and/or " +
        "RADIUS_SYNC_NPS_TAG to select the NPS servers",
    );
  });

  it("accepts NPS servers selected by instance id alone", () => {
    const config = parse({ RADIUS_SYNC_NPS_TAG: undefined, RADIUS_SYNC_NPS_INSTANCE_IDS: "i-01234567" });
    expect(config.nps).toMatchObject({ instanceIds: ["i-01234567"], tag: undefined });
  });

  it.each([
    ["RADIUS_SYNC_SSM_DOCUMENT_NAME", "is required: the NPS SSM document's name"],
    ["RADIUS_SYNC_STATE_TABLE", "is required: the DynamoDB state table's name"],
  ])("refuses a configuration without %s, saying what it is for", (variable, why) => {
    expect(problemWith({ [variable]: undefined })).toBe(`invalid configuration: ${variable} ${why}`);
  });

  it("names every bad variable at once", () => {
    expect(
      problemWith({
        RADIUS_SYNC_RADIUS_PORT: "1024",
        RADIUS_SYNC_STATE_TABLE: undefined,
        RADIUS_SYNC_NAME_PREFIX: "1",
      }),
    ).toBe(
      "invalid configuration: RADIUS_SYNC_RADIUS_PORT must be at least 1025; RADIUS_SYNC_NAME_PREFIX must start " +
        "with a letter; letters, digits and '-', at most 24; RADIUS_SYNC_STATE_TABLE is required: the DynamoDB " +
        "state table's name",
    );
  });
});

describe("parseConfig: the configuration it returns", () => {
  it("holds the defaults for everything optional", () => {
    expect(parse({})).toEqual({
      directories: { ids: [], tag: undefined },
      nps: {
        instanceIds: [],
        tag: { key: "radius-sync:nps", value: "true" },
        accessMode: "push",
        adGroup: "CORP\\WorkSpaces-MFA",
        requireMessageAuthenticator: false,
        manageSecurityGroup: false,
        documentName: "radius-sync-nps",
        acknowledgedIpWhitelist: [],
      },
      radius: { port: 1812, protocol: "PAP", timeoutSeconds: 30, retries: 1, displayLabel: "MFA" },
      namePrefix: "radius-sync",
      // The hub's own account and region alone: no member target.
      targets: [{ key: "home", account: "", region: "", home: true, code: "" }],
      memberExternalId: "",
      secret: { name: "radius-sync/shared-secret", length: 64 },
      rotation: { strategy: "auto" },
      stateTable: "radius-sync-state",
      // Only the health check's functions need these; the others run without them.
      health: { documentName: "", reconcileStateMachineArn: "" },
      lock: { ttlSeconds: 21_900, maxWaitSeconds: 3600 },
      waits: { pollSeconds: 15, maxRadiusWaitSeconds: 1800, maxNpsWaitSeconds: 300 },
    });
  });

  it("puts every variable where the workflow reads it", () => {
    const config = parse({
      RADIUS_SYNC_DIRECTORY_TAG: "team=vdi",
      RADIUS_SYNC_NPS_ACCESS_MODE: "group",
      RADIUS_SYNC_RADIUS_PROTOCOL: "MS-CHAPv2",
      RADIUS_SYNC_DISPLAY_LABEL: "Token",
      RADIUS_SYNC_NAME_PREFIX: "rs",
      RADIUS_SYNC_SECRET_NAME: "rs/secret",
      RADIUS_SYNC_ROTATION_STRATEGY: "blue-green",
    });
    expect(config).toMatchObject({
      directories: { tag: { key: "team", value: "vdi" } },
      nps: { accessMode: "group" },
      radius: { protocol: "MS-CHAPv2", displayLabel: "Token" },
      namePrefix: "rs",
      secret: { name: "rs/secret" },
      rotation: { strategy: "blue-green" },
    });
  });

  it("is frozen", () => {
    expect(Object.isFrozen(parse({}))).toBe(true);
  });
});

describe("getConfig", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it("parses process.env once while the RADIUS_SYNC_* variables stay the same", () => {
    // Prepare
    Object.assign(process.env, requiredEnvironment);
    const first = getConfig();

    // Act
    process.env.SOMETHING_ELSE = "changed";
    const second = getConfig();

    // Assess
    expect(second).toBe(first);
  });

  it("parses again when a RADIUS_SYNC_* variable changes", () => {
    // Prepare
    Object.assign(process.env, requiredEnvironment);
    const first = getConfig();

    // Act
    process.env.RADIUS_SYNC_RADIUS_TIMEOUT = "20";
    const second = getConfig();

    // Assess
    expect(first.radius.timeoutSeconds).toBe(30);
    expect(second.radius.timeoutSeconds).toBe(20);
  });

  it("refuses a bad process.env like parseConfig", () => {
    Object.assign(process.env, requiredEnvironment, { RADIUS_SYNC_POLL_SECONDS: "0" });
    expect(() => getConfig()).toThrow("RADIUS_SYNC_POLL_SECONDS must be at least 3");
  });
});
