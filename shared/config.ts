import * as z from "zod";
import { BUDGETED_NPS_SERVERS, estateBoundsFor, historyBudgetProblems } from "./core/history-budget.js";
import { RADIUS_PORT_RANGE, RADIUS_RETRIES_RANGE, RADIUS_TIMEOUT_RANGE } from "./core/radius-limits.js";
import { AccountId, RegionName, resolveTargets, TargetKey } from "./core/targets.js";
import {
  EXECUTION_TIMEOUT_SECONDS,
  NPS_EXECUTION_TIMEOUT_SECONDS,
  timeBudgetProblems,
} from "./core/time-budget.js";
import { InvalidConfiguration } from "./errors.js";
import { maxClients, patterns } from "./nps/document-parameters.cjs";

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const tagFilter = z
  .string()
  .optional()
  .transform((value, context) => {
    const text = (value ?? "").trim();
    if (text === "") return undefined;
    const match = /^([^=]{1,128})=(.{0,256})$/.exec(text);
    if (match === null) {
      context.addIssue({ code: "custom", message: 'must be "key=value"' });
      return z.NEVER;
    }
    // Both groups take part in every match (a key of 1-128 characters, a value of 0-256).
    const [, key, tagValue] = match as unknown as [string, string, string];
    return { key: key.trim(), value: tagValue.trim() };
  });

/** "true" or "false" (any case), so a Serverless param can switch a feature; anything else is refused. */
const flag = z
  .string()
  .optional()
  .transform((value, context) => {
    const text = (value ?? "").trim().toLowerCase();
    if (text === "" || text === "false") return false;
    if (text === "true") return true;
    context.addIssue({ code: "custom", message: 'must be "true" or "false"' });
    return z.NEVER;
  });

