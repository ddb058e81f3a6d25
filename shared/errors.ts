/**
 * The workflow's typed errors. Each class's `name` is the exact string that the
 * state machine's Retry/Catch blocks and Fail states match on; a test keeps the
 * two lists in step.
 *
 * Every name is a string literal, never derived from the class: the packaged bundles are minified,
 * which renames classes (`InvalidInput` becomes `pe`), and the Lambda runtime reports `error.name`
 * as the `errorType` that Step Functions matches. `test/unit/error-names-bundled.test.ts` and the
 * packaged suite guard it.
 *
 * Messages name what failed and why, and never carry the shared secret.
 *
 * @example
 * ```ts
 * throw new DirectoryNotActive("directory d-1234567890 is in stage Impaired, not Active");
 * ```
 */
export class RadiusSyncError extends Error {
  override name = "RadiusSyncError";
}

/** The execution input or the Lambda configuration failed validation. */
export class InvalidInput extends RadiusSyncError {
  override name = "InvalidInput";
}
/** The deployment's configuration (Lambda environment) is invalid. */
export class InvalidConfiguration extends RadiusSyncError {
  override name = "InvalidConfiguration";
}
/** A directory named in the input or the allow-list does not exist or is not a WorkSpaces directory. */
export class DirectoryNotFound extends RadiusSyncError {
  override name = "DirectoryNotFound";
}
/** A managed directory is not in stage Active, so its RADIUS settings cannot be changed. */
export class DirectoryNotActive extends RadiusSyncError {
  override name = "DirectoryNotActive";
}
/** A managed directory has no IP addresses that send RADIUS requests. */
export class DirectoryHasNoRadiusSources extends RadiusSyncError {
  override name = "DirectoryHasNoRadiusSources";
}
/** No NPS server matched the configuration. */
export class NoNpsServers extends RadiusSyncError {
  override name = "NoNpsServers";
}
/** A configured NPS server is not an SSM managed node (agent missing or not registered). */
export class NpsServerNotManaged extends RadiusSyncError {
  override name = "NpsServerNotManaged";
}
/** A configured NPS server's SSM agent is not Online (PingStatus ConnectionLost or Inactive). */
export class NpsServerOffline extends RadiusSyncError {
  override name = "NpsServerOffline";
}
/** A configured NPS server is not a Windows managed node. */
export class NpsServerNotWindows extends RadiusSyncError {
  override name = "NpsServerNotWindows";
}
/** The NPS configuration command failed on a server. */
export class NpsCommandFailed extends RadiusSyncError {
  override name = "NpsCommandFailed";
}
/** The NPS configuration command did not finish within the configured maximum wait. */
export class NpsCommandTimedOut extends RadiusSyncError {
  override name = "NpsCommandTimedOut";
}
/** An NPS server's RADIUS clients do not hold the expected secret version (their proof differs or is missing). */
export class NpsSecretMismatch extends RadiusSyncError {
  override name = "NpsSecretMismatch";
}
/** A server has no NPS role (service IAS, module NPS): the NPS script changed nothing. */
export class NpsRoleMissing extends RadiusSyncError {
  override name = "NpsRoleMissing";
}
/** The Azure MFA NPS extension is not registered on a server: the NPS script changed nothing (fail closed). */
export class NpsMfaExtensionMissing extends RadiusSyncError {
  override name = "NpsMfaExtensionMissing";
}
/** The Azure MFA NPS extension would let our requests through without MFA (REQUIRE_USER_MATCH FALSE, IP_WHITELIST). */
export class NpsMfaExtensionBypassed extends RadiusSyncError {
  override name = "NpsMfaExtensionBypassed";
}
/** Another radius-sync command held the NPS host's lock for too long: the NPS script changed nothing. */
export class NpsHostBusy extends RadiusSyncError {
  override name = "NpsHostBusy";
}
/** An NPS command started after a newer push had been applied on that server: the script changed nothing. */
export class NpsCommandSuperseded extends RadiusSyncError {
  override name = "NpsCommandSuperseded";
}
/** Group Policy turns on PowerShell module logging for a module the NPS script gives the secret to. */
export class NpsSecretLoggingEnabled extends RadiusSyncError {
  override name = "NpsSecretLoggingEnabled";
}
/** An NPS server's running service has not loaded what radius-sync configured (a restart is owed, or IAS is stopped). */
export class NpsRestartPending extends RadiusSyncError {
  override name = "NpsRestartPending";
}
/** NPS does not listen on the configured RADIUS port. */
export class NpsPortMismatch extends RadiusSyncError {
  override name = "NpsPortMismatch";
}
/** A server's SSM Agent is older than 3.3.2746.0 and passes no parameters as environment variables. */
export class SsmAgentOutdated extends RadiusSyncError {
  override name = "SsmAgentOutdated";
}
/** An NPS server's security groups do not admit RADIUS from a directory's source IPs. */
export class NpsNetworkPathBlocked extends RadiusSyncError {
  override name = "NpsNetworkPathBlocked";
}
/** Directory Service reported RadiusStatus Failed after Enable/UpdateRadius. */
export class RadiusUpdateFailed extends RadiusSyncError {
  override name = "RadiusUpdateFailed";
}
/** RadiusStatus did not reach Completed within the configured maximum wait. */
export class RadiusUpdateTimedOut extends RadiusSyncError {
  override name = "RadiusUpdateTimedOut";
}
/** The shared secret stored in Secrets Manager does not meet the RADIUS secret policy. */
export class SecretInvalid extends RadiusSyncError {
  override name = "SecretInvalid";
}
/** An AWS API throttled us or failed transiently; the state machine retries these. */
export class AwsThrottled extends RadiusSyncError {
  override name = "AwsThrottled";
}
/** A rotation failed and so did its rollback: the sides may disagree until the next reconcile. */
export class RollbackFailed extends RadiusSyncError {
  override name = "RollbackFailed";
}
/**
 * A hub's member target could not be read (its role not assumable, a call denied): its directories are
 * left as they are, and a rotation, which must reach every directory, does not start.
 */
