/**
 * Issue 5's targets, judged against one bench run. A missed target carries the measured figure and,
 * where the cause is known, why and the follow-up.
 */
import { maxClients, maxClientsCharacters } from "../shared/nps/index.js";
import { configuredVariant } from "./functions.js";
import type { BenchResults } from "./report.js";
import type { ScenarioFigures, ScenarioName } from "./scenarios.js";

/** One target with its verdict. */
export interface TargetResult {
  target: string;
  measured: string;
  met: boolean;
  note: string;
}

/** Why an operation grows with D × M, and the follow-up (shown only while it does). */
const productCauses: Record<string, string> = {
  AuthorizeSecurityGroupIngress:
    "one call per (directory security group, NPS IP) rule (shared/steps/apply-security-group-rules.ts); " +
    "follow-up: one call per group carrying every missing IpRange, one call per rule only after " +
    "InvalidPermission.Duplicate",
  RevokeSecurityGroupIngress: "one call per rule; follow-up: one call per group with every stale IpRange",
};

const measuredOnly = (results: BenchResults) =>
  results.scenarios.filter((result): result is ScenarioFigures => "apiCalls" in result);

const succeeded = (results: BenchResults) =>
  measuredOnly(results).filter((result) => result.status === "SUCCEEDED");

/**
 * Operations whose counts have a D·M term: for every two D values and two M values measured, the
 * interaction `c(D2,M2) − c(D2,M1) − c(D1,M2) + c(D1,M1)` of a + b·D + c·M is 0.
 *
 * @example
 * ```ts
 * productTerms(results, "first-time set-up"); // ["AuthorizeSecurityGroupIngress"]
 * ```
 */
export function productTerms(results: BenchResults, scenario: ScenarioName): string[] {
  const cells = succeeded(results).filter((result) => result.scenario === scenario);
  const count = (d: number, m: number, operation: string) => {
    const cell = cells.find((result) => result.directories === d && result.npsServers === m);
    if (!cell) return undefined;
    return cell.apiCalls.byOperation.find((entry) => entry.operation === operation)?.count ?? 0;
  };
  const ds = [...new Set(cells.map((cell) => cell.directories))];
  const ms = [...new Set(cells.map((cell) => cell.npsServers))];
  const operations = new Set(
    cells.flatMap((cell) => cell.apiCalls.byOperation.map((entry) => entry.operation)),
  );
  const growing = new Set<string>();
  for (const operation of operations) {
    for (const [i, d1] of ds.entries())
      for (const d2 of ds.slice(i + 1))
        for (const [j, m1] of ms.entries())
          for (const m2 of ms.slice(j + 1)) {
            const corners = [
              count(d2, m2, operation),
              count(d2, m1, operation),
              count(d1, m2, operation),
              count(d1, m1, operation),
            ];
            if (corners.some((value) => value === undefined)) continue;
            const [a = 0, b = 0, c = 0, e = 0] = corners as number[];
            if (a - b - c + e !== 0) growing.add(operation);
          }
  }
  return [...growing].sort();
}

function payloadByDirectories(all: ScenarioFigures[]): string {
  const largestBy = new Map<number, ScenarioFigures>();
  for (const result of all) {
    const current = largestBy.get(result.directories);
    if (!current || result.largestPayload.bytes > current.largestPayload.bytes)
      largestBy.set(result.directories, result);
  }
  return [...largestBy.entries()]
    .sort(([left], [right]) => left - right)
    .map(
      ([directories, result]) =>
        `D=${directories}: ${(result.largestPayload.bytes / 1024).toFixed(1)} KB (${result.scenario}, ` +
        `M=${result.npsServers}, ${result.largestPayload.state} ${result.largestPayload.direction})`,
    )
    .join("; ");
}

function slowFunctions(results: BenchResults): string {
  const slow = results.functions.filter(
    (figures) => (figures.variants[configuredVariant]?.initMs.median ?? 0) > 100,
  );
  return (
    slow
      .map((figures) => `${figures.folder} ${figures.variants[configuredVariant]?.initMs.median} ms`)
      .join(", ") || "none"
  );
}

/**
 * Judges every target of issue 5.
 *
 * @example
 * ```ts
 * evaluateTargets(results).filter((target) => !target.met);
 * ```
 */
/**
 * Why the no-op reconcile's targets of issues 5 and 10 are missed since issue 19: a run that may
 * change something checks every NPS server, which costs a command, a lock and its records.
 */
export const noOpCheckNote =
  "missed by design since issue 19: every run that may change something sends one command to every NPS " +
  "server (one at a time, under the lock), which checks the MFA prerequisites and what IAS runs and closes " +
  "the door when they fail; that is 1 SendCommand, the lock's and each server's state-table writes and one " +
  "Wait/Check loop, and no change to the estate (see the mutating calls outside SendCommand and the state table). " +
  "Follow-up: issue 20's health check could take over the check on a schedule of its own";

/** Mutating calls of a run that change the estate: every one but SendCommand and the state table's writes. */
export const estateChanges = (result: ScenarioFigures) =>
  result.apiCalls.byOperation
    .filter((entry) => entry.mutating && !["SendCommand", "PutItem", "DeleteItem"].includes(entry.operation))
    .reduce((sum, entry) => sum + entry.count, 0);