const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number()
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** The product's configuration as the Lambda environment carries it. */
export const ConfigSchema = z
  .object({
    RADIUS_SYNC_DIRECTORY_IDS: commaList.pipe(
      z.array(z.string().regex(/^d-[0-9a-f]{10}$/, "each id must look like d-0123456789")),
    ),
    RADIUS_SYNC_DIRECTORY_TAG: tagFilter,
    RADIUS_SYNC_NPS_INSTANCE_IDS: commaList.pipe(
      z.array(z.string().regex(/^(i|mi)-[0-9a-f]{8,17}$/, "each id must look like i-0123456789abcdef0")),
    ),
    RADIUS_SYNC_NPS_TAG: tagFilter,
    // Directory Service's own ranges (shared/core/radius-limits.ts): refused here, not half-way through a run.
    RADIUS_SYNC_RADIUS_PORT: integer(1812, RADIUS_PORT_RANGE.min, RADIUS_PORT_RANGE.max),
    RADIUS_SYNC_RADIUS_PROTOCOL: z.enum(["PAP", "MS-CHAPv2"]).default("PAP"),
    RADIUS_SYNC_RADIUS_TIMEOUT: integer(30, RADIUS_TIMEOUT_RANGE.min, RADIUS_TIMEOUT_RANGE.max),
    RADIUS_SYNC_RADIUS_RETRIES: integer(1, RADIUS_RETRIES_RANGE.min, RADIUS_RETRIES_RANGE.max),
    RADIUS_SYNC_DISPLAY_LABEL: z
      .string()
      .regex(/^[A-Za-z0-9 ._-]{1,64}$/, "must be 1-64 letters, digits, spaces, '.', '_' or '-'")
      .default("MFA"),
    // push: NPS accepts our clients' requests without validating credentials and the Azure MFA
    // extension alone decides; group: NPS authenticates against AD and admits only the AD group.
    RADIUS_SYNC_NPS_ACCESS_MODE: z
      .enum(["push", "group"], { error: 'must be "push" or "group"' })
      .default("push"),
    // The same pattern the SSM document's AdGroup parameter enforces: a SID, or DOMAIN\Name with
    // every character Active Directory allows in a NetBIOS domain name and a group name.
    RADIUS_SYNC_NPS_AD_GROUP: z
      .string()
      .optional()
      .transform((value) => (value ?? "").trim())
      .pipe(
        z
          .string()
          .regex(
            new RegExp(patterns.adGroup),
            'must be a SID (S-1-5-21-…) or DOMAIN\\Group without the characters AD forbids (" / \\ [ ] : ; | = , + * ? < >)',
          ),
      ),
    // BlastRADIUS (CVE-2024-3596): opt-in, because an NPS client that requires Message-Authenticator
    // drops every request that lacks it (docs/nps.md, "Message-Authenticator").
    RADIUS_SYNC_NPS_REQUIRE_MESSAGE_AUTHENTICATOR: flag,
    RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP: flag,
    // IP_WHITELIST entries of the MFA extension the administrator states are not Directory Service's
    // NAS-IP-Address; any other entry stops every push (what Directory Service sends is undocumented).
    RADIUS_SYNC_NPS_ACKNOWLEDGED_IP_WHITELIST: commaList.pipe(
      z
        .array(
          z.string().regex(new RegExp(patterns.ipv4), "each entry must be an IPv4 address such as 10.9.0.1"),
        )
        .max(50, "must list at most 50 addresses"),
    ),
    RADIUS_SYNC_NAME_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,23}$/, "must start with a letter; letters, digits and '-', at most 24")
      // A prefix ending like a target code would make another hub's member clients look like ours
      // (shared/core/naming.ts: <prefix>-t<code>-d-…), so no hub could tell its clients from the other's.
      .refine((prefix) => !/-t[0-9a-f]{8}$/i.test(prefix), "must not end with -t and eight hex digits")
      .default("radius-sync"),
    // A hub: the other accounts and regions whose directories it manages, through the member role.
    RADIUS_SYNC_TARGETS: commaList.pipe(z.array(TargetKey).max(100, "must list at most 100 targets")),
    // The hub's own account and region (the template sets them): the home target.
    RADIUS_SYNC_HUB_ACCOUNT: z
      .union([z.literal(""), AccountId])
      .optional()
      .default(""),
    RADIUS_SYNC_HUB_REGION: z
      .union([z.literal(""), RegionName])
      .optional()
      .default(""),
    RADIUS_SYNC_MEMBER_ROLE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9+=,.@_-]{1,64}$/, "must be an IAM role name (1-64 letters, digits and +=,.@_-)")
      .default("radius-sync-member"),
    // sts:ExternalId: 2-1224 characters of [\w+=,.@:/-] (STS AssumeRole, ExternalId).
    RADIUS_SYNC_MEMBER_EXTERNAL_ID: z
      .union([
        z.literal(""),
        z
          .string()
          .regex(
            /^[A-Za-z0-9_+=,.@:/-]{2,1224}$/,
            "must be 2-1224 characters of letters, digits and _+=,.@:/-",
          ),
      ])
      .optional()
      .default(""),
    RADIUS_SYNC_SECRET_NAME: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,256}$/, "must be a valid Secrets Manager name")
      .default("radius-sync/shared-secret"),
    RADIUS_SYNC_SECRET_LENGTH: integer(64, 22, 128),
    // blue-green needs two NPS servers; auto picks it when there are, in-place otherwise.
    RADIUS_SYNC_ROTATION_STRATEGY: z
      .enum(["auto", "in-place", "blue-green"], { error: 'must be "auto", "in-place" or "blue-green"' })
      .default("auto"),
    RADIUS_SYNC_SSM_DOCUMENT_NAME: z.string({ error: "is required: the NPS SSM document's name" }).min(1),
    RADIUS_SYNC_STATE_TABLE: z.string({ error: "is required: the DynamoDB state table's name" }).min(1),
    // The read-only health check (its own document and state machine): only its functions read these.
    RADIUS_SYNC_HEALTH_DOCUMENT_NAME: z.string().optional().default(""),
    // The reconcile the health check starts when a server lets MFA be bypassed (its push closes the door).
    RADIUS_SYNC_RECONCILE_STATE_MACHINE_ARN: z.string().optional().default(""),
    // Each range ends where the time and history budgets (below) refuse it whatever the other
    // settings: a 3000 s RADIUS wait, a 1500 s NPS turn or a 14400 s lock wait fits only with the
    // other waits at their shortest and slow polling, and polling every 1 or 2 s never fits (README).
    RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS: integer(1800, 30, 3000),
    // One NPS server's turn: at least the document's execution timeout, so a server that runs that
    // long is never given up on while it runs (shared/core/time-budget.ts).
    RADIUS_SYNC_MAX_NPS_WAIT_SECONDS: integer(
      NPS_EXECUTION_TIMEOUT_SECONDS,
      NPS_EXECUTION_TIMEOUT_SECONDS,
      1500,
    ),
    RADIUS_SYNC_POLL_SECONDS: integer(15, 3, 300),
    // Longer than the execution's timeout (shared/core/time-budget.ts), so a live execution's lock is
    // never taken over; a crashed execution's lock is.
    RADIUS_SYNC_LOCK_TTL_SECONDS: integer(21_900, EXECUTION_TIMEOUT_SECONDS + 1, 86400),
    RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS: integer(3600, 30, 14400),
  })
  .refine((env) => env.RADIUS_SYNC_NPS_INSTANCE_IDS.length > 0 || env.RADIUS_SYNC_NPS_TAG !== undefined, {
    message: "set RADIUS_SYNC_NPS_INSTANCE_IDS and/or RADIUS_SYNC_NPS_TAG to select the NPS servers",
    path: ["RADIUS_SYNC_NPS_INSTANCE_IDS"],
  })
  .refine(
    (env) =>
      env.RADIUS_SYNC_TARGETS.length === 0 ||
      (env.RADIUS_SYNC_HUB_ACCOUNT !== "" && env.RADIUS_SYNC_HUB_REGION !== ""),
    {
      message:
        "is required with RADIUS_SYNC_TARGETS: the hub's own account (and RADIUS_SYNC_HUB_REGION its region)",
      path: ["RADIUS_SYNC_HUB_ACCOUNT"],
    },
  )
  .superRefine((env, context) => {
    try {
      resolveTargets({
        hubAccount: env.RADIUS_SYNC_HUB_ACCOUNT,
        hubRegion: env.RADIUS_SYNC_HUB_REGION,
        listed: env.RADIUS_SYNC_TARGETS,
        memberRoleName: env.RADIUS_SYNC_MEMBER_ROLE_NAME,
      });
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message, path: ["RADIUS_SYNC_TARGETS"] });
    }
  })
  .refine((env) => env.RADIUS_SYNC_NPS_ACCESS_MODE !== "group" || env.RADIUS_SYNC_NPS_AD_GROUP !== "", {
    message:
      "is required in group access mode: the AD group (SID or DOMAIN\\Group) the network policy admits",
    path: ["RADIUS_SYNC_NPS_AD_GROUP"],
  })
  .refine((env) => env.RADIUS_SYNC_NPS_ACCESS_MODE !== "push" || env.RADIUS_SYNC_RADIUS_PROTOCOL === "PAP", {
    // learn.microsoft.com/windows-server/networking/technologies/nps/nps-crp-crpolicies: accepting
    // without validating credentials "cannot be used when the authentication protocol of the access
    // client is MS-CHAP v2": NPS cannot answer an MS-CHAPv2 challenge without the password.
    message:
      "MS-CHAPv2 cannot work in push access mode (NPS cannot answer an MS-CHAPv2 request it accepts without validating credentials): use PAP, or RADIUS_SYNC_NPS_ACCESS_MODE=group",
    path: ["RADIUS_SYNC_RADIUS_PROTOCOL"],
  })
  // Waits that could add up past the execution's timeout, or past its share of the 25,000 history
  // events, are refused here, before any run starts.
  .superRefine((env, context) => {
    const waits = {
      pollSeconds: env.RADIUS_SYNC_POLL_SECONDS,
      maxNpsWaitSeconds: env.RADIUS_SYNC_MAX_NPS_WAIT_SECONDS,
      maxRadiusWaitSeconds: env.RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS,
      maxLockWaitSeconds: env.RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS,
    };
    const bounds = estateBoundsFor({ maxClients, npsServers: BUDGETED_NPS_SERVERS });
    for (const problem of [
      ...timeBudgetProblems(waits, env.RADIUS_SYNC_LOCK_TTL_SECONDS),
      ...historyBudgetProblems(waits, bounds),
    ]) {
      context.addIssue({ code: "custom", message: problem.message, path: [problem.subject] });
    }
  })
  .transform((env) => ({
    directories: { ids: env.RADIUS_SYNC_DIRECTORY_IDS, tag: env.RADIUS_SYNC_DIRECTORY_TAG },
    nps: {
      instanceIds: env.RADIUS_SYNC_NPS_INSTANCE_IDS,
      tag: env.RADIUS_SYNC_NPS_TAG,
      accessMode: env.RADIUS_SYNC_NPS_ACCESS_MODE,
      adGroup: env.RADIUS_SYNC_NPS_AD_GROUP,
      requireMessageAuthenticator: env.RADIUS_SYNC_NPS_REQUIRE_MESSAGE_AUTHENTICATOR,
      manageSecurityGroup: env.RADIUS_SYNC_NPS_MANAGE_SECURITY_GROUP,
      documentName: env.RADIUS_SYNC_SSM_DOCUMENT_NAME,
      acknowledgedIpWhitelist: env.RADIUS_SYNC_NPS_ACKNOWLEDGED_IP_WHITELIST,
    },
    radius: {
      port: env.RADIUS_SYNC_RADIUS_PORT,
      protocol: env.RADIUS_SYNC_RADIUS_PROTOCOL,
      timeoutSeconds: env.RADIUS_SYNC_RADIUS_TIMEOUT,
      retries: env.RADIUS_SYNC_RADIUS_RETRIES,
      displayLabel: env.RADIUS_SYNC_DISPLAY_LABEL,
    },
    namePrefix: env.RADIUS_SYNC_NAME_PREFIX,
    // Home first; without RADIUS_SYNC_TARGETS the home target alone, as every deployment before hubs.
    targets: resolveTargets({
      hubAccount: env.RADIUS_SYNC_HUB_ACCOUNT,
      hubRegion: env.RADIUS_SYNC_HUB_REGION,
      listed: env.RADIUS_SYNC_TARGETS,
      memberRoleName: env.RADIUS_SYNC_MEMBER_ROLE_NAME,
    }),
    memberExternalId: env.RADIUS_SYNC_MEMBER_EXTERNAL_ID,
    secret: { name: env.RADIUS_SYNC_SECRET_NAME, length: env.RADIUS_SYNC_SECRET_LENGTH },
    rotation: { strategy: env.RADIUS_SYNC_ROTATION_STRATEGY },
    stateTable: env.RADIUS_SYNC_STATE_TABLE,
    health: {
      documentName: env.RADIUS_SYNC_HEALTH_DOCUMENT_NAME,
      reconcileStateMachineArn: env.RADIUS_SYNC_RECONCILE_STATE_MACHINE_ARN,
    },
    lock: {
      ttlSeconds: env.RADIUS_SYNC_LOCK_TTL_SECONDS,
      maxWaitSeconds: env.RADIUS_SYNC_MAX_LOCK_WAIT_SECONDS,
    },
    waits: {
      pollSeconds: env.RADIUS_SYNC_POLL_SECONDS,
      maxRadiusWaitSeconds: env.RADIUS_SYNC_MAX_RADIUS_WAIT_SECONDS,
      maxNpsWaitSeconds: env.RADIUS_SYNC_MAX_NPS_WAIT_SECONDS,
    },
  }));

