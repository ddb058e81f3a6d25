import { causeMessage } from "../core/error-cause.js";
import { exitCodes } from "./errors.js";
import type { ExecutionOutcome } from "./follow.js";
import { formatElapsed } from "./output.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;
const lines = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((line): line is string => typeof line === "string") : [];

/**
 * A Lambda error's cause arrives as JSON (`{"errorType","errorMessage","trace"}`) from Step
 * Functions and as plain text from a Fail state; people want the message either way.
 */
export function readableCause(cause: string | undefined): string {
  if (!cause) return "(no cause given)";
  return causeMessage(cause);
}

/**
 * How many problems a dry run's plan has that forbid applying it (0 for any other output). The
 * plan's summary already lists each one ("problem <Error> (<subject>): …").
 *
 * @example
 * ```ts
 * dryRunProblemCount(outcome.output); // 1 when an NPS server is offline
 * ```
 */
export function dryRunProblemCount(output: unknown): number {
  if (!isObject(output) || output.dryRun !== true || !isObject(output.plan)) return 0;
  // The preview lists the first problems and counts them all; an older workflow's plan lists them all.
  const { counts, problems } = output.plan;
  if (isObject(counts) && typeof counts.problems === "number") return counts.problems;
  return Array.isArray(problems) ? problems.length : 0;
}

/** The closing line for a plan with problems; the same for `plan` and a followed dry run. */
export function planProblemsLine(count: number): string {
  return `The plan has ${count} problem(s) that forbid applying it: radius-sync start would stop before any change (exit ${exitCodes.planHasProblems}).`;
}

function describeSuccess(output: unknown): string[] {
  if (!isObject(output)) return ["Succeeded."];
  if (output.dryRun === true && isObject(output.plan)) {
    const count = typeof output.plan.changeCount === "number" ? output.plan.changeCount : 0;
    return [
      `Dry run: ${count} change(s) planned, nothing applied (radius-sync plan shows the diff).`,
      ...lines(output.plan.summary).map((line) => `  ${line}`),
    ];
  }
  if (output.coalesced === true) {
    return [`Nothing done here: ${typeof output.reason === "string" ? output.reason : "coalesced"}.`];
  }
  if (output.changed === true) {
    return [
      `Applied ${String(output.changeCount ?? "?")} change(s):`,
      ...lines(output.summary).map((line) => `  ${line}`),
      ...(typeof output.secretVersionId === "string"
        ? [`Secret version in use: ${output.secretVersionId}`]
        : []),
    ];
  }
  if (output.changed === false) {
    return ["No changes: the estate already matches.", ...lines(output.summary).map((line) => `  ${line}`)];
  }
  // An output shape this CLI does not know (a newer workflow): show it as it is. Outputs carry
  // identifiers only, never the secret.
  return ["Output:", JSON.stringify(output, null, 2)];
}

/**
 * The end of an execution as text, and the exit code that goes with it: 0 for SUCCEEDED, except
 * a dry run whose plan has problems (3); 1 for an execution that did not succeed.
 *
 * @example
 * ```ts
 * const { text, exitCode } = describeOutcome(outcome);
 * ```
 */
export function describeOutcome(outcome: ExecutionOutcome): { text: string; exitCode: number } {
  const took =
    outcome.startDate && outcome.stopDate
      ? ` after ${formatElapsed(outcome.stopDate.getTime() - outcome.startDate.getTime())}`
      : "";
  if (outcome.status === "SUCCEEDED") {
    const problems = dryRunProblemCount(outcome.output);
    const text = [`Execution SUCCEEDED${took}.`, ...describeSuccess(outcome.output)];
    if (problems === 0) return { text: text.join("\n"), exitCode: exitCodes.ok };
    return { text: [...text, planProblemsLine(problems)].join("\n"), exitCode: exitCodes.planHasProblems };
  }
  const text = [
    `Execution ${outcome.status}${took}.`,
    `  Error: ${outcome.error ?? outcome.status}`,
    `  Cause: ${readableCause(outcome.cause)}`,
  ].join("\n");
  return { text, exitCode: exitCodes.failed };
}
