import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { type EventLog, runWorkflow, type WorkflowResult } from "../workflow.js";
import { answer, installInterceptor, type Removable } from "./registry.js";

/**
 * Test double for Step Functions *execution*, which moto lacks: moto accepts StartExecution but
 * never runs the machine. Installed on the AWS proxy for `states` calls (the CLI's), it:
 *
 * - lets StartExecution reach moto (which checks the state machine and names the execution), then
 *   runs the real definition with the real handlers via {@link runWorkflow}, in the background;
 * - answers DescribeExecution, GetExecutionHistory (maxResults / nextToken / reverseOrder) and
 *   ListExecutions (newest first, statusFilter, maxResults / nextToken) from that run's event
 *   log, translated to Step Functions history events (`TaskStateEntered`, `TaskFailed`,
 *   `MapIterationStarted`, `ExecutionSucceeded`, …, timestamps as Dates);
 * - passes every other call (ListStateMachines, DescribeStateMachine, …) and any execution it did
 *   not start on to moto.
 *
 * A retry (the interpreter's StateRetried) becomes `TaskScheduled`, as Step Functions records it;
 * StateCaught has no counterpart and is left out; first Task schedulings are not synthesised.
 *
 * @example
 * ```ts
 * const executions = installStepFunctionsDouble();
 * await runCli(["start", "--follow"], { stdout, stderr, clients: cliClients });
 * await executions.settled();
 * ```
 */
export interface StepFunctionsDouble extends Removable {
  /** Every execution started through the double, oldest first. */
  readonly executions: readonly DoubledExecution[];
  /** Resolves when every execution started so far has ended. */
  settled(): Promise<void>;
}

/** One execution the double runs. */
export interface DoubledExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  startDate: Date;
  /** The interpreter's events so far, growing while it runs. */
  events: EventLog[];
  done: Promise<WorkflowResult>;
}

type Json = Record<string, unknown>;

const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? null));

function translate(event: EventLog): Omit<HistoryEvent, "id" | "previousEventId"> | undefined {
  const timestamp = new Date(event.timestamp);
  switch (event.type) {
    case "ExecutionStarted":
      return {
        type: "ExecutionStarted",
        timestamp,
        executionStartedEventDetails: { input: asText(event.input) },
      };
    case "ExecutionSucceeded":
      return {
        type: "ExecutionSucceeded",
        timestamp,
        executionSucceededEventDetails: { output: asText(event.output) },
      };
    case "ExecutionFailed":
      return {
        type: "ExecutionFailed",
        timestamp,
        executionFailedEventDetails: { error: event.Error, cause: asText(event.Cause) },
      };
    case "ExecutionAborted":
      return { type: "ExecutionAborted", timestamp };
    case "ExecutionTimeout":
      return { type: "ExecutionTimedOut", timestamp };
    case "StateEntered":
      return {
        type: `${event.state.type}StateEntered` as HistoryEvent["type"],
        timestamp,
        stateEnteredEventDetails: { name: event.state.name, input: asText(event.state.input) },
      };
    case "StateExited":
      return {
        type: `${event.state.type}StateExited` as HistoryEvent["type"],
        timestamp,
        stateExitedEventDetails: { name: event.state.name, output: asText(event.state.output) },
      };
    case "StateFailed":
      if (event.state.type === "Task") {
        return {
          type: "TaskFailed",
          timestamp,
          taskFailedEventDetails: {
            resourceType: "lambda",
            resource: "invoke",
            error: event.Error,
            cause: asText(event.Cause),
          },
        };
      }
      // A Fail state's failure is the ExecutionFailed event that follows it.
      return event.state.type === "Map" ? { type: "MapStateFailed", timestamp } : undefined;
    case "StateRetried":
      // Step Functions records a retry as the task being scheduled again.
      return {
        type: "TaskScheduled",
        timestamp,
        taskScheduledEventDetails: {
          resourceType: "lambda",
          resource: "invoke",
          region: "us-east-1",
          parameters: asText(event.state.input),
        },
      };
    case "MapIterationStarted":
      return {
        type: "MapIterationStarted",
        timestamp,
        mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index },
      };
    case "MapIterationSucceeded":
      return {
        type: "MapIterationSucceeded",
        timestamp,
        mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index },
      };
    case "MapIterationFailed":
      return {
        type: "MapIterationFailed",
        timestamp,
        mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index },
      };
    default:
      return undefined;
  }
}

