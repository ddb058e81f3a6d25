import { ExecutionInput } from "../run.js";
import { exitCodes } from "./errors.js";

/** The modes the execution input accepts, read from its schema so the help never goes stale. */
function modes(): string[] {
  const schema = ExecutionInput.shape.mode as unknown as {
    options?: readonly string[];
    values?: Set<string>;
  };
  return [...(schema.options ?? schema.values ?? [])];
}

/** `radius-sync --help`. */
export const helpText = `radius-sync — start, follow and inspect the RADIUS MFA reconcile workflow

Usage:
  radius-sync start [--mode ${modes().join("|")}] [--dry-run] [--directory d-…]… [--follow]
  radius-sync follow <execution-arn>
  radius-sync plan [--directory d-…]…
  radius-sync status [--directory d-…]… [--secret-name NAME]
  radius-sync health

Commands:
  start    Start an execution (the input is validated before anything is sent) and print its ARN.
           --follow shows each step as it ends, then the result; exit 1 when it fails.
  follow   Show the steps and the result of an execution that is already running or done.
  plan     Start a dry run, wait for it, and print what a reconcile would change as a diff,
           with the problems that would stop it; exit ${exitCodes.planHasProblems} when there are any.
  status   One table per directory: RADIUS status, servers, protocol, timeout/retries,
           the shared secret's AWSCURRENT version and age, and the last execution's result;
           then the last NPS health check's report.
  health   Run the read-only NPS health check now (state machine radius-sync-<stage>-health),
           wait for it and print each server's MFA extension, certificate and problems, and the
           MFA outcomes per directory (counts only); exit 1 when a server has a problem.

Options:
  --mode MODE               What the execution does: ${modes().join(", ")} (default: reconcile).
  --dry-run                 Plan only; change nothing.
  --directory ID            Limit to this directory; repeat for more.
  --follow                  With start: follow the execution to its end.
  --secret-name NAME        With status: the shared secret's name (default: radius-sync/shared-secret).
  --state-machine-arn ARN   The state machine to use (default: the one named radius-sync-<stage>).
  --stage STAGE             The deployment stage to look up (default: dev).
  --region REGION           AWS region (default: from the environment or the profile).
  --profile NAME            Named AWS profile for credentials and region.
  --endpoint URL            Send every AWS call to this endpoint (a local emulator).
  -h, --help                Show this help.

Exit codes:
  ${exitCodes.ok}  done; for plan (or a followed dry run): the plan can be applied, or nothing to do
  ${exitCodes.failed}  the execution failed, timed out or was aborted, or AWS refused a call
  ${exitCodes.usage}  bad command line or input: nothing was started
  ${exitCodes.planHasProblems}  plan (or a followed dry run): the plan has problems that forbid applying it;
     they are printed, and start would stop before any change
The shared secret is never read or printed: only its version id.
`;
