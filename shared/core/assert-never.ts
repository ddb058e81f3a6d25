/**
 * Marks a branch the type checker proves unreachable. A new member of a union that
 * is not handled turns the call site into a compile error; at run time (data that
 * bypassed the types) it throws instead of silently doing nothing.
 *
 * @example
 * ```ts
 * switch (action.action) {
 *   case "create": return "create";
 *   case "keep": return "keep";
 *   default: return assertNever(action);
 * }
 * ```
 */
export function assertNever(value: never): never {
  throw new TypeError(`unhandled case: ${JSON.stringify(value)}`);
}
