import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * What `npm run mutation` mutates (stryker.config.mjs) follows one rule for the steps: a step file
 * that calls no AWS adapter is decision logic and is mutated; a step file that calls adapters is
 * not (the workflow and packaged suites on moto test those calls; Stryker runs the unit tests), so
 * it must leave every decision to pure code that is. The TypeScript checker's program
 * (tsconfig.mutation.json) must hold every mutated file and no AWS SDK.
 */
const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

const { default: stryker } = (await import(new URL("stryker.config.mjs", root).href)) as {
  default: { mutate: string[] };
};
const checkerProgram = JSON.parse(read("tsconfig.mutation.json")) as { include: string[] };

const stepFiles = readdirSync(new URL("shared/steps/", root))
  .filter((name) => name.endsWith(".ts"))
  .map((name) => `shared/steps/${name}`);
const mutatedSteps = stryker.mutate.filter((pattern) => pattern.startsWith("shared/steps/"));
const importsOf = (path: string) => [...read(path).matchAll(/from "([^"]+)"/g)].map((match) => match[1]);
const callsAws = (path: string) =>
  importsOf(path).some((source) => source?.startsWith("../aws/") || source?.startsWith("@aws-sdk/"));

describe("the mutated step logic", () => {
  it("names step files one by one, each of them present", () => {
    for (const pattern of mutatedSteps) expect(stepFiles).toContain(pattern);
    expect(mutatedSteps.length).toBeGreaterThan(0);
  });

  it.each(stepFiles)("mutates %s exactly when it calls no AWS adapter", (path) => {
    expect(mutatedSteps.includes(path)).toBe(!callsAws(path));
  });

  it("gives the type checker every mutated step file", () => {
    for (const path of mutatedSteps) expect(checkerProgram.include).toContain(path);
  });

  it("keeps the AWS SDK out of the checker's program", () => {
    const files = checkerProgram.include.flatMap((entry) =>
      /\.[cm]?ts$/.test(entry)
        ? [entry]
        : readdirSync(new URL(`${entry}/`, root), { recursive: true, encoding: "utf8" })
            .filter((name) => /\.[cm]?ts$/.test(name))
            .map((name) => `${entry}/${name}`),
    );
    expect(files.length).toBeGreaterThan(checkerProgram.include.length);
    for (const path of files) expect(callsAws(path), path).toBe(false);
  });
});

/**
 * Stryker runs the unit tests in one vitest worker whose modules stay loaded from one test file to
 * the next (isolate: false, vitest.mutation.config.ts). Code that runs when a module loads (a schema, a
 * regex) is a static mutant, tested by every test, only if the module loads when a test file does;
 * loaded first by an `import()` inside a test, it would count as covered by that test alone, and its
 * mutants would be tested by nothing else (the full run of 2026-12-01 lost 7 regex mutants of
 * shared/core/secret-policy.ts that way).
 */
describe("the unit tests under mutation", () => {
  const unitTests = readdirSync(new URL("test/unit/", root)).filter((name) => name.endsWith(".ts"));
  const dynamicImportsOfShared = (source: string) =>
    [...source.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]/g)]
      .map((match) => match[1] ?? "")
      .filter((specifier) => specifier.includes("shared/"));

  it("finds the dynamic imports it looks for", () => {
    // Assembled, so that this file's own source holds no such call.
    const call = ["const m = await imp", 'ort("../../shared/core/index.js");'].join("");
    expect(dynamicImportsOfShared(call)).toEqual(["../../shared/core/index.js"]);
    expect(dynamicImportsOfShared('import { x } from "../../shared/core/index.js";')).toEqual([]);
  });

  it.each(unitTests)("%s loads the code under test with its file, never by import() in a test", (name) => {
    expect(dynamicImportsOfShared(read(`test/unit/${name}`))).toEqual([]);
  });
});

describe("the mutation checker's TypeScript", () => {
  it("is TypeScript 7's native compiler, while `tsc` stays the project's TypeScript 5.9", () => {
    const manifest = JSON.parse(read("package.json")) as { devDependencies: Record<string, string> };
    expect(manifest.devDependencies.typescript).toMatch(/^5\.9\./);
    expect(manifest.devDependencies["@typescript/native"]).toMatch(/^npm:@typescript\/native-preview@7\./);
    // The checker is this repository's (test/unit/mutation-checker.test.ts), loaded as a plugin.
    const options = stryker as { checkers?: unknown; plugins?: unknown; tsconfigFile?: unknown };
    expect(options.checkers).toEqual(["affected-files"]);
    expect(options.plugins).toContain("./scripts/mutation/affected-files-checker.ts");
    expect(options.tsconfigFile).toBe("tsconfig.mutation.json");
    // The `typescript@7` package also installs a `tsc`, which would replace 5.9's in node_modules/.bin.
    const tsc = realpathSync(fileURLToPath(new URL("node_modules/.bin/tsc", root)));
    expect(tsc).toBe(realpathSync(fileURLToPath(new URL("node_modules/typescript/bin/tsc", root))));
  });
});
