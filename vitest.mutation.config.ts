import { defineConfig } from "vitest/config";

/**
 * The unit project alone, for Stryker (`npm run mutation`): the pure code's tests need neither the
 * virtualenv nor the Node 22 that the main config's global setup prepares, and mutants are run one
 * worker at a time by Stryker itself.
 */
export default defineConfig({
  test: {
    silent: "passed-only",
    include: ["test/unit/**/*.test.ts"],
    setupFiles: ["test/support/polyfills.ts"],
    // Same as the unit project of vitest.config.ts: nps-patterns starts a JVM.
    testTimeout: 30_000,
  },
});
