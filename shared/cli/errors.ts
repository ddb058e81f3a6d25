/**
 * The CLI's own errors. Each maps to an exit code: a usage problem (bad flags, bad input) exits 2
 * before anything is sent to AWS; an execution that ends badly exits 1.
 */

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
