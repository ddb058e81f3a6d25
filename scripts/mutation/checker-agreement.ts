import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CheckStatus } from "@stryker-mutator/api/check";
import type { Mutant } from "@stryker-mutator/api/core";
import type { Logger } from "@stryker-mutator/api/logging";
import { API, DiagnosticCategory } from "@typescript/native/unstable/sync";
import { AffectedFilesChecker, applyMutant } from "./affected-files-checker.js";

/**
 * `npx tsx scripts/mutation/checker-agreement.ts [report.json] [--every N]`: replays the mutants of a
 * Stryker JSON report (reports/mutation/mutation.json by default) through the affected-files checker
 * and through a whole-program check of the same mutated program, and prints every mutant on which
 * they disagree, with the time each took. Run it when the checker, TypeScript 7 or
 * tsconfig.mutation.json changes: the checker is only right while the two agree.
 */
const args = process.argv.slice(2);
const everyAt = args.indexOf("--every");
const every = everyAt === -1 ? 1 : Number(args[everyAt + 1]);
const reportFile = args.find((arg, index) => !arg.startsWith("--") && index !== everyAt + 1);
const report = JSON.parse(readFileSync(reportFile ?? "reports/mutation/mutation.json", "utf8")) as {
  files: Record<string, { source: string; mutants: (Mutant & { status: string })[] }>;
};
const tsconfigFile = resolve("tsconfig.mutation.json");
const silent = { info() {}, debug() {}, warn() {}, error() {}, trace() {}, fatal() {} };
const checker = new AffectedFilesChecker(silent as unknown as Logger, { tsconfigFile } as never);
await checker.init();

const overrides = new Map<string, string>();
const whole = new API({ cwd: process.cwd(), fs: { readFile: (file: string) => overrides.get(file) } });
const wholeProgramCompiles = (changed: string[]): boolean => {
  const snapshot = whole.updateSnapshot({ openProject: tsconfigFile, fileChanges: { changed } });
  try {
    return snapshot
      .getProjects()
      .every((project) =>
        [...project.program.getSyntacticDiagnostics(), ...project.program.getSemanticDiagnostics()].every(
          (diagnostic) => diagnostic.category !== DiagnosticCategory.Error,
        ),
      );
  } finally {
    snapshot.dispose();
  }
};
whole.updateSnapshot({ openProject: tsconfigFile }).dispose();

const mutants = Object.entries(report.files).flatMap(([fileName, file]) =>
  file.mutants.map((mutant) => ({ ...mutant, fileName: resolve(fileName), source: file.source })),
);
let compared = 0;
let disagreements = 0;
let affectedMs = 0;
let wholeMs = 0;
let last: string | undefined;
for (const [index, mutant] of mutants.entries()) {
  if (index % every !== 0) continue;
  // Stryker's positions count lines and columns from 0; the report's from 1.
  const location = {
    start: { line: mutant.location.start.line - 1, column: mutant.location.start.column - 1 },
    end: { line: mutant.location.end.line - 1, column: mutant.location.end.column - 1 },
  };
  let started = performance.now();
  const verdict = (await checker.check([{ ...mutant, location }]))[mutant.id];
  affectedMs += performance.now() - started;
  if (!mutant.fileName.endsWith(".ts")) continue;
  overrides.set(mutant.fileName, applyMutant(mutant.source, { ...mutant, location }));
  started = performance.now();
  const compiles = wholeProgramCompiles([...new Set([mutant.fileName, ...(last ? [last] : [])])]);
  wholeMs += performance.now() - started;
  overrides.delete(mutant.fileName);
  last = mutant.fileName;
  compared += 1;
  if (compiles !== (verdict?.status === CheckStatus.Passed)) {
    disagreements += 1;
    console.log(
      `disagree: ${mutant.id} ${mutant.fileName}:${mutant.location.start.line} ${mutant.mutatorName}`,
    );
    console.log(
      `  whole program ${compiles ? "compiles" : "does not compile"}; affected files: ${verdict?.status}`,
    );
  }
}
await checker.dispose();
whole.close();
console.log(
  `${compared} mutants of TypeScript files compared, ${disagreements} disagreements; ` +
    `affected files ${Math.round(affectedMs / Math.max(compared, 1))} ms a mutant, ` +
    `whole program ${Math.round(wholeMs / Math.max(compared, 1))} ms`,
);
process.exitCode = disagreements === 0 ? 0 : 1;
