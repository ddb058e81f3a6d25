/**
 * Runs a state-machine definition with aws-local-stepfunctions ({@link runDefinition}), one runner for
 * both suites: {@link runWorkflow} binds every Task state of the committed file to the TypeScript
 * handler of the function its `Resource` names (`Fn::GetAtt: [<functionKey>, Arn]`); the packaged
 * suite binds the packaged definition's Tasks to the packaged bundles. Wait states and Retry pauses
 * are shortened to zero: the loops and retries still run, only the sleeping is skipped. The rig clock
 * (test/support/rig/clock.ts) still moves by what each would last on AWS (workflow-time.ts), and every
 * Task starts only once whatever the clock drives (the Run Command model) has caught up with it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { StateMachine } from "aws-local-stepfunctions";
import { repositoryRoot as repoRoot } from "./paths.js";
import { rigClock } from "./rig/clock.js";
import { simulatedStep } from "./workflow-time.js";

/** The definition file, as committed. */
export const definitionPath = join(repoRoot, "state-machines", "reconcile.asl.json");
/** The read-only health check's definition file, as committed. */
export const healthDefinitionPath = join(repoRoot, "state-machines", "health.asl.json");

/** A JSON object (a definition, a state). */
export type Json = Record<string, unknown>;
type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;
type Execution = ReturnType<StateMachine["run"]>;
/** One entry of an execution's event log (state entered/exited/failed, execution started/ended, …). */
export type EventLog = Execution["eventLogs"] extends AsyncGenerator<infer Event> ? Event : never;
type Definition = ConstructorParameters<typeof StateMachine>[0];
type RunOverrides = NonNullable<NonNullable<Parameters<StateMachine["run"]>[1]>["overrides"]>;

/** Every state of the definition, Map/Parallel inner states included, by name. */
export function collectStates(definition: Json): Map<string, Json> {
  const states = new Map<string, Json>();
  const visit = (machine: Json) => {
    for (const [name, state] of Object.entries((machine.States ?? {}) as Record<string, Json>)) {
      states.set(name, state);
      for (const inner of [state.ItemProcessor, state.Iterator, ...((state.Branches as Json[]) ?? [])]) {
        if (inner) visit(inner as Json);
      }
    }
  };
  visit(definition);
  return states;
}

/** The function key a Task state's `Resource` points at (`Fn::GetAtt: [key, "Arn"]`). */
export function functionKeyOf(state: Json): string | undefined {
  const resource = state.Resource as { "Fn::GetAtt"?: [string, string] } | undefined;
  return resource?.["Fn::GetAtt"]?.[0];
}

/** `checkNpsCommand` → `check-nps-command`, the handler's folder under functions/. */
export const folderOf = (functionKey: string) =>
  functionKey.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** The definition with each `Fn::GetAtt` Resource replaced by a Lambda ARN, as deployment would. */
function deployableDefinition(definition: Json): Json {
  return JSON.parse(
    JSON.stringify(definition, (key, value) => {
      if (key === "Resource" && value && typeof value === "object" && "Fn::GetAtt" in value) {
        return `arn:aws:lambda:us-east-1:123456789012:function:radius-sync-test-${value["Fn::GetAtt"][0]}`;
      }
      return value;
    }),
  );
}

