/**
 * The packaged suite's guard on error names: an error made by a bundle's own code reaches Step
 * Functions under its `name`, which must be one the workflow knows. A minified class name (`pe`), or
 * any other error a bundle lets escape under a name the definition cannot match, is reported.
 */
import { workflowErrorNames } from "../../../shared/errors.js";
import type { RecordedFailure } from "./emulator.js";

const knownNames = new Set<string>(["RadiusSyncError", ...workflowErrorNames]);

/**
 * The failures whose error the bundle made under a name that is not one of ours.
 *
 * @example
 * ```ts
 * unexpectedErrorNames([{ functionKey: "discover", errorType: "pe", origin: "bundle" }]); // [that failure]
 * ```
 */
export function unexpectedErrorNames(failures: readonly RecordedFailure[]): RecordedFailure[] {
  return failures.filter((failure) => failure.origin === "bundle" && !knownNames.has(failure.errorType));
}

/** Throws, naming each one, when {@link unexpectedErrorNames} finds any. */
export function assertKnownErrorNames(failures: readonly RecordedFailure[]): void {
  const unexpected = unexpectedErrorNames(failures);
  if (unexpected.length === 0) return;
  const list = unexpected.map((failure) => `${failure.functionKey} threw "${failure.errorType}"`).join("; ");
  throw new Error(
    `an error made by a packaged bundle reached Step Functions under a name the workflow does not know: ${list}`,
  );
}
