import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { stepHandler } from "../../shared/middleware/index.js";
import { metrics } from "../../shared/observability.js";

/**
 * The real step shape (stepHandler with metrics) and the real Powertools Metrics: what a step
 * writes to stdout and stderr is what CloudWatch Logs, `npm start` and the tests would show.
 */

const context = {
  functionName: "radius-sync-dev-unit",
  awsRequestId: "00000000-0000-0000-0000-000000000000",
} as unknown as Context;

const Input = z.object({ count: z.number().int().nonnegative(), fail: z.boolean().optional() });

/** A step that records `count` DriftFound metrics (none when 0), then returns or throws. */
const step = stepHandler(
  Input,
  async ({ count, fail }: z.infer<typeof Input>) => {
    if (count > 0) metrics.addMetric("DriftFound", MetricUnit.Count, count);
    if (fail) throw new Error("step failed on purpose");
    return { count };
  },
  { metrics: true },
);

let written: string[];
const originals = { stdout: process.stdout.write, stderr: process.stderr.write, warn: console.warn };

beforeEach(() => {
  written = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  console.warn = (...parts: unknown[]) => written.push(parts.join(" "));
});

afterEach(() => {
  process.stdout.write = originals.stdout;
  process.stderr.write = originals.stderr;
  console.warn = originals.warn;
});

describe("a step's metrics flush", () => {
  it("writes nothing, and no 'No application metrics' warning, when the step recorded no metric", async () => {
    await expect(step({ count: 0 }, context)).resolves.toEqual({ count: 0 });

    expect(written.join("")).toBe("");
  });

  it("publishes the recorded metric as one EMF line when the step recorded one", async () => {
    await step({ count: 3 }, context);

    const lines = written.join("").trim().split("\n");
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0] ?? "{}") as { DriftFound?: number; _aws?: unknown };
    expect(emf.DriftFound).toBe(3);
    expect(emf._aws).toBeDefined();
  });

  it("publishes what a failing step recorded before it threw, and nothing once it is flushed", async () => {
    await expect(step({ count: 2, fail: true }, context)).rejects.toThrow("step failed on purpose");
    expect(written.join("")).toContain('"DriftFound":2');

    written.length = 0;
    await expect(step({ count: 0, fail: true }, context)).rejects.toThrow("step failed on purpose");
    expect(written.join("")).toBe("");
  });
});
