import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckStatus } from "@stryker-mutator/api/check";
import type { Mutant } from "@stryker-mutator/api/core";
import type { Logger } from "@stryker-mutator/api/logging";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AffectedFilesChecker,
  affectedFiles,
  applyMutant,
  importersOf,
  offsetOf,
} from "../../scripts/mutation/affected-files-checker.js";
import { repositoryRoot } from "../support/paths.js";

/**
 * The mutation run's checker (scripts/mutation/affected-files-checker.ts) on a project of five
 * files: port.ts ← reexport.ts ← uses-double.ts, port.ts ← settings.ts (a type-only import), and
 * alone.ts, which imports nothing and is imported by nothing.
 */
const project = `${repositoryRoot}test/fixtures/mutation-checker/`;
const file = (name: string) => `${project}src/${name}`;
const silent = { info() {}, debug() {}, warn() {}, error() {}, trace() {}, fatal() {} } as unknown as Logger;

let nextId = 0;
/** A mutant replacing the first `original` in the fixture file, at Stryker's 0-based position. */
function mutant(name: string, original: string, replacement: string): Mutant {
  const text = readFileSync(file(name), "utf8");
  const at = text.indexOf(original);
  if (at === -1) throw new Error(`${original} is not in ${name}`);
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    return { line: before.split("\n").length - 1, column: offset - (before.lastIndexOf("\n") + 1) };
  };
  nextId += 1;
  return {
    id: String(nextId),
    fileName: file(name),
    mutatorName: "Test",
    replacement,
    location: { start: position(at), end: position(at + original.length) },
  };
}

describe("which files a mutant can affect", () => {
  const options = ts.getParsedCommandLineOfConfigFile(
    `${project}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic() {},
    },
  );
  const names = ["alone.ts", "port.ts", "reexport.ts", "settings.ts", "uses-double.ts"].map(file);
  const importers = importersOf(names, options?.options ?? {});

  it("follows imports, re-exports and type-only imports back to every file that depends on the mutated one", () => {
    expect(affectedFiles(file("port.ts"), importers)).toEqual(
      ["port.ts", "reexport.ts", "settings.ts", "uses-double.ts"].map(file),
    );
    expect(affectedFiles(file("reexport.ts"), importers)).toEqual(
      ["reexport.ts", "uses-double.ts"].map(file),
    );
  });

  it("leaves out files that do not depend on it", () => {
    expect(affectedFiles(file("alone.ts"), importers)).toEqual([file("alone.ts")]);
    expect(affectedFiles(file("uses-double.ts"), importers)).toEqual([file("uses-double.ts")]);
  });

  it("puts a mutant's replacement at Stryker's position, lines and columns counted from 0", () => {
    const text = "first line\nsecond line\n";
    expect(offsetOf(text, { line: 1, column: 7 })).toBe(18);
    const replaced = applyMutant(text, {
      replacement: "row",
      location: { start: { line: 1, column: 7 }, end: { line: 1, column: 11 } },
    });
    expect(replaced).toBe("first line\nsecond row\n");
    expect(() => offsetOf(text, { line: 5, column: 0 })).toThrow(
      "line 6 is past the end of the file (3 lines)",
    );
  });
});

describe("the affected-files checker", () => {
  const checker = new AffectedFilesChecker(silent, { tsconfigFile: `${project}tsconfig.json` } as never);
  beforeAll(() => checker.init());
  afterAll(() => checker.dispose());

  const check = async (one: Mutant) => (await checker.check([one]))[one.id];

  it("finds the error a mutant causes two imports away, where only the caller states the type", async () => {
    const result = await check(mutant("port.ts", "value * 2", "String(value)"));
    expect(result?.status).toBe(CheckStatus.CompileError);
    expect(result).toMatchObject({
      reason: expect.stringMatching(/uses-double\.ts\(3,14\): error TS2322: /),
    });
    expect(result).not.toMatchObject({ reason: expect.stringContaining("port.ts(") });
  });

  it("finds an error in the mutated file itself", async () => {
    const result = await check(mutant("alone.ts", '"alone"', "alone +"));
    expect(result?.status).toBe(CheckStatus.CompileError);
    expect(result).toMatchObject({ reason: expect.stringContaining("alone.ts(1,") });
  });

  it("passes a mutant that compiles, with the previous mutant of another file undone", async () => {
    await check(mutant("port.ts", "value * 2", "String(value)"));
    expect(await check(mutant("uses-double.ts", "double(2)", "double(3)"))).toEqual({
      status: CheckStatus.Passed,
    });
    expect(await check(mutant("alone.ts", '"alone"', '""'))).toEqual({ status: CheckStatus.Passed });
  });

  it("passes a mutant of a file outside the project without checking it", async () => {
    const outside = { ...mutant("alone.ts", '"alone"', "alone +"), fileName: `${project}tsconfig.json` };
    expect(await check(outside)).toEqual({ status: CheckStatus.Passed });
  });

  it("checks each mutant of a group on its own", async () => {
    const breaks = mutant("port.ts", "value * 2", "String(value)");
    const retyped = mutant("port.ts", "1812", '"1812"');
    const breaksAlone = mutant("alone.ts", '"alone"', "alone +");
    const results = await checker.check([breaks, retyped, breaksAlone]);
    expect(results[breaks.id]?.status).toBe(CheckStatus.CompileError);
    // settings.ts only takes the type (a string is a type like any other there); nothing reads the value.
    expect(results[retyped.id]).toEqual({ status: CheckStatus.Passed });
    expect(results[breaksAlone.id]?.status).toBe(CheckStatus.CompileError);
  });
});

describe("a project that does not compile before any mutant", () => {
  it("is refused at init, with the errors", async () => {
    const directory = mkdtempSync(join(tmpdir(), "affected-files-checker-"));
    try {
      writeFileSync(`${directory}/broken.ts`, "export const port: number = '1812';\n");
      writeFileSync(
        `${directory}/tsconfig.json`,
        JSON.stringify({ ...JSON.parse(readFileSync(`${project}tsconfig.json`, "utf8")), include: ["."] }),
      );
      const checker = new AffectedFilesChecker(silent, {
        tsconfigFile: `${directory}/tsconfig.json`,
      } as never);
      try {
        await expect(checker.init()).rejects.toThrow(
          /the project does not compile without mutants:\n.*broken\.ts\(1,14\): error TS2322/,
        );
      } finally {
        await checker.dispose();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
