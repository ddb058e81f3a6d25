/**
 * The CLI's own errors. Each maps to an exit code: a usage problem (bad flags, bad input) exits 2
 * before anything is sent to AWS; an execution that ends badly exits 1.
 */

/**
 * What the CLI's exit code says, for scripts and CI jobs; `--help` lists them from here.
 *
 * @example
 * ```ts
 * if (plan.problems.length > 0) return exitCodes.planHasProblems;
 * ```
 */
export const exitCodes = {
  /** Done; for a dry run: the plan can be applied (or there is nothing to do). */
  ok: 0,
  /** The execution failed, timed out or was aborted, or AWS refused a call. */
  failed: 1,
  /** Bad command line or execution input: nothing was started. */
  usage: 2,
  /** A dry run's plan has problems that forbid applying it (they are printed). */
  planHasProblems: 3,
} as const;

/** A command line or an execution input that cannot be used; nothing was started. Exit code 2. */
export class CliUsageError extends Error {
  /** Every problem found, one readable line each. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(problems.join("; "), options);
    this.name = "CliUsageError";
    this.problems = problems;
  }
}

/** Something the CLI looked for in the account is not there (no state machine, no secret). Exit code 1. */
export class CliLookupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliLookupError";
  }
}
