/**
 * What a Catch hands over as `Cause`: on AWS, when a Lambda function fails, the whole error payload
 * the runtime reports, as JSON text (`{"errorType","errorMessage","trace"}`, the Node.js runtime's
 * shape; Step Functions' `LambdaFunctionFailedEventDetails.cause`); from a Fail state or a step that
 * returns `{ Error, Cause }`, plain text. People and result events want the message either way, never
 * the stack trace.
 *
 * @example
 * ```ts
 * causeMessage('{"errorType":"NpsCommandFailed","errorMessage":"NPS server i-… failed","trace":["…"]}');
 * // "NPS server i-… failed"
 * causeMessage("rotation rolled back: …"); // "rotation rolled back: …"
 * ```
 */
export function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause !== "string") return cause === undefined || cause === null ? "" : JSON.stringify(cause);
  try {
    // JSON.parse skips the whitespace around a payload; anything that is no JSON is the message itself.
    const parsed: unknown = JSON.parse(cause);
    const message = (parsed as { errorMessage?: unknown } | null)?.errorMessage;
    if (typeof message === "string") return message;
  } catch {
    // Not JSON: the text is the message.
  }
  return cause;
}
