import { parseArgs } from "node:util";
import { type CliClients, createCliClients } from "./clients.js";
import { CliLookupError, CliUsageError, exitCodes } from "./errors.js";
import { type ExecutionOutcome, followExecution } from "./follow.js";
import { readFullPlan } from "./full-plan.js";
import {
  hasHealthProblems,
  lastHealthReport,
  renderHealth,
  resolveHealthStateMachineArn,
  runHealthCheck,
} from "./health.js";
import { helpText } from "./help.js";
import type { OutputStream } from "./output.js";
import { renderPlanDiff } from "./plan-diff.js";
import { createProgressView } from "./progress.js";
import { describeOutcome, planProblemsLine } from "./result.js";
import { buildExecutionInput, startExecution } from "./start.js";
import { resolveStateMachineArn } from "./state-machine.js";
import { reportStatus } from "./status.js";

/** Where the CLI writes, and what a test (or another program) may put in place of the defaults. */
export interface CliEnvironment {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Prebuilt SDK clients; when absent they are built from --region/--profile/--endpoint. */
  clients?: CliClients;
  /** Pause between history polls (default 2000 ms). */
  pollIntervalMs?: number;
  /** Events per history page (default 100). */
  historyPageSize?: number;
  /** The clock for ages in `status` (default: now). */
  now?: () => Date;
}

const optionSpec = {
  region: { type: "string" },
  profile: { type: "string" },
  endpoint: { type: "string" },
  "state-machine-arn": { type: "string" },
  stage: { type: "string", default: "dev" },
  help: { type: "boolean", short: "h", default: false },
  mode: { type: "string" },
  "dry-run": { type: "boolean" },
  directory: { type: "string", multiple: true },
  follow: { type: "boolean", default: false },
  "secret-name": { type: "string", default: "radius-sync/shared-secret" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof optionSpec; allowPositionals: true }>>["values"];

interface Context {
  values: Values;
  positionals: string[];
  environment: CliEnvironment;
  clients: CliClients;
}

const writeLine = (stream: OutputStream, text: string) => stream.write(`${text}\n`);

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: optionSpec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError([(error as Error).message]);
  }
}

const stateMachineOf = (context: Context) =>
  resolveStateMachineArn(context.clients.sfn, {
    stateMachineArn: context.values["state-machine-arn"],
    stage: context.values.stage,
  });

async function follow(
  context: Context,
  executionArn: string,
  progress: OutputStream,
): Promise<ExecutionOutcome> {
  return followExecution({
    sfn: context.clients.sfn,
    executionArn,
    view: createProgressView(progress),
    pollIntervalMs: context.environment.pollIntervalMs,
    historyPageSize: context.environment.historyPageSize,
  });
}

function printOutcome(context: Context, outcome: ExecutionOutcome): number {
  const { text, exitCode } = describeOutcome(outcome);
  writeLine(exitCode === 0 ? context.environment.stdout : context.environment.stderr, text);
  return exitCode;
}

async function runStart(context: Context): Promise<number> {
  const { values, environment } = context;
  const input = buildExecutionInput({
    mode: values.mode,
    dryRun: values["dry-run"],
    directories: values.directory,
  });
  const executionArn = await startExecution(context.clients.sfn, await stateMachineOf(context), input);
  writeLine(environment.stdout, executionArn);
  if (!values.follow) return exitCodes.ok;
  return printOutcome(context, await follow(context, executionArn, environment.stdout));
}

async function runFollow(context: Context): Promise<number> {
  const executionArn = context.positionals[1];
  if (!executionArn)
    throw new CliUsageError(["follow needs an execution ARN: radius-sync follow <execution-arn>"]);
  writeLine(context.environment.stdout, executionArn);
  return printOutcome(context, await follow(context, executionArn, context.environment.stdout));
}

