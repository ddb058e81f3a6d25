/**
 * How many items one step of a phase starts; a larger phase continues in the next step (the loop's
 * `continue`). Small enough that a step's calls, a few at a time with throttling retried, stay far
 * inside the Lambda timeout; the history budget (shared/core/history-budget.ts) counts the steps.
 */

/** Directories one step enables or updates (shared/steps/directory-radius.ts). */
export const DIRECTORIES_PER_STEP = 25;

/** Security groups one step changes (shared/steps/apply-security-group-rules.ts). */
export const SECURITY_GROUPS_PER_STEP = 25;
