// @ts-check
/**
 * Mutation testing (`npm run mutation`, issue 12): what the unit tests catch in the code that decides
 * what radius-sync changes and what it lets through. scripts/mutation/report.ts turns the JSON report
 * into docs/mutation.md; the HTML report stays in reports/ (gitignored).
 *
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  checkers: ["typescript"],
  // The checker's program is the four areas and what they import (no AWS SDK): it re-checks every
  // mutant, and with the steps and their SDK types it was the bottleneck.
  tsconfigFile: "tsconfig.mutation.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate: [
    "shared/core/**/*.ts",
    "shared/nps/**/*.ts",
    "shared/nps/**/*.cjs",
    "shared/radius/**/*.ts",
    "shared/config.ts",
    // Not shared/steps: the unit tests barely reach the steps (the workflow and packaged suites on
    // moto test them, and Stryker runs the unit tests only), so mutating them measured little and took
    // most of the run (a partial run: plan-step.ts 34 of 204 tested mutants killed).
    "!**/index.ts",
    "!**/*.d.cts",
  ],
  ignorePatterns: [
    ".venv",
    ".node",
    ".serverless",
    ".esbuild",
    ".moto",
    ".cache",
    "coverage",
    "dist",
    "reports",
    "bench/results",
  ],
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ["json", "html", "clear-text", "progress"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  // Re-test a mutant only when its code or the tests covering it changed; --force re-tests all.
  incremental: true,
  incrementalFile: "reports/mutation/incremental.json",
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
};
