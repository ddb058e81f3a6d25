/**
 * The rig's simulated clock: seconds since the test began. AWS's timings (a Run Command's delivery
 * and execution timeouts, an agent that picks a command up late) are measured on it, never on the
 * wall clock, so a test that spans an hour of AWS time runs in milliseconds and always the same way.
 *
 * The `aws` setupFile resets it before each test (the `packaged` project runs that setupFile too);
 * the workflow runner (`runDefinition`, test/support/workflow.ts) advances it at every Wait state and
 * every Retry by the seconds they would last on AWS; a test may advance it itself. The local
 * interpreter still does not sleep: only this number moves.
 *
 * Whatever models time (the Run Command model, test/support/rig/run-command/) subscribes with
 * {@link rigClock.onAdvance} and settles there: {@link rigClock.advance} resolves once every
 * subscriber has caught up with the new time.
 */

/** Called after the clock moved, with the new time; the advance waits for it. */
export type AdvanceListener = (now: number) => Promise<void> | void;

let now = 0;
let caughtUp: Promise<void> = Promise.resolve();
const advanceListeners = new Set<AdvanceListener>();
const resetListeners = new Set<() => void>();

async function notify(time: number): Promise<void> {
  for (const listener of [...advanceListeners]) await listener(time);
}

/**
 * The simulated clock. Time only moves forward, and only when told.
 *
 * @example
 * ```ts
 * rigClock.now(); // 0 at the start of every test
 * await rigClock.advance(600); // ten minutes of AWS time; the Run Command model has settled
 * ```
 */
export const rigClock = {
  /** Seconds since the test began. */
  now(): number {
    return now;
  },

  /**
   * Moves the clock `seconds` forward and resolves once every subscriber has caught up (advances
   * are handled one after the other, in the order they were made). A subscriber's failure rejects
   * this advance only; later ones still run.
   */
  advance(seconds: number): Promise<void> {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`the rig clock moves forward by a finite number of seconds, not ${seconds}`);
    }
    now += seconds;
    const time = now;
    const done = caughtUp.then(() => notify(time));
    caughtUp = done.catch(() => undefined);
    return done;
  },

  /** Resolves once every advance made so far has been handled by every subscriber. */
  settled(): Promise<void> {
    return caughtUp;
  },

  /** Back to 0 for a new test; subscribers forget what they held (see {@link rigClock.onReset}). */
  reset(): void {
    now = 0;
    caughtUp = Promise.resolve();
    for (const listener of [...resetListeners]) listener();
  },

  /** Subscribes to every advance; returns the unsubscription. */
  onAdvance(listener: AdvanceListener): () => void {
    advanceListeners.add(listener);
    return () => advanceListeners.delete(listener);
  },

  /** Subscribes to every reset; returns the unsubscription. */
  onReset(listener: () => void): () => void {
    resetListeners.add(listener);
    return () => resetListeners.delete(listener);
  },
};
