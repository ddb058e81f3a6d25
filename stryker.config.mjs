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
  // Plugins are listed so that the checker of this repository loads with Stryker's vitest runner.
  plugins: ["@stryker-mutator/vitest-runner", "./scripts/mutation/affected-files-checker.ts"],
  // Whether a mutant compiles is decided by TypeScript 7's native compiler (the devDependency
  // "@typescript/native", the native preview, whose command is `tsgo`: the `typescript@7` package
  // would take over `tsc` in node_modules/.bin; the project itself is checked with TypeScript 5.9),
  // on the mutated file and the files that import it (scripts/mutation/affected-files-checker.ts).
  // TypeScript 5.9's checker (Stryker's "typescript" checker) took about half the CPU of a full run;
  // Stryker's native-preview option checks the whole program for each mutant, still a third of it.
  checkers: ["affected-files"],
  // The checker's program is the mutated areas and what they import (no AWS SDK).
  tsconfigFile: "tsconfig.mutation.json",
  coverageAnalysis: "perTest",
  mutate: [
    "shared/core/**/*.ts",
    "shared/nps/**/*.ts",
    "shared/nps/**/*.cjs",
    "shared/radius/**/*.ts",
    "shared/config.ts",
    // The step logic that decides (test/unit/mutation-scope.test.ts keeps this list honest): the
    // other steps only call the AWS adapters around decisions that live in shared/core; the
    // workflow and packaged suites on moto test those calls, and Stryker runs the unit tests only.
    "shared/steps/plan-step.ts",
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
  // Two checkers and two test runners at first, four runners once every mutant is checked: on 2
  // cores this beat 2 processes by a sixth (processes wait on each other and on the disk).
  concurrency: 4,
  // Unit tests take milliseconds: 5 s over 1.5 times a test's own time is a loop, not a slow test.
  timeoutMS: 5_000,
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
