import fc from "fast-check";

/**
 * setupFile of vitest.mutation.config.ts only. A property that fails under a mutant has killed it;
 * fast-check would then shrink the counterexample, which can take seconds and helps no one reading a
 * mutation score. `npm test` keeps shrinking, where the smallest counterexample is the point.
 */
fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
