/**
 * Directory Service's RADIUS calls as strict as AWS, where moto is not (sources: botocore
 * `botocore/data/ds/2015-04-16/service-2.json`; the API reference of EnableRadius,
 * https://docs.aws.amazon.com/directoryservice/latest/devguide/API_EnableRadius.html; moto 5.2.5's
 * `moto/ds/models.py`, whose `enable_radius` overwrites whatever is there and validates nothing):
 *
 * - `EnableRadius` and `UpdateRadius` check `RadiusSettings` against the model: `RadiusPort`
 *   1025–65535 (`PortNumber`), `RadiusTimeout` 1–50 (`RadiusTimeout`), `RadiusRetries` 0–10
 *   (`RadiusRetries`), `SharedSecret` 8–512 characters of letters, digits, punctuation and spaces
 *   (`RadiusSharedSecret`, sensitive: never echoed), each server of `RadiusServers` and of
 *   `RadiusServersIpv6` 1–256 characters (both lists are `Servers` of `Server`),
 *   `DisplayLabel` 1–64 (`RadiusDisplayLabel`), `AuthenticationProtocol` one of the enum's values.
 *   A violation answers `ValidationException` listing each one, as Directory Service's model
 *   validation does (moto reproduces its text for directory ids, `moto/ds/validations.py`).
 * - `EnableRadius` on a directory whose RADIUS is already on answers
 *   `EntityAlreadyExistsException` ("The specified entity already exists", listed for EnableRadius
 *   only); changing settings is `UpdateRadius`'s job.
 *
 * `DescribeDirectories` with an id that does not match `^d-[0-9a-f]{10}$` (a WorkSpaces `wsd-…` id)
 * already answers `ValidationException` from moto itself (`_validate_directory_id`), and so does one
 * unknown or deleted id among `DirectoryIds`, which fails the whole call with
 * `EntityDoesNotExistException` as on AWS (the same check, moto 5.2.6); the rig tests prove both
 * through the SDK (`rig-directory-service.test.ts`, `partial-batches.test.ts`).
 */
import { DescribeDirectoriesCommand, DirectoryServiceClient } from "@aws-sdk/client-directory-service";
import { type AccountScope, callScope } from "./accounts.js";
import { type AwsCall, type AwsReply, awsError } from "./aws-call.js";
import type { AwsRule } from "./interceptors.js";
import { rigClient } from "./rig-clients.js";
import { checkLength, checkRange, type Violation, validationError } from "./validation.js";

/** `RadiusAuthenticationProtocol`'s values. */
const protocols = ["PAP", "CHAP", "MS-CHAPv1", "MS-CHAPv2"];
/** `RadiusSharedSecret`'s pattern `^(\p{LD}|\p{Punct}| )+$`: letters, digits, ASCII punctuation, space. */
const sharedSecretPattern = /^([\p{L}\p{Nd}]|[!-/:-@[-`{-~]| )+$/u;

/**
 * Every model violation in a request's `RadiusSettings`, as AWS lists them.
 *
 * @example
 * ```ts
 * radiusSettingsViolations({ RadiusPort: 80 }); // [{ path: "radiusSettings.radiusPort", … }]
 * ```
 */
export function radiusSettingsViolations(settings: Record<string, unknown>): Violation[] {
  const at = (member: string) => `radiusSettings.${member}`;
  const servers = (settings.RadiusServers ?? []) as unknown[];
  const serversIpv6 = (settings.RadiusServersIpv6 ?? []) as unknown[];
  const secret = settings.SharedSecret;
  const protocol = settings.AuthenticationProtocol;
  return [
    ...servers.flatMap((server, index) =>
      checkLength(at(`radiusServers.${index + 1}.member`), server, { min: 1, max: 256 }),
    ),
    ...serversIpv6.flatMap((server, index) =>
      checkLength(at(`radiusServersIpv6.${index + 1}.member`), server, { min: 1, max: 256 }),
    ),
    ...checkRange(at("radiusPort"), settings.RadiusPort, { min: 1025, max: 65535 }),
    ...checkRange(at("radiusTimeout"), settings.RadiusTimeout, { min: 1, max: 50 }),
    ...checkRange(at("radiusRetries"), settings.RadiusRetries, { min: 0, max: 10 }),
    ...checkLength(at("sharedSecret"), secret, { min: 8, max: 512 }, { sensitive: true }),
    ...(typeof secret === "string" && secret.length > 0 && !sharedSecretPattern.test(secret)
      ? [
          {
            path: at("sharedSecret"),
            constraint: "satisfy regular expression pattern: ^(\\p{LD}|\\p{Punct}| )+$",
          },
        ]
      : []),
    ...checkLength(at("displayLabel"), settings.DisplayLabel, { min: 1, max: 64 }),
    ...(protocol === undefined || protocols.includes(String(protocol))
      ? []
      : [
          {
            path: at("authenticationProtocol"),
            value: protocol,
            constraint: `satisfy enum value set: [${protocols.join(", ")}]`,
          },
        ]),
  ];
}

/** Whether RADIUS is on for the directory in the caller's account and region. */
async function radiusIsOn(directoryId: string, scope: AccountScope): Promise<boolean | undefined> {
  try {
    const { DirectoryDescriptions } = await rigClient(DirectoryServiceClient, scope).send(
      new DescribeDirectoriesCommand({ DirectoryIds: [directoryId] }),
    );
    const settings = DirectoryDescriptions?.[0]?.RadiusSettings;
    return Boolean(settings?.RadiusServers?.length || settings?.RadiusServersIpv6?.length);
  } catch {
    // Unknown or malformed id: let moto answer the call itself, with its own error.
    return undefined;
  }
}

async function checkRadiusChange(call: AwsCall, next: () => Promise<AwsReply>): Promise<AwsReply> {
  const settings = (call.input.RadiusSettings ?? {}) as Record<string, unknown>;
  const invalid = validationError(call, radiusSettingsViolations(settings));
  if (invalid) return invalid;
  const directoryId = String(call.input.DirectoryId ?? "");
  if (call.operation === "EnableRadius" && (await radiusIsOn(directoryId, callScope(call))) === true) {
    return awsError(call, {
      code: "EntityAlreadyExistsException",
      message: `RADIUS is already enabled for directory ${directoryId}; use UpdateRadius to change its settings`,
    });
  }
  return await next();
}

/**
 * The Directory Service rules.
 *
 * @example
 * ```ts
 * const rules = directoryServiceRules();
 * ```
 */
export function directoryServiceRules(): AwsRule[] {
  return [
    {
      selector: { service: "ds", operation: ["EnableRadius", "UpdateRadius"] },
      label: "aws-rules:ds-radius-settings",
      interceptor: checkRadiusChange,
    },
  ];
}
