import type { AcceptedSurvivor } from "./score.js";

/**
 * Mutants no unit test detects, kept on purpose, each with why (docs/mutation.md lists them).
 * An entry matches by file, mutator, the mutated code (whitespace collapsed; a trailing "…" matches
 * a prefix) and the replacement; the report warns about entries that match nothing any more.
 */
export const acceptedSurvivors: readonly AcceptedSurvivor[] = [];