export function evaluateTargets(results: BenchResults): TargetResult[] {
  const all = measuredOnly(results);
  const noOps = all.filter((result) => result.scenario === "no-op reconcile");
  const maxNoOpTransitions = Math.max(0, ...noOps.map((result) => result.stateTransitions));
  const noOpMutating = noOps.reduce((sum, result) => sum + result.apiCalls.mutating, 0);
  const scenarios = [...new Set(all.map((result) => result.scenario))];
  const products = scenarios.flatMap((scenario) =>
    productTerms(results, scenario).map((operation) => ({ scenario, operation })),
  );
  const largest = results.scenarios.find(
    (result) =>
      result.scenario === "first-time set-up" && result.directories === 100 && result.npsServers === 4,
  );
  const largestOk = largest !== undefined && "apiCalls" in largest && largest.status === "SUCCEEDED";
  const maxPayload = Math.max(0, ...all.map((result) => result.largestPayload.bytes));
  const bundles = results.functions.flatMap((figures) => figures.variants[configuredVariant] ?? []);
  const biggest = bundles.reduce((max, figures) => Math.max(max, figures.bundleBytes), 0);
  const slowest = bundles.reduce((max, figures) => Math.max(max, figures.initMs.median), 0);
  const blueGreen = all.filter(
    (result) => result.scenario === "rotation blue/green" && result.mismatchWindow,
  );
  const blueGreenWorst = blueGreen.reduce(
    (max, result) =>
      Math.max(
        max,
        result.mismatchWindow?.reported.phases ?? 0,
        result.mismatchWindow?.replayed.mismatchedSteps ?? 0,
      ),
    0,
  );
  const largestText = !largest
    ? "not measured (use the default --sizes)"
    : "apiCalls" in largest
      ? `${largest.status}${largest.error ? ` — ${largest.error}` : ""}, largest payload ${largest.largestPayload.bytes} B`
      : `${largest.status}: ${largest.reason}`;
  return [
    {
      target: "no-op reconcile ≤ 10 state transitions and zero mutating calls",
      measured:
        `${maxNoOpTransitions} transitions at most, ${noOpMutating} mutating calls (${noOps.length} sizes), ` +
        `${noOps.reduce((sum, result) => sum + estateChanges(result), 0)} of them changing the estate`,
      met: noOps.length > 0 && maxNoOpTransitions <= 10 && noOpMutating === 0,
      note: noOps.length > 0 && (maxNoOpTransitions > 10 || noOpMutating > 0) ? noOpCheckNote : "",
    },
    {
      target: "API calls grow with D + M, never D × M",
      measured:
        products.length === 0
          ? "no D·M term in any operation of any scenario"
          : products.map((term) => `${term.operation} in ${term.scenario}`).join("; "),
      met: products.length === 0,
      note: [...new Set(products.map((term) => productCauses[term.operation] ?? "cause not yet known"))].join(
        "; ",
      ),
    },
    {
      target: "100 directories × 4 servers in one execution",
      measured: largestText,
      met: largestOk,
      note: largestOk
        ? ""
        : "the 100×4 cell did not run to success (or was not in --sizes): one SSM command carries every " +
          "NPS client and SSM counts the document (~20 KB) and its parameters against 64 KB, so radius-sync " +
          `caps a command at ${maxClients} clients (and ${maxClientsCharacters} characters of them) and PlanChanges refuses` +
          " a larger estate before any change; " +
          "follow-up for larger estates: the command carries a reference to the list and its hash, and " +
          "the NPS host reads the list itself, as it already reads the secret",
    },
    {
      target: "largest state payload < 64 KB (Step Functions rejects > 256 KB)",
      measured: payloadByDirectories(all),
      met: all.length > 0 && maxPayload < 64 * 1024,
      note:
        maxPayload < 64 * 1024
          ? ""
          : "the peak is DiscoverDirectories' output (the first pass's plan is no longer carried and " +
            "summaries are capped at 100 lines): ~850 B per directory (its ingress rules with their " +
            "descriptions, settings and record) plus, per NPS server, its state-table record with the " +
            "full client list (~28 KB per server at 100 directories), so it grows with D·M and stays " +
            "well under the 256 KB hard limit at 100×4 but above the 64 KB target; follow-up: discovery " +
            "keeps one copy of the client list that identical server records share (or only its hash), " +
            "and keeps only the UDP rules on the RADIUS port with an owned flag instead of descriptions",
    },
    {
      target: "each bundle ≤ 300 KB",
      measured: bundles.length ? `largest ${(biggest / 1024).toFixed(1)} KB` : "not measured",
      met: bundles.length > 0 && biggest <= 300 * 1024,
      note: "",
    },
    {
      target: "module init ≤ 100 ms median",
      measured: bundles.length
        ? `slowest median ${slowest} ms; over 100 ms: ${slowFunctions(results)}`
        : "not measured",
      met: bundles.length > 0 && slowest <= 100,
      note:
        slowest <= 100
          ? ""
          : "loading the AWS SDK clients dominates: functions without one (validate-input) " +
            "load in ~25-30 ms, and requiring @aws-sdk/client-ec2 alone takes ~180 ms on this machine, so " +
            "discover and apply-security-group-rules cannot meet 100 ms with SDK v3's EC2 client however " +
            "they are packaged (the Functions table compares three packagings); follow-up: measure the " +
            "INIT duration on Lambda itself (arm64, 256 MB) and, if those cold starts matter to users, " +
            "give the two EC2 functions provisioned concurrency",
    },
    {
      target: "mismatch window 0 with blue/green",
      measured: `${blueGreenWorst} (worst of reported phases and replayed steps, ${blueGreen.length} sizes)`,
      met: blueGreen.length > 0 && blueGreenWorst === 0,
      note: "",
    },
  ];
}
