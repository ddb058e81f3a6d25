import { formatElapsed, type OutputStream } from "./output.js";
import type { FinishedStep, OpenStep } from "./step-tracker.js";

/** Shows an execution's steps as they happen. */
export interface ProgressView {
  /** A step ended: one permanent line. */
  finished(step: FinishedStep): void;
  /** What runs now; a terminal view animates it, a plain view prints nothing. */
  running(steps: readonly OpenStep[]): void;
  /** Stops any animation and clears its line. */
  close(): void;
}

const indent = (step: OpenStep) => "  ".repeat(step.depth + 1);

function finishedLine(step: FinishedStep): string {
  const elapsed = formatElapsed(step.endedAt.getTime() - step.startedAt.getTime());
  const mark = step.error ? "✗" : "✓";
  const label = `${indent(step)}${mark} ${step.name}`;
  const note = step.error
    ? `  ${step.error}`
    : step.retriedAfter
      ? `  (retried after ${step.retriedAfter})`
      : "";
  return `${label.padEnd(40)} ${elapsed.padStart(9)}${note}\n`;
}

/** One line per finished step; for logs, pipes and CI. */
function createPlainView(stream: OutputStream): ProgressView {
  return {
    finished: (step) => stream.write(finishedLine(step)),
    running: () => undefined,
    close: () => undefined,
  };
}

const spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const clearLine = "\r\x1b[2K";

/** Finished steps as lines, and one spinner line below them for the steps still running. */
function createTerminalView(stream: OutputStream, now: () => number): ProgressView {
  let frame = 0;
  let current: readonly OpenStep[] = [];
  const render = () => {
    frame = (frame + 1) % spinnerFrames.length;
    const newest = current.at(-1);
    if (!newest) {
      stream.write(clearLine);
      return;
    }
    const others = current.length > 1 ? ` (+${current.length - 1} more)` : "";
    const elapsed = formatElapsed(now() - newest.startedAt.getTime());
    stream.write(`${clearLine}  ${spinnerFrames[frame]} ${newest.name}${others}  ${elapsed}`);
  };
  // The spinner moves between polls; unref so that it never keeps the process alive.
  const timer = setInterval(render, 120);
  timer.unref();
  return {
    finished(step) {
      stream.write(clearLine + finishedLine(step));
      render();
    },
    running(steps) {
      current = [...steps];
      render();
    },
    close() {
      clearInterval(timer);
      stream.write(clearLine);
    },
  };
}

/**
 * A spinner view on a terminal, one line per step otherwise.
 *
 * @example
 * ```ts
 * const view = createProgressView(process.stdout);
 * view.finished({ name: "DiscoverDirectories", depth: 0, startedAt, endedAt });
 * view.close();
 * ```
 */
export function createProgressView(stream: OutputStream, now: () => number = Date.now): ProgressView {
  return stream.isTTY ? createTerminalView(stream, now) : createPlainView(stream);
}