function fakeContext(functionKey: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `radius-sync-test-${functionKey}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:radius-sync-test-${functionKey}`,
    memoryLimitInMB: "256",
    awsRequestId: `request-${functionKey}`,
    logGroupName: `/aws/lambda/radius-sync-test-${functionKey}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What one execution ended with, and its full event log (every state's input and output). */
export interface WorkflowResult {
  status: "SUCCEEDED" | "FAILED";
  output?: unknown;
  error?: string;
  cause?: string;
  events: EventLog[];
}

/** The handler a Task state runs: its input in, its result out, or a throw whose `name` is the error. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** How a run may be steered; both the source and the packaged suites take these. */
export interface WorkflowOptions {
  taskOverrides?: Record<string, TaskHandler>;
  executionName?: string;
  onEvent?: (event: EventLog) => void;
  /**
   * Runs around every Task state: call `next()` for the real handler, or throw to inject a fault
   * at that state (the way a crashed Lambda or a failing AWS call would surface).
   */
  intercept?: (stateName: string, input: unknown, next: () => Promise<unknown>) => Promise<unknown>;
  /** Milliseconds a Wait state really waits (default 0), e.g. to keep a polling loop from spinning. */
  waitMs?: Record<string, number>;
  /** Which committed definition runs: the reconcile (default) or the read-only health check. */
  definition?: "reconcile" | "health";
}

let executionCounter = 0;

/**
 * Follows an execution on the rig clock: the event log moves the clock by each Wait's and each Retry's
 * pause as AWS would take it (workflow-time.ts, bench/history.ts's rule), and {@link ClockFollower.caughtUp}
 * lets a Task start only once that has happened. The interpreter dispatches a state's events and runs
 * the next state within microtasks (a 0 ms Wait sets no timer), and the log is read within microtasks
 * too: after one macrotask every event so far has been read and its advance made.
 */
function followOnRigClock(states: ReadonlyMap<string, Json>) {
  let failure: unknown;
  return {
    read(event: EventLog): void {
      const step = simulatedStep(event, states);
      if (step === undefined || step.pauseSeconds === 0) return;
      rigClock.advance(step.pauseSeconds).catch((error: unknown) => {
        failure ??= error;
      });
    },
    async caughtUp(): Promise<void> {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await rigClock.settled();
    },
    /** What the clock's subscribers threw while the execution ran (the rig failed, not the workflow). */
    get failure(): unknown {
      return failure;
    },
  };
}

/**
 * Runs one execution of a deployable definition (each Task's Resource a Lambda ARN) to its end, each
 * Task state bound by `bindTask` (return `undefined` for a state it does not bind). Wait states and
 * Retry pauses last 0 ms unless `waitMs` says otherwise. Both suites run through here: the sources
 * ({@link runWorkflow}) and the packaged bundles (`test/support/lambda/packaged-workflow.ts`).
 *
 * @example
 * ```ts
 * const result = await runDefinition(definition, { mode: "reconcile" }, (name, state) => handlers[name]);
 * ```
 */
export async function runDefinition(
  definition: Json,
  input: unknown,
  bindTask: (stateName: string, state: Json) => TaskHandler | undefined,
  options: WorkflowOptions = {},
): Promise<WorkflowResult> {
  const handlers: Record<string, TaskHandler> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  const states = collectStates(definition);
  for (const [name, state] of states) {
    if (state.Type === "Wait") waits[name] = 0;
    if (state.Retry) retries[name] = 0;
    const real = state.Type === "Task" ? bindTask(name, state) : undefined;
    if (!real) continue;
    const { intercept } = options;
    handlers[name] = intercept ? (event) => intercept(name, event, () => real(event)) : real;
  }
  Object.assign(handlers, options.taskOverrides);
  const clock = followOnRigClock(states);
  for (const [name, handler] of Object.entries(handlers)) {
    handlers[name] = async (event) => {
      await clock.caughtUp();
      return await handler(event);
    };
  }
  Object.assign(waits, options.waitMs);
  executionCounter += 1;
  const executionName = options.executionName ?? `test-${executionCounter}`;
  const machine = new StateMachine(definition as unknown as Definition, {
    validationOptions: { checkArn: true },
  });
  const execution = machine.run(input as Parameters<StateMachine["run"]>[0], {
    overrides: {
      taskResourceLocalHandlers: handlers as unknown as NonNullable<
        RunOverrides["taskResourceLocalHandlers"]
      >,
      waitTimeOverrides: waits,
      retryIntervalOverrides: retries,
    },
    context: {
      Execution: {
        Id: `arn:aws:states:us-east-1:123456789012:execution:radius-sync-test:${executionName}`,
        Name: executionName,
        StartTime: new Date(Date.UTC(2026, 10, 24, 12, 0, executionCounter)).toISOString(),
      },
    },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      clock.read(event);
      options.onEvent?.(event);
    }
  })();
  let result: WorkflowResult;
  try {
    const output = await execution.result;
    await collecting;
    result = { status: "SUCCEEDED", output, events };
  } catch (error) {
    await collecting;
    const failure = error as { name?: string; message?: string; cause?: unknown };
    const failed = events.find((event) => event.type === "ExecutionFailed") as
      | { Error?: string; Cause?: unknown }
      | undefined;
    result = {
      status: "FAILED",
      error: failed?.Error ?? failure.name ?? "Unknown",
      cause: String(failed?.Cause ?? failure.message ?? ""),
      events,
    };
  }
  // The last Wait's advance (if any) has been handled; a rig failure is the test's, not the workflow's.
  await clock.caughtUp();
  if (clock.failure !== undefined) throw clock.failure;
  return result;
}

/**
 * Runs one execution of the committed definition with every Task bound to the TypeScript source of
 * its handler, to its end.
 *
 * @example
 * ```ts
 * const result = await runWorkflow({ mode: "reconcile" });
 * expect(result.status).toBe("SUCCEEDED");
 * ```
 */
export async function runWorkflow(input: unknown, options: WorkflowOptions = {}): Promise<WorkflowResult> {
  const path = options.definition === "health" ? healthDefinitionPath : definitionPath;
  const definition = JSON.parse(readFileSync(path, "utf8")) as Json;
  const sourceStates = collectStates(definition);
  const bindSource = (stateName: string): TaskHandler | undefined => {
    const functionKey = functionKeyOf(sourceStates.get(stateName) ?? {});
    if (!functionKey) return undefined;
    return async (event) => {
      const module = (await import(join(repoRoot, "functions", folderOf(functionKey), "handler.ts"))) as {
        handler: LambdaHandler;
      };
      return module.handler(event, fakeContext(functionKey));
    };
  };
  return await runDefinition(deployableDefinition(definition), input, bindSource, options);
}
