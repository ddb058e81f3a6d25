/**
 * The workflow's typed errors. Each class's `name` is the exact string that the
 * state machine's Retry/Catch blocks and Fail states match on; a test keeps the
 * two lists in step.
 *
 * Messages name what failed and why, and never carry the shared secret.
 *
 * @example
 * ```ts
 * throw new DirectoryNotActive("directory d-1234567890 is in stage Impaired, not Active");
 * ```
 */
export class RadiusSyncError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The execution input or the Lambda configuration failed validation. */
export class InvalidInput extends RadiusSyncError {}
/** The deployment's configuration (Lambda environment) is invalid. */
export class InvalidConfiguration extends RadiusSyncError {}
/** A directory named in the input or the allow-list does not exist or is not a WorkSpaces directory. */
export class DirectoryNotFound extends RadiusSyncError {}
/** A managed directory is not in stage Active, so its RADIUS settings cannot be changed. */
export class DirectoryNotActive extends RadiusSyncError {}
/** A managed directory has no IP addresses that send RADIUS requests. */
export class DirectoryHasNoRadiusSources extends RadiusSyncError {}
/** No NPS server matched the configuration. */
export class NoNpsServers extends RadiusSyncError {}
/** A configured NPS server is not an SSM managed node (agent missing or not registered). */
export class NpsServerNotManaged extends RadiusSyncError {}
/** A configured NPS server's SSM agent is not Online (PingStatus ConnectionLost or Inactive). */
export class NpsServerOffline extends RadiusSyncError {}
/** A configured NPS server is not a Windows managed node. */
export class NpsServerNotWindows extends RadiusSyncError {}
/** The NPS configuration command failed on a server. */
export class NpsCommandFailed extends RadiusSyncError {}
/** The NPS configuration command did not finish within the configured maximum wait. */
export class NpsCommandTimedOut extends RadiusSyncError {}
/** An NPS server's RADIUS clients do not hold the expected secret version (their proof differs or is missing). */
export class NpsSecretMismatch extends RadiusSyncError {}
/** Directory Service reported RadiusStatus Failed after Enable/UpdateRadius. */
export class RadiusUpdateFailed extends RadiusSyncError {}
/** RadiusStatus did not reach Completed within the configured maximum wait. */
export class RadiusUpdateTimedOut extends RadiusSyncError {}
/** The shared secret stored in Secrets Manager does not meet the RADIUS secret policy. */
export class SecretInvalid extends RadiusSyncError {}
/** An AWS API throttled us or failed transiently; the state machine retries these. */
export class AwsThrottled extends RadiusSyncError {}
/** A rotation failed and so did its rollback: the sides may disagree until the next reconcile. */
export class RollbackFailed extends RadiusSyncError {}
/** Another execution holds the mutation lock. */
export class LockHeld extends RadiusSyncError {}

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
    RadiusUpdateFailed,
    RadiusUpdateTimedOut,
    SecretInvalid,
    AwsThrottled,
    LockHeld,
    RollbackFailed,
  ].map((errorClass) => [errorClass.name, errorClass]),
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
