import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Stryker runs the covering test files once per mutant and stops at the first failure (bail 1), so
 * the order decides the cost: vitest's default runs the longest files first, which puts the
 * property tests (seconds each) before the example tests that kill most mutants in milliseconds.
 * This order keeps vitest's "failed last time first" (the file that killed the previous mutant
 * often kills its neighbour) and otherwise runs the files that took least in the first run first.
 */
class FastestFirst extends BaseSequencer {
  /** Each file's duration the first time it is known: the dry run's whole-file figure. */
  private readonly firstDuration = new Map<string, number>();

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const state = (spec: TestSpecification) => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      const result = this.ctx.cache.getFileTestResults(key);
      if (result && !this.firstDuration.has(key)) this.firstDuration.set(key, result.duration);
      return { failed: result?.failed === true, duration: this.firstDuration.get(key) ?? 0 };
    };
    const keyed = files.map((spec) => ({ spec, ...state(spec) }));
    keyed.sort((a, b) => Number(b.failed) - Number(a.failed) || a.duration - b.duration);
    return keyed.map((entry) => entry.spec);
  }
}

/**
 * The unit project alone, for Stryker (`npm run mutation`): the pure code's tests need neither the
 * virtualenv nor the Node 22 that the main config's global setup prepares, and mutants are run one
 * worker at a time by Stryker itself.
 */
export default defineConfig({
  test: {
    silent: "passed-only",
    include: ["test/unit/**/*.test.ts"],
    setupFiles: ["test/support/polyfills.ts", "scripts/mutation/vitest-setup.ts"],
    // Same as the unit project of vitest.config.ts: nps-patterns starts a JVM.
    testTimeout: 30_000,
    sequence: { sequencer: FastestFirst },
    // One worker keeps its modules loaded from one test file to the next, instead of a fresh thread
    // that imports everything again for each file: half the cost of a run (the unit suite in one
    // worker: 15 s instead of 29 s). Load-time code (a schema, a regex) is then a static mutant,
    // which Stryker tests with every test, only when its module loads as a test file loads; loaded
    // first by an import() inside a test, it would count as that one test's (7 regex mutants of
    // secret-policy.ts survived the 2026-12-01 runs that way). test/unit/mutation-scope.test.ts
    // keeps such imports out of the unit tests. Each test restores what it changes in process.env.
    isolate: false,
    // With isolate: false and one worker, vitest hands the worker all the files of a run at once,
    // and after the first failure (Stryker's bail 1) the worker would still import each remaining
    // file to skip its tests; this runner leaves them out.
    runner: "./scripts/mutation/vitest-runner.ts",
    // The files that runner leaves out have no tests to report.
    passWithNoTests: true,
  },
});