function historyOf(execution: DoubledExecution): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  for (const event of execution.events) {
    const translated = translate(event);
    if (!translated) continue;
    const id = history.length + 1;
    history.push({ ...translated, id, previousEventId: id - 1 });
  }
  return history;
}

/** Status, output, error and cause as the event log's terminal event says; RUNNING before it. */
function describe(execution: DoubledExecution): Json {
  const end = historyOf(execution).find((event) =>
    ["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"].includes(
      event.type ?? "",
    ),
  );
  const status = {
    ExecutionSucceeded: "SUCCEEDED",
    ExecutionFailed: "FAILED",
    ExecutionAborted: "ABORTED",
    ExecutionTimedOut: "TIMED_OUT",
  }[end?.type as string];
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: status ?? "RUNNING",
    startDate: execution.startDate,
    input: execution.input,
    ...(end ? { stopDate: end.timestamp } : {}),
    ...(end?.executionSucceededEventDetails ? { output: end.executionSucceededEventDetails.output } : {}),
    ...(end?.executionFailedEventDetails
      ? { error: end.executionFailedEventDetails.error, cause: end.executionFailedEventDetails.cause }
      : {}),
  };
}

/** One page of `items` from the offset in `nextToken`. */
function page<Item>(items: Item[], input: Json, fallbackSize: number): { items: Item[]; nextToken?: string } {
  const offset = Number(input.nextToken ?? 0);
  const size = Number(input.maxResults ?? 0) || fallbackSize;
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { items: slice, nextToken: String(offset + size) } : { items: slice };
}

/** Installs the double on the AWS proxy (every `states` call of every process). */
export function installStepFunctionsDouble(
  options: Parameters<typeof runWorkflow>[1] = {},
): StepFunctionsDouble {
  const executions: DoubledExecution[] = [];
  const find = (input: Json) => executions.find((execution) => execution.executionArn === input.executionArn);

  const handle = installInterceptor({ service: "states" }, "step-functions-execution", async (call, next) => {
    const input = call.input;
    switch (call.operation) {
      case "StartExecution": {
        const started = await next();
        if (!started.ok) return started;
        const executionArn = String(started.output.executionArn);
        const name = executionArn.split(":").at(-1) ?? executionArn;
        const text = typeof input.input === "string" ? input.input : "{}";
        const events: EventLog[] = [];
        // A deployment has two machines: the reconcile (radius-sync-<stage>) and the health check (…-health).
        const definition = String(input.stateMachineArn).endsWith("-health") ? "health" : "reconcile";
        const done = runWorkflow(JSON.parse(text), {
          ...options,
          definition,
          executionName: name,
          onEvent: (event) => events.push(event),
        });
        // awsJson carries timestamps as epoch seconds.
        const startedAt = started.output.startDate;
        const startDate = typeof startedAt === "number" ? new Date(startedAt * 1000) : new Date();
        const stateMachineArn = String(input.stateMachineArn);
        const execution = { executionArn, stateMachineArn, name, input: text, startDate, events, done };
        executions.push(execution);
        return started;
      }
      case "DescribeExecution": {
        const execution = find(input);
        return execution ? answer(describe(execution)) : next();
      }
      case "GetExecutionHistory": {
        const execution = find(input);
        if (!execution) return next();
        const history = historyOf(execution);
        if (input.reverseOrder === true) history.reverse();
        const { items, nextToken } = page(history, input, 1000);
        return answer({ events: items, ...(nextToken ? { nextToken } : {}) });
      }
      case "ListExecutions": {
        const listed = executions
          .filter((execution) => execution.stateMachineArn === input.stateMachineArn)
          .map(describe)
          .filter((execution) => !input.statusFilter || execution.status === input.statusFilter)
          .reverse()
          .map(({ input: _input, output: _output, error: _error, cause: _cause, ...item }) => item);
        const { items, nextToken } = page(listed, input, 100);
        return answer({ executions: items, ...(nextToken ? { nextToken } : {}) });
      }
      default:
        return next();
    }
  });

  return {
    executions,
    async settled() {
      await Promise.all(executions.map((execution) => execution.done));
    },
    remove: () => handle.remove(),
  };
}
