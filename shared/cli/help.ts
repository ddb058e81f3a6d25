import { ExecutionInput } from "../run.js";

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

Commands:
  start    Start an execution (the input is validated before anything is sent) and print its ARN.
           --follow shows each step as it ends, then the result; exit 1 when it fails.
  follow   Show the steps and the result of an execution that is already running or done.
  plan     Start a dry run, wait for it, and print what a reconcile would change as a diff.
  status   One table per directory: RADIUS status, servers, protocol, timeout/retries,
           the shared secret's AWSCURRENT version and age, and the last execution's result.

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

Exit codes: 0 done, 1 the execution failed or AWS refused, 2 bad command line or input.
The shared secret is never read or printed: only its version id.
`;