/** The validated, frozen configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/**
 * Parses a configuration from an environment, naming every bad variable at once.
 *
 * @example
 * ```ts
 * const config = parseConfig(process.env);
 * config.radius.timeoutSeconds; // 30 unless RADIUS_SYNC_RADIUS_TIMEOUT says otherwise
 * ```
 */
export function parseConfig(environment: Record<string, string | undefined>): Readonly<Config> {
  const result = ConfigSchema.safeParse(environment);
  if (!result.success) {
    // Every rule, the NPS-selection refinement included, names the variable it is about.
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new InvalidConfiguration(`invalid configuration: ${problems.join("; ")}`);
  }
  return Object.freeze(result.data);
}

let cached: { key: string; config: Readonly<Config> } | undefined;

/**
 * The configuration of this Lambda container, parsed once from `process.env` (again only if
 * the RADIUS_SYNC_* variables differ from the ones it was parsed from).
 *
 * @example
 * ```ts
 * const { radius } = getConfig();
 * ```
 */
export function getConfig(): Readonly<Config> {
  // In the order process.env lists them: the same variables listed in another order only parse again.
  const key = JSON.stringify(Object.entries(process.env).filter(([name]) => name.startsWith("RADIUS_SYNC_")));
  if (cached?.key !== key) cached = { key, config: parseConfig(process.env) };
  return cached.config;
}
