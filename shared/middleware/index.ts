export { correlateExecution } from "./correlate-execution.js";
export { flushMetrics } from "./flush-metrics.js";
export { describeIssues, parseInput } from "./parse-input.js";
export { stepHandler } from "./step-handler.js";
