import { VitestTestRunner } from "vitest/runners";

type CancelReason = Parameters<VitestTestRunner["cancel"]>[0];
type ImportSource = Parameters<VitestTestRunner["importFile"]>[1];

/**
 * vitest's test runner for `npm run mutation` (vitest.mutation.config.ts). Stryker runs vitest with
 * bail 1 and one worker, which with isolate: false is handed all the files of a run at once: after
 * the first failure vitest cancels the run and skips every remaining test, but the worker still
 * imports each remaining file to collect those tests. The mutant is killed by then, and those imports
 * are most of what a killed mutant costs. This runner leaves them out. It changes no result: each file
 * it does not import would have had all its tests skipped.
 */
export default class SkipFilesAfterBail extends VitestTestRunner {
  private cancelled = false;

  override cancel(reason: CancelReason): void {
    this.cancelled = true;
    super.cancel(reason);
  }

  override importFile(filepath: string, source: ImportSource): unknown {
    if (source === "collect" && this.cancelled) return Promise.resolve();
    return super.importFile(filepath, source);
  }
}
