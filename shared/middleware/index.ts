export { correlateExecution } from "./correlate-execution.js";
export { describeIssues, parseInput } from "./parse-input.js";