export class TargetUnreachable extends RadiusSyncError {
  override name = "TargetUnreachable";
}
/** Another execution holds the mutation lock. */
export class LockHeld extends RadiusSyncError {
  override name = "LockHeld";
}

const errorClasses = new Map<string, new (message: string) => RadiusSyncError>(
  [
    InvalidInput,
    InvalidConfiguration,
    DirectoryNotFound,
    DirectoryNotActive,
    DirectoryHasNoRadiusSources,
    NoNpsServers,
    NpsServerNotManaged,
    NpsServerOffline,
    NpsServerNotWindows,
    NpsCommandFailed,
    NpsCommandTimedOut,
    NpsSecretMismatch,
    NpsRoleMissing,
    NpsMfaExtensionMissing,
    NpsMfaExtensionBypassed,
    NpsHostBusy,
    NpsCommandSuperseded,
    NpsSecretLoggingEnabled,
    NpsRestartPending,
    NpsPortMismatch,
    SsmAgentOutdated,
    NpsNetworkPathBlocked,
    RadiusUpdateFailed,
    RadiusUpdateTimedOut,
    SecretInvalid,
    AwsThrottled,
    LockHeld,
    RollbackFailed,
    TargetUnreachable,
  ].map((errorClass) => [new errorClass("").name, errorClass]),
);

/** Every error name the state machine may match on, in one list. */
export const workflowErrorNames = [...errorClasses.keys()];

/**
 * Builds the typed error whose name is `name` (a name from {@link workflowErrorNames}); an unknown
 * name gives a plain {@link RadiusSyncError} that still carries the message.
 *
 * @example
 * ```ts
 * throw createWorkflowError("DirectoryNotActive", "directory d-0123456789 is Impaired");
 * ```
 */
export function createWorkflowError(name: string, message: string): RadiusSyncError {
  const ErrorClass = errorClasses.get(name) ?? RadiusSyncError;
  return new ErrorClass(message);
}
