import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { workflowErrorNames } from "../../shared/errors.js";
import { radiusProbeErrorNames } from "../../shared/radius/errors.js";
import { repositoryRoot } from "../support/paths.js";

type ErrorClass = new (message: string) => Error;

/**
 * shared/errors.ts bundled the most hostile way a bundler may treat it: minified, names not kept
 * (serverless.yml's esbuild settings minify; a later `keepNames` must not be what saves the names).
 */
async function loadMinifiedErrors(file = "shared/errors.ts"): Promise<Record<string, unknown>> {
  const result = await build({
    entryPoints: [`${repositoryRoot}${file}`],
    bundle: true,
    minify: true,
    keepNames: false,
    format: "cjs",
    platform: "node",
    target: "node22",
    write: false,
  });
  const code = result.outputFiles[0]?.text ?? "";
  const module = { exports: {} as Record<string, unknown> };
  new Function("module", "exports", code)(module, module.exports);
  return module.exports;
}

describe("error names survive a minifying bundler", () => {
  it("every exported error class keeps its name when minified without keepNames", async () => {
    const bundled = await loadMinifiedErrors();
    const classes = Object.entries(bundled).filter(
      (entry): entry is [string, ErrorClass] => typeof entry[1] === "function" && /^[A-Z]/.test(entry[0]),
    );

    expect(classes.map(([exported]) => exported)).toEqual(
      expect.arrayContaining(["RadiusSyncError", ...workflowErrorNames]),
    );
    for (const [exported, ErrorClass] of classes) {
      expect(new ErrorClass("why").name, `${exported} thrown from a minified bundle`).toBe(exported);
    }
  });

  it("the RADIUS probe's error classes keep their names when minified without keepNames", async () => {
    const bundled = await loadMinifiedErrors("shared/radius/errors.ts");

    for (const name of radiusProbeErrorNames) {
      const ErrorClass = bundled[name] as ErrorClass;
      expect(new ErrorClass("why").name, `${name} thrown from a minified bundle`).toBe(name);
    }
    expect(bundled.radiusProbeErrorNames).toEqual(radiusProbeErrorNames);
  });

  it("the minifier does rename the classes, so deriving a name from the class would fail", async () => {
    const bundled = await loadMinifiedErrors();
    const renamed = workflowErrorNames.filter(
      (name) => (bundled[name] as ErrorClass | undefined)?.name !== name,
    );

    expect(renamed.length).toBeGreaterThan(0);
  });

  it("the bundled registry rebuilds each typed error under its own name", async () => {
    const bundled = await loadMinifiedErrors();
    const create = bundled.createWorkflowError as (name: string, message: string) => Error;

    for (const name of workflowErrorNames) expect(create(name, "why").name).toBe(name);
    expect(bundled.workflowErrorNames).toEqual(workflowErrorNames);
  });
});
