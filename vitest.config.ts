import { defineConfig } from "vitest/config";

const polyfills = "test/support/polyfills.ts";

/**
 * One run, five projects along the test ladder. `aws` and `packaged` start an emulator: one moto
 * per test file (the aws setupFile), reset before each test; `packaged` also runs the packaged
 * functions in AWS's Runtime Interface Emulator and Client (built by its own global setup). The virtualenv that holds moto is prepared once per run by the
 * global setup; FreeRADIUS by the `protocol` project's own global setup, which runs only when
 * protocol tests are part of the run.
 */
export default defineConfig({
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    // What a test printed is shown only when that test fails: a passing run reads as a list of tests.
    silent: "passed-only",
    // Keep moto's and FreeRADIUS's children from competing for the 2 cores of CI.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          setupFiles: [polyfills],
          // nps-patterns starts a JVM to check the patterns in Java's regex engine: past 5 s on a busy 2-core box.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "aws",
          include: ["test/integration/**/*.test.ts", "test/workflow/**/*.test.ts"],
          setupFiles: [polyfills, "test/support/aws-setup.ts"],
          // moto loads each service's backend on its first call: slow on a busy 2-core box.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The packaged bundles (osls package), run by AWS's Runtime Interface Client on Node 22 behind
          // AWS's Runtime Interface Emulator against moto, bound to the packaged definition: what
          // ships, not the sources.
          name: "packaged",
          include: ["test/packaged/**/*.test.ts"],
          globalSetup: ["test/support/lambda/runtime-global-setup.ts"],
          setupFiles: [polyfills, "test/support/aws-setup.ts", "test/support/packaged-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          setupFiles: [polyfills],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "protocol",
          include: ["test/protocol/**/*.test.ts"],
          globalSetup: ["test/support/freeradius-global-setup.ts"],
          setupFiles: [polyfills],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
