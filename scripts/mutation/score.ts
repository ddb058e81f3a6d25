import * as z from "zod";

/** The part of Stryker's JSON report (mutation-testing-report-schema) the summary reads. */
const Position = z.object({ line: z.number(), column: z.number() });
export const MutationReport = z.object({
  files: z.record(
    z.string(),
    z.object({
      source: z.string(),
      mutants: z.array(
        z.object({
          id: z.string(),
          mutatorName: z.string(),
          replacement: z.string().optional(),
          location: z.object({ start: Position, end: Position }),
          status: z.enum([
            "Killed",
            "Survived",
            "NoCoverage",
            "CompileError",
            "RuntimeError",
            "Timeout",
            "Ignored",
            "Pending",
          ]),
          statusReason: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type MutationReport = z.infer<typeof MutationReport>;

/** How one `npm run mutation` went (scripts/mutation/run.ts writes it next to Stryker's report). */
export const MutationRun = z.object({
  startedAt: z.iso.datetime(),
  seconds: z.number().int().min(0),
  /** Every mutant tested: no incremental results reused, no --mutate subset. */
  full: z.boolean(),
  cpus: z.number().int().min(1),
  node: z.string(),
});
export type MutationRun = z.infer<typeof MutationRun>;
type Mutant = MutationReport["files"][string]["mutants"][number];

/** A survivor we keep, and why: matched by file, mutator, the code it replaces and the replacement. */
export interface AcceptedSurvivor {
  file: string;
  mutator: string;
  /** The mutated code, whitespace collapsed; a trailing "…" matches any code that starts so. */
  original: string;
  replacement: string;
  reason: string;
}

/** The counts behind one score. Compile and runtime errors are not mutants a test could catch. */
export interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  invalid: number;
  ignored: number;
}

/** A mutant that no test caught (survived or not covered at all), with what it did. */
export interface Survivor {
  file: string;
  line: number;
  mutator: string;
  original: string;
  replacement: string;
  status: "Survived" | "NoCoverage";
  reason: string | undefined;
}

export function emptyTally(): Tally {
  return { killed: 0, timeout: 0, survived: 0, noCoverage: 0, invalid: 0, ignored: 0 };
}

/** Stryker's mutation score over valid mutants: detected / (detected + undetected), in percent. */
export function scoreOf(tally: Tally): number | undefined {
  const detected = tally.killed + tally.timeout;
  const valid = detected + tally.survived + tally.noCoverage;
  return valid === 0 ? undefined : (100 * detected) / valid;
}

export function addMutant(tally: Tally, status: Mutant["status"]): void {
  if (status === "Killed") tally.killed += 1;
  else if (status === "Timeout") tally.timeout += 1;
  else if (status === "Survived") tally.survived += 1;
  else if (status === "NoCoverage") tally.noCoverage += 1;
  else if (status === "CompileError" || status === "RuntimeError") tally.invalid += 1;
  else tally.ignored += 1;
}

function squeeze(code: string): string {
  return code.replace(/\s+/g, " ").trim();
}

/** The source text a mutant replaced (lines and columns in the report are 1-based). */
export function originalCode(source: string, mutant: Mutant): string {
  const lines = source.split("\n");
  const { start, end } = mutant.location;
  if (start.line === end.line)
    return squeeze((lines[start.line - 1] ?? "").slice(start.column - 1, end.column - 1));
  const first = (lines[start.line - 1] ?? "").slice(start.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  const last = (lines[end.line - 1] ?? "").slice(0, end.column - 1);
  return squeeze([first, ...middle, last].join("\n"));
}

export function matches(accepted: AcceptedSurvivor, survivor: Omit<Survivor, "reason">): boolean {
  if (accepted.file !== survivor.file || accepted.mutator !== survivor.mutator) return false;
  if (squeeze(accepted.replacement) !== squeeze(survivor.replacement)) return false;
  const wanted = squeeze(accepted.original);
  return wanted.endsWith("…")
    ? survivor.original.startsWith(wanted.slice(0, -1))
    : survivor.original === wanted;
}

/** Tallies per file and lists every undetected mutant with its accepted reason, if it has one. */
export function summarize(
  report: MutationReport,
  accepted: readonly AcceptedSurvivor[],
): { files: Map<string, Tally>; survivors: Survivor[]; unusedReasons: AcceptedSurvivor[] } {
  const files = new Map<string, Tally>();
  const survivors: Survivor[] = [];
  const used = new Set<AcceptedSurvivor>();
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const tally = emptyTally();
    files.set(file, tally);
    for (const mutant of mutants) {
      addMutant(tally, mutant.status);
      if (mutant.status !== "Survived" && mutant.status !== "NoCoverage") continue;
      const found = {
        file,
        line: mutant.location.start.line,
        mutator: mutant.mutatorName,
        original: originalCode(source, mutant),
        replacement: squeeze(mutant.replacement ?? ""),
        status: mutant.status,
      };
      const reason = accepted.find((entry) => matches(entry, found));
      if (reason) used.add(reason);
      survivors.push({ ...found, reason: reason?.reason });
    }
  }
  survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { files, survivors, unusedReasons: accepted.filter((entry) => !used.has(entry)) };
}
