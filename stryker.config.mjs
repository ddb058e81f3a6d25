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
  // The checker's program is the four areas held to the bar and what they import (290 files, no AWS
  // SDK): it re-checks every mutant, and with the steps and their SDK types it was the bottleneck.
  // Mutants of the step logic are therefore not type-checked; docs/mutation.md says so.
  tsconfigFile: "tsconfig.mutation.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate: [
    "shared/core/**/*.ts",
    "shared/nps/**/*.ts",
    "shared/nps/**/*.cjs",
    "shared/radius/**/*.ts",
    "shared/config.ts",
    "shared/steps/plan-step.ts",
    "shared/steps/nps-proof.ts",
    "shared/steps/rotation-phases.ts",
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
