import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import type { PackagedService } from "../package-template.js";
import { resourceById } from "../package-template.js";
import { functionKeys, functionLogicalId } from "./template-roles.js";

const run = promisify(execFile);

/**
 * Extracts each function's handler bundle from its packaged zip (the zip and the handler file the
 * template names, `.cjs` as serverless-esbuild writes it) into a fresh temporary directory.
 *
 * @example
 * ```ts
 * const bundles = await extractHandlerBundles(await packageService());
 * bundles.ensureSecret; // "/tmp/radius-sync-bundles-…/ensureSecret.cjs"
 * ```
 */
export async function extractHandlerBundles(service: PackagedService): Promise<Record<string, string>> {
  const target = await mkdtemp(join(tmpdir(), "radius-sync-bundles-"));
  const bundles: Record<string, string> = {};
  for (const key of functionKeys(service.template)) {
    const properties = resourceById(service.template, functionLogicalId(key)).Properties ?? {};
    const zip = join(service.directory, basename((properties.Code as { S3Key: string }).S3Key));
    const handlerFile = `${String(properties.Handler).replace(/\.[^./]+$/, "")}.cjs`;
    const { stdout } = await run("unzip", ["-p", zip, handlerFile], { maxBuffer: 64 * 1024 * 1024 });
    const path = join(target, `${key}.cjs`);
    await writeFile(path, stdout);
    bundles[key] = path;
  }
  return bundles;
}