async function runPlan(context: Context): Promise<number> {
  const { values, environment } = context;
  if (values.mode !== undefined || values["dry-run"] !== undefined) {
    throw new CliUsageError(["plan always runs a reconcile dry run: drop --mode and --dry-run"]);
  }
  const input = buildExecutionInput({ mode: "reconcile", dryRun: true, directories: values.directory });
  const executionArn = await startExecution(context.clients.sfn, await stateMachineOf(context), input);
  writeLine(environment.stderr, `Planning with dry run ${executionArn}`);
  // Progress goes to stderr so that stdout carries the diff alone.
  const outcome = await follow(context, executionArn, environment.stderr);
  const output = outcome.output as { plan?: unknown; fullPlan?: unknown } | undefined;
  if (outcome.status !== "SUCCEEDED" || output?.plan === undefined) return printOutcome(context, outcome);
  // A large plan is stored in the state table; reading it needs dynamodb:BatchGetItem there (README).
  const found = await readFullPlan(output, context.clients.dynamodb);
  if ("problem" in found) {
    writeLine(environment.stderr, found.problem);
    return exitCodes.failed;
  }
  const { plan } = found;
  // The diff (stdout) lists the problems under "Problems"; the verdict goes to stderr with the code.
  writeLine(environment.stdout, renderPlanDiff(plan).join("\n"));
  if (plan.problems.length === 0) return exitCodes.ok;
  writeLine(environment.stderr, planProblemsLine(plan.problems.length));
  return exitCodes.planHasProblems;
}

async function runStatus(context: Context): Promise<number> {
  let stateMachineArn: string | undefined;
  try {
    stateMachineArn = await stateMachineOf(context);
  } catch (error) {
    // The estate is worth showing even where the workflow is not deployed.
    if (!(error instanceof CliLookupError)) throw error;
    writeLine(context.environment.stderr, error.message);
  }
  const lines = await reportStatus({
    clients: context.clients,
    stateMachineArn,
    secretName: context.values["secret-name"],
    directoryIds: context.values.directory,
    now: (context.environment.now ?? (() => new Date()))(),
  });
  const health = await lastHealthReport(context.clients.sfn, context.values.stage);
  writeLine(context.environment.stdout, [...lines, "", ...health].join("\n"));
  return exitCodes.ok;
}

async function runHealth(context: Context): Promise<number> {
  const { environment } = context;
  const stateMachineArn = await resolveHealthStateMachineArn(context.clients.sfn, context.values.stage);
  const ended = await runHealthCheck({
    sfn: context.clients.sfn,
    stateMachineArn,
    pollIntervalMs: environment.pollIntervalMs ?? 2000,
  });
  writeLine(environment.stderr, ended.executionArn);
  if (ended.status !== "SUCCEEDED" || ended.result === undefined) {
    writeLine(
      environment.stderr,
      `health check ${ended.status}: ${ended.error ?? ""} ${ended.cause ?? ""}`.trim(),
    );
    return exitCodes.failed;
  }
  writeLine(environment.stdout, renderHealth(ended.result).join("\n"));
  return hasHealthProblems(ended.result) ? exitCodes.failed : exitCodes.ok;
}

const commands: Record<string, (context: Context) => Promise<number>> = {
  start: runStart,
  follow: runFollow,
  plan: runPlan,
  status: runStatus,
  health: runHealth,
};

/**
 * Runs one command line and returns its exit code; it never calls `process.exit`, so tests and
 * other programs can run it in-process.
 *
 * @example
 * ```ts
 * const code = await runCli(["start", "--dry-run", "--follow"], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    const command = positionals[0];
    if (values.help || command === "help") {
      environment.stdout.write(helpText);
      return exitCodes.ok;
    }
    const run = command ? commands[command] : undefined;
    if (!run) {
      throw new CliUsageError([
        command ? `unknown command "${command}"` : "no command given",
        "commands: start, follow, plan, status, health (radius-sync --help)",
      ]);
    }
    const clients =
      environment.clients ??
      createCliClients({ region: values.region, profile: values.profile, endpoint: values.endpoint });
    return await run({ values, positionals, environment, clients });
  } catch (error) {
    if (error instanceof CliUsageError) {
      for (const problem of error.problems) writeLine(environment.stderr, `error: ${problem}`);
      return exitCodes.usage;
    }
    const failure = error as Error;
    writeLine(environment.stderr, `error: ${failure.name ?? "Error"}: ${failure.message}`);
    return exitCodes.failed;
  }
}
