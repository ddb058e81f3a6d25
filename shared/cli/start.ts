import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { z } from "zod";
import { ExecutionInput } from "../run.js";
import { CliUsageError } from "./errors.js";

/** What `start` and `plan` read from the command line to build an execution input. */
export interface StartFlags {
  mode?: string;
  dryRun?: boolean;
  directories?: readonly string[];
}

/** The command-line flag that sets each field of {@link ExecutionInput}. */
const flagOfField: Record<string, string> = {
  mode: "--mode",
  dryRun: "--dry-run",
  directoryIds: "--directory",
};

function describeIssue(issue: z.core.$ZodIssue, flags: StartFlags): string {
  const [field, index] = issue.path;
  const flag = typeof field === "string" ? (flagOfField[field] ?? field) : "input";
  const value =
    field === "directoryIds" && typeof index === "number" ? ` "${flags.directories?.[index] ?? ""}"` : "";
  return `${flag}${value} (${issue.path.join(".") || "input"}): ${issue.message}`;
}

/**
 * Builds the execution input from the flags and validates it with {@link ExecutionInput}, the
 * same schema the ValidateInput state uses, so a bad input is refused before anything reaches AWS.
 * Only the flags given become fields; the schema supplies the defaults.
 *
 * @throws {CliUsageError} naming every bad field, with the flag that set it.
 * @example
 * ```ts
 * buildExecutionInput({ mode: "reconcile", dryRun: true, directories: ["d-0123456789"] });
 * // { mode: "reconcile", dryRun: true, directoryIds: ["d-0123456789"] }
 * ```
 */
export function buildExecutionInput(flags: StartFlags): ExecutionInput {
  const raw: Record<string, unknown> = { mode: flags.mode ?? "reconcile" };
  if (flags.dryRun !== undefined) raw.dryRun = flags.dryRun;
  if (flags.directories && flags.directories.length > 0) raw.directoryIds = [...flags.directories];
  const parsed = ExecutionInput.safeParse(raw);
  if (!parsed.success) {
    throw new CliUsageError(parsed.error.issues.map((issue) => describeIssue(issue, flags)));
  }
  return parsed.data;
}

/**
 * Starts one execution with a validated input and returns its ARN. Step Functions names it.
 *
 * @example
 * ```ts
 * const arn = await startExecution(clients.sfn, stateMachineArn, buildExecutionInput({ dryRun: true }));
 * ```
 */
export async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  input: ExecutionInput,
): Promise<string> {
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  if (!started.executionArn) throw new Error("StartExecution answered without an executionArn");
  return started.executionArn;
}
