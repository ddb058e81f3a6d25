import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packagedFunctions } from "../lambda/packaged-functions.js";
import { extractZip } from "../lambda/unzip.js";
import type { PackagedService } from "../package-template.js";

/**
 * Each function's handler bundle as packaged: the file its `Handler` names (`.cjs`, as
 * serverless-esbuild writes it) in the zip the template points at, read after extracting the zip.
 *
 * @example
 * ```ts
 * const bundles = await readHandlerBundles(await packageService());
 * bundles.get("ensureSecret"); // the minified CommonJS source
 * ```
 */
export async function readHandlerBundles(service: PackagedService): Promise<Map<string, string>> {
  const target = await mkdtemp(join(tmpdir(), "radius-sync-bundles-"));
  // The environments are not read here; any name serves for their Refs.
  const functions = packagedFunctions(service, {
    StateTable: "table",
    NpsSyncDocument: "document",
    NpsHealthDocument: "health-document",
    ReconcileStateMachine: "arn:aws:states:us-east-1:123456789012:stateMachine:reconcile",
  });
  const bundles = new Map<string, string>();
  for (const [key, packaged] of functions) {
    extractZip(packaged.zipPath, join(target, key));
    const handlerFile = `${packaged.handler.replace(/\.[^./]+$/, "")}.cjs`;
    bundles.set(key, await readFile(join(target, key, handlerFile), "utf8"));
  }
  return bundles;
}
