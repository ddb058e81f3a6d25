/**
 * Installs SDK middlewares on the shared clients for test doubles and the call recorder,
 * and removes them again. This module must not import `shared/aws/clients.ts`: the `aws`
 * setupFile imports it before the emulator's environment is in place.
 */

/** What a middleware sees of the command being sent. */
export interface CallContext {
  clientName?: string;
  commandName?: string;
}

/** The command's input (as the caller built it), at the SDK's initialize step. */
export interface CallArgs {
  input: Record<string, unknown>;
}

/** What a command resolves to; `output` is what `client.send` returns. */
export interface CallResult {
  output: Record<string, unknown>;
  response: unknown;
}

/** Sends the command on to the rest of the stack (and so to moto). */
export type Next = (args: CallArgs) => Promise<CallResult>;

/** A middleware in one function: pass through with `next`, change its result, or answer itself. */
export type Interceptor = (args: CallArgs, next: Next, context: CallContext) => Promise<CallResult>;

/** The part of an SDK v3 client the doubles touch. */
export interface MiddlewareHost {
  middlewareStack: {
    add(
      middleware: (next: Next, context: CallContext) => (args: CallArgs) => Promise<CallResult>,
      options: { step: "initialize"; name: string; priority: "high" | "normal" | "low" },
    ): void;
    remove(name: string): boolean;
  };
}

/** Something installed on the clients that a test (or the harness) can take off again. */
export interface Removable {
  /** Takes the middleware(s) off the clients; safe to call twice. */
  remove(): void;
}

const installed = new Set<Removable>();
let sequence = 0;

/**
 * Adds an interceptor to a client at the initialize step, where the input is still the
 * caller's object and an answer can short-circuit the HTTP call. `high` runs first (outermost).
 *
 * @example
 * ```ts
 * const handle = installInterceptor(clients.ds, "my-double", async (args, next) => next(args));
 * handle.remove();
 * ```
 */
export function installInterceptor(
  client: unknown,
  label: string,
  interceptor: Interceptor,
  priority: "high" | "normal" | "low" = "normal",
): Removable {
  const host = client as MiddlewareHost;
  sequence += 1;
  const name = `radius-sync-test:${label}#${sequence}`;
  host.middlewareStack.add((next, context) => (args) => interceptor(args, next, context), {
    step: "initialize",
    name,
    priority,
  });
  return trackRemovable(() => {
    host.middlewareStack.remove(name);
  });
}

/**
 * Registers a removal so that {@link removeAllTestDoubles} can undo it; the returned
 * handle's `remove()` runs it at most once.
 */
export function trackRemovable(removal: () => void): Removable {
  let removed = false;
  const handle: Removable = {
    remove() {
      if (removed) return;
      removed = true;
      installed.delete(handle);
      removal();
    },
  };
  installed.add(handle);
  return handle;
}

/** Combines several handles into one (for doubles that install more than one middleware). */
export function combineRemovables(parts: readonly Removable[]): Removable {
  return trackRemovable(() => {
    for (const part of parts) part.remove();
  });
}

/** Removes every installed double and recorder; the `aws` setupFile calls it after each test. */
export function removeAllTestDoubles(): void {
  for (const handle of [...installed]) handle.remove();
}

/**
 * A command result for a call that a double answers itself, shaped like the SDK's.
 *
 * @example
 * ```ts
 * return answer({ InstanceInformationList: [] });
 * ```
 */
export function answer(output: Record<string, unknown>): CallResult {
  return {
    output: {
      ...output,
      $metadata: {
        httpStatusCode: 200,
        requestId: "radius-sync-test-double",
        attempts: 1,
        totalRetryDelay: 0,
      },
    },
    response: { statusCode: 200, headers: {} },
  };
}

/** The operation's name without the SDK's `Command` suffix ("EnableRadius"). */
export function operationName(context: CallContext): string {
  return (context.commandName ?? "").replace(/Command$/, "");
}
