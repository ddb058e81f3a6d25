/**
 * A tiny stand-in for the nodejs22.x runtime interface client, run by Node 22 inside a function's task
 * folder (one long-lived process per function, like a warm container). It loads the module that the
 * template's `Handler` names the way the runtime does (`<path>.js`, `.mjs` or `.cjs` under
 * LAMBDA_TASK_ROOT), then answers each invoke that the harness sends over IPC as Lambda reports it to
 * Step Functions: the handler's JSON result, or `{ errorType: error.name, errorMessage, trace }`.
 * Init failures carry the runtime's own names (Runtime.ImportModuleError, Runtime.HandlerNotFound).
 */
"use strict";

const { existsSync, readdirSync, realpathSync } = require("node:fs");
const { join, sep } = require("node:path");
const { pathToFileURL } = require("node:url");
const { types } = require("node:util");

const builtinErrors = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];

/** The real folders of the modules the runtime provides (NODE_PATH holds symlinks to them). */
function providedModuleRoots() {
  const roots = [];
  for (const folder of (process.env.NODE_PATH ?? "").split(":").filter(Boolean)) {
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder)) {
      const names = entry.startsWith("@")
        ? readdirSync(join(folder, entry)).map((name) => join(entry, name))
        : [entry];
      for (const name of names) roots.push(realpathSync(join(folder, name)) + sep);
    }
  }
  return roots;
}

const providedRoots = providedModuleRoots();

/**
 * Where an error was made, for the harness's error-name guard (not part of Lambda's answer): by the
 * AWS SDK or another module the runtime provides (their names are not minified), by Node itself, or
 * by the bundle's own code (its libraries included), whose class names the minifier renames. The
 * frame that made it tells; bundled frames show their source-mapped paths, never a provided root.
 */
function originOf(error) {
  if (error && typeof error === "object" && "$metadata" in error) return "aws-sdk";
  if (error && builtinErrors.includes(error.constructor)) return "builtin";
  const frame = String(error?.stack ?? "")
    .split("\n")
    .find((line) => line.trimStart().startsWith("at "));
  if (frame && providedRoots.some((root) => frame.includes(root))) return "aws-sdk";
  return "bundle";
}

/** The error payload the runtime reports (and Step Functions matches by `errorType`). */
function toLambdaError(error, origin) {
  if (types.isNativeError(error) || (error instanceof Object && typeof error.name === "string")) {
    return {
      error: {
        errorType: String(error.name),
        errorMessage: String(error.message ?? ""),
        trace: String(error.stack ?? "").split("\n"),
      },
      origin: origin ?? originOf(error),
    };
  }
  return { error: { errorType: typeof error, errorMessage: String(error), trace: [] }, origin: "bundle" };
}

function initError(errorType, cause) {
  const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const error = new Error(message);
  error.name = errorType;
  return error;
}

async function loadHandler() {
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  const spec = process.env._HANDLER;
  const dot = spec.lastIndexOf(".");
  const modulePath = join(taskRoot, spec.slice(0, dot));
  const exportName = spec.slice(dot + 1);
  const file = [".js", ".mjs", ".cjs"].map((extension) => modulePath + extension).find(existsSync);
  if (file === undefined) throw initError("Runtime.ImportModuleError", `Cannot find module '${modulePath}'`);
  let module;
  try {
    module = file.endsWith(".mjs") ? await import(pathToFileURL(file).href) : require(file);
  } catch (error) {
    const name = error instanceof SyntaxError ? "Runtime.UserCodeSyntaxError" : "Runtime.ImportModuleError";
    throw initError(name, error);
  }
  const handler = module?.[exportName];
  if (typeof handler !== "function") {
    throw initError("Runtime.HandlerNotFound", `${spec} is undefined or not exported`);
  }
  return handler;
}

const loading = loadHandler();
// An init failure is reported on the invoke, as Lambda does; keep it from ending the process here.
loading.catch(() => undefined);

function contextFor(message) {
  const deadline = Date.now() + message.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function callHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === "function") returned.then(resolve, reject);
  });
}

process.on("message", async (message) => {
  if (message?.type !== "invoke") return;
  process.env._X_AMZN_TRACE_ID = message.traceId;
  let reply;
  try {
    const handler = await loading;
    const result = await callHandler(handler, message.event, contextFor(message));
    // The runtime serialises the result as JSON; `undefined` arrives as null.
    reply = { type: "result", id: message.id, ok: true, payload: JSON.stringify(result ?? null) };
  } catch (error) {
    reply = { type: "result", id: message.id, ok: false, ...toLambdaError(error) };
  }
  process.send(reply);
});

process.send({ type: "ready" });
