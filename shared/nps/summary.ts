import * as z from "zod";
import { NpsCommandFailed } from "../errors.js";
import { patterns } from "./document-parameters.cjs";

/**
 * SSM's `GetCommandInvocation` returns "the first 24,000 characters written by the plugin to
 * stdout" (botocore ssm/2014-11-06 service-2.json, `StandardOutputContent`): anything after that is
 * lost, so the summary line must stay far below it for any estate.
 */
export const ssmStandardOutputLimit = 24_000;

/**
 * Most client names the summary lists among those that disagree (sync-nps.ps1 `Select-Object
 * -First 20`); `disagreeingCount` always says how many there are in all.
 */
export const maxReportedNames = 20;

/** The summary format this code reads; sync-nps.ps1 prints it as `radiusSyncSummary`. */
export const summaryFormat = 3;

const clientName = z.string().regex(new RegExp(patterns.clientName));

/** Windows PowerShell 5.1 sometimes serialises an array as { value: [...], Count: n }; accept both. */
function listOf<Item extends z.ZodType>(item: Item, max: number) {
  return z.preprocess(
    // An array has no "value" key, so only the wrapped shape is unwrapped.
    (value) => (value !== null && typeof value === "object" && "value" in value ? value.value : value),
    z.array(item).max(max),
  );
}
const nameList = (max: number) => listOf(clientName, max);

const count = z.number().int().nonnegative();

/**
 * The JSON summary line sync-nps.ps1 prints on success. Its size is bounded whatever the estate:
 * counts instead of name lists, one 64-hex proof, at most {@link maxReportedNames} names.
 */
export const NpsSummary = z
  .strictObject({
    radiusSyncSummary: z.literal(summaryFormat),
    created: count,
    updated: count,
    removed: count,
    kept: count,
    /** Our policies that were added again or removed (`<prefix>-crp`, `-np`, `-np-deny`). */
    policiesChanged: nameList(3),
    /** Whether IAS was restarted: when a client or policy changed, or an earlier command owed a restart. */
    restarted: z.boolean(),
    /** Whether an earlier command had changed something and was killed before its restart (done now). */
    owedRestart: z.boolean(),
    /** Whether radius-sync's clients had been disabled because MFA could not be enforced (enabled again now). */
    doorReopened: z.boolean(),
    /** Whether IAS still has not loaded what is configured (a restart owed, or the service stopped). */
    restartPending: z.boolean(),
    /** The UDP ports the process running IAS listens on (empty when they could not be read). */
    ports: listOf(z.number().int().min(1).max(65535), 20),
    /** Group Policy settings that record PowerShell activity but never the secret (reported, not refused). */
    recorders: listOf(z.enum(["scriptBlockLogging", "transcription"]), 2),
    /** Group mode with DOMAIN\Name: the SID the host resolved. A Windows SID: S-1-authority, then up to 15 sub-authorities. */
    groupSid: z
      .string()
      .regex(/^S-1-[0-9]{1,15}(-[0-9]{1,10}){1,15}$/)
      .optional(),
    /** How many of our clients NPS holds after the run. */
    held: count,
    /** How many of our clients are missing, extra, or hold another address or secret than applied. */
    disagreeingCount: count,
    /** The first of those clients by name (ordinal), at most {@link maxReportedNames}. */
    disagreeing: nameList(maxReportedNames),
    /** Present when the command carried a Nonce: see `computeClientSetProof`. */
    proof: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  // A count below the names listed (the error names the field; zod's messages are not shown).
  .refine((summary) => summary.disagreeingCount >= summary.disagreeing.length, {
    path: ["disagreeingCount"],
  });
export type NpsSummary = z.infer<typeof NpsSummary>;

const summaryStart = '{"radiusSyncSummary":';

function noSummary(lines: number, characters: number): NpsCommandFailed {
  const cut =
    characters >= ssmStandardOutputLimit
      ? `; SSM returns only the first ${ssmStandardOutputLimit} characters of output, so the line may have been cut off`
      : "";
  return new NpsCommandFailed(
    `the NPS command printed no summary line (${lines} lines, ${characters} characters of output${cut})`,
  );
}

/**
 * Reads THE summary line from an invocation's StandardOutputContent: exactly one line must start
 * with `{"radiusSyncSummary":`, parse as JSON and match {@link NpsSummary} (format 2, no unknown
 * fields). Other output (module warnings) is ignored; two summary lines, a cut or malformed one, or
 * an older format are refused.
 *
 * @throws NpsCommandFailed naming what is wrong.
 * @example
 * ```ts
 * const summary = parseNpsSummary(invocation.standardOutput);
 * summary.restarted; // true when clients or policies changed
 * ```
 */
export function parseNpsSummary(stdout: string): NpsSummary {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim());
  const candidates = lines.filter((line) => line.startsWith(summaryStart));
  const [line] = candidates;
  if (line === undefined) throw noSummary(lines.length, stdout.length);
  if (candidates.length > 1) {
    throw new NpsCommandFailed(
      `the NPS command printed ${candidates.length} summary lines; exactly one is expected`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new NpsCommandFailed(
      `the NPS summary line is not valid JSON (${line.length} characters; cut off at SSM's ` +
        `${ssmStandardOutputLimit}-character output limit?)`,
    );
  }
  const format = (json as { radiusSyncSummary?: unknown }).radiusSyncSummary;
  if (format !== summaryFormat) {
    throw new NpsCommandFailed(
      `the NPS summary has format ${JSON.stringify(format)}, not ${summaryFormat}: the SSM document runs ` +
        "another version of sync-nps.ps1",
    );
  }
  const parsed = NpsSummary.safeParse(json);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "summary");
  throw new NpsCommandFailed(`the NPS summary line is malformed at ${[...new Set(fields)].join(", ")}`);
}
