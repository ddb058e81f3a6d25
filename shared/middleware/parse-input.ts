import type { MiddlewareObj } from "@middy/core";
import type { z } from "zod";
import { InvalidInput } from "../errors.js";

/**
 * Formats every zod issue as "path: message", so an error names each bad field at once.
 *
 * @example
 * ```ts
 * describeIssues(schema.safeParse(input).error); // "mode: Invalid option…; dryRun: expected boolean…"
 * ```
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "input"}: ${issue.message}`)
    .join("; ");
}

/**
 * middy middleware: parses the event with a zod schema before the handler runs and replaces it
 * with the parsed value; a bad event fails with {@link InvalidInput} naming every bad field.
 *
 * @example
 * ```ts
 * export const handler = middy(async (input: PlanInput) => plan(input)).use(parseInput(PlanInput));
 * ```
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema): MiddlewareObj<unknown> {
  return {
    before: (request) => {
      const result = schema.safeParse(request.event);
      if (!result.success) throw new InvalidInput(`invalid input: ${describeIssues(result.error)}`);
      request.event = result.data;
    },
  };
}
