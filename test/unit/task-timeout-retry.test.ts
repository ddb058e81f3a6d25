/**
 * The committed definition, run by the local interpreter, retries a Task whose attempt timed out or
 * died: `States.Timeout` raised by the interpreter itself when the Task's own TimeoutSeconds passes
 * (it races each Task against a timer, as Step Functions does), and the names Lambda gives an attempt
 * that timed out or crashed. The first Task (ValidateInput) stands for all of them: the same retrier
 * is on every Task (lambda-retries.test.ts). Time is simulated with fake timers; the counts are of
 * attempts and history events, never of the clock.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { countHistoryEvents } from "../../bench/history.js";
import {
  collectStates,
  definitionPath,
  type EventLog,
  runWorkflow,
  type WorkflowResult,
} from "../support/workflow.js";

const definition = JSON.parse(readFileSync(definitionPath, "utf8")) as Record<string, unknown>;
const validateInput = collectStates(definition).get("ValidateInput") ?? {};
const timeoutMs = Number(validateInput.TimeoutSeconds) * 1000;

/** An attempt that never answers, as a function still running (or a lost response) looks to a Task. */
const never = () => new Promise<never>(() => undefined);

function namedError(name: string): Error {
  const error = new Error(`${name} (an attempt of ValidateInput)`);
  error.name = name;
  return error;
}

/** Starts the definition with ValidateInput's attempts scripted (then InvalidInput, a quick end). */
function startWithAttempts(attempts: Array<() => Promise<unknown>>) {
  let calls = 0;
  const running = runWorkflow(
    { mode: "no-such-mode" },
    {
      taskOverrides: {
        ValidateInput: () => {
          const attempt = attempts[calls] ?? (() => Promise.reject(namedError("InvalidInput")));
          calls += 1;
          return attempt();
        },
      },
    },
  );
  return { running, calls: () => calls };
}

/**
 * Advances the fake clock a second at a time until the execution ends. Each Task waits for the rig
 * clock to catch up (a real setImmediate, test/support/workflow.ts) before its handler runs: one real
 * macrotask per simulated second lets it, so only an attempt that never answers meets its TimeoutSeconds.
 * Advancing a whole timeout at once would time out an attempt still waiting to start.
 */
async function finish(running: Promise<WorkflowResult>): Promise<WorkflowResult> {
  let settled = false;
  void running.finally(() => {
    settled = true;
  });
  const seconds = (20 * timeoutMs) / 1000;
  for (let step = 0; !settled && step < seconds; step += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(1000);
  }
  return await running;
}

async function runWithAttempts(attempts: Array<() => Promise<unknown>>) {
  const { running, calls } = startWithAttempts(attempts);
  const result = await finish(running);
  return { result, calls: calls() };
}

const retriesOf = (events: EventLog[]) =>
  events.flatMap((event) =>
    event.type === "StateRetried"
      ? [event as unknown as { state: { name: string }; retry: { retrier: { ErrorEquals: string[] } } }]
      : [],
  );

describe("a timed-out Task is retried by the definition, as the interpreter runs it", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the Task again after its TimeoutSeconds passes (States.Timeout), and the retry's answer counts", async () => {
    const baseline = await runWithAttempts([]);

    const started = startWithAttempts([never]);
    await vi.advanceTimersByTimeAsync(timeoutMs - 1);
    const callsBeforeTheTimeout = started.calls();
    const result = await finish(started.running);

    // The Task's own TimeoutSeconds, not the interpreter's 60 s default, ends the first attempt.
    expect(timeoutMs).toBeGreaterThan(0);
    expect(timeoutMs).not.toBe(60_000);
    expect(callsBeforeTheTimeout).toBe(1);
    expect(started.calls()).toBe(2);
    const retries = retriesOf(result.events);
    expect(retries.map((retry) => retry.state.name)).toEqual(["ValidateInput"]);
    expect(retries[0]?.retry.retrier.ErrorEquals).toContain("States.Timeout");
    // The retried attempt's own failure is what the execution ends with, not the timeout.
    expect(result.error).toBe("InvalidInput");
    expect(baseline.result.error).toBe("InvalidInput");
    // A retry adds one attempt: LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionTimedOut.
    expect(countHistoryEvents(result.events).total - countHistoryEvents(baseline.result.events).total).toBe(
      3,
    );
  });

  it.each(["Lambda.Unknown", "Sandbox.Timedout"])(
    "runs the Task again after an attempt fails with %s",
    async (name) => {
      const { result, calls } = await runWithAttempts([() => Promise.reject(namedError(name))]);

      expect(calls).toBe(2);
      expect(retriesOf(result.events)[0]?.retry.retrier.ErrorEquals).toContain(name);
      expect(result.error).toBe("InvalidInput");
    },
  );

  it("gives up after two retries, and the Task's Catch takes States.Timeout", async () => {
    const { result, calls } = await runWithAttempts([never, never, never, never]);

    expect(calls).toBe(3);
    expect(retriesOf(result.events)).toHaveLength(2);
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("States.Timeout");
  });
});
