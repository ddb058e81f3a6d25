import { describe, expect, it } from "vitest";
import { type HealthCheckFigures, healthCheckSection, type RunCost } from "../../bench/health-check.js";

const cost = (transitions: number, events: number, calls: number, mutating: number): RunCost => ({
  status: "SUCCEEDED",
  stateTransitions: transitions,
  historyEvents: events,
  apiCalls: { total: calls, read: calls - mutating, mutating, byOperation: [] },
});

describe("the bench's health-check section", () => {
  it("puts the health check next to the no-op reconcile and adds one of each per hour", () => {
    const figures: HealthCheckFigures[] = [
      {
        directories: 10,
        npsServers: 4,
        noOpReconcile: cost(23, 72, 39, 13),
        healthCheck: cost(5, 18, 15, 6),
      },
    ];
    const lines = healthCheckSection(figures);
    expect(lines[0]).toBe("## NPS health check cost (issue 20)");
    expect(lines).toContain("| 10 × 4 | no-op reconcile | SUCCEEDED | 23 | 72 | 39 (13 mutating) |");
    expect(lines).toContain("| 10 × 4 | health check | SUCCEEDED | 5 | 18 | 15 (6 mutating) |");
    expect(lines).toContain("| 10 × 4 | per hour (both) |  | 28 | 90 | 54 |");
  });
});
