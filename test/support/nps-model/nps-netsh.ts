import type { ModelPolicy, NpsModel } from "./nps-model.js";
import { renderedPreamble } from "./nps-model.js";

/**
 * `netsh nps show crp|np name=<name>` on the modelled server, in its language, and the script's way
 * of reading it back. The layout is the one the "Connection Request Policy Commands" (cc732464) and
 * "Network Policy Commands" (cc755242) `show` commands print: a title, a line of dashes, the policy's
 * `label = value` lines (name, state, processing order, policy source), then a table of condition
 * attributes and one of profile attributes, each under its own line of dashes, each row
 * `<attribute name> <0x id> <value(s)>`. The labels and the state's words are in the system's
 * language; test/fixtures/nps/netsh/ holds the output for one policy in English and in German, and
 * a test holds this renderer to them. sync-nps.ps1 reads the output with the patterns of
 * shared/nps/netsh-layout.cjs, which {@link readNetshPolicy} takes from the rendered document too.
 */

/** The words netsh prints, per language (the German ones as a German Windows shows the same layout). */
const labels = {
  en: {
    crpTitle: "Connection request policy configuration:",
    npTitle: "Network policy configuration:",
    header: ["Name", "State", "Processing order", "Policy source"],
    enabled: "Enabled",
    disabled: "Disabled",
    conditions: "Condition attributes:",
    profile: "Profile attributes:",
    columns: ["Name", "Id", "Value"],
    ok: "Ok.",
    notFound: (name: string) => `No policy named "${name}" was found.`,
  },
  de: {
    crpTitle: "Konfiguration der Verbindungsanforderungsrichtlinie:",
    npTitle: "Konfiguration der Netzwerkrichtlinie:",
    header: ["Name", "Status", "Verarbeitungsreihenfolge", "Richtlinienquelle"],
    enabled: "Aktiviert",
    disabled: "Deaktiviert",
    conditions: "Bedingungsattribute:",
    profile: "Profilattribute:",
    columns: ["Name", "ID", "Wert"],
    ok: "OK.",
    notFound: (name: string) => `Es wurde keine Richtlinie mit dem Namen "${name}" gefunden.`,
  },
} as const;

/** Display names of the attribute ids the model knows (netsh prints them in every language as they are). */
const attributeNames: Record<string, string> = {
  "0x1006": "Day-And-Time-Restrictions",
  "0x100c": "Client-IP-Address",
  "0x1020": "Client-Friendly-Name",
  "0x1023": "Windows-Groups",
  "0x1fb5": "Windows-User-Groups",
  "0x1025": "Auth-Provider-Type",
  "0x1005": "Ignore-User-Dialin-Properties",
  "0x1009": "NP-Authentication-Type",
  "0x100f": "NP-Allow-Dial-in",
};

const rule = "-".repeat(58);
const column = (text: string, width: number) => text.padEnd(width, " ");

/** One attribute table: multi-valued attributes on one row, strings in double quotes as netsh prints them. */
function attributeRows(pairs: Array<[string, string]>): string[] {
  const ids = [...new Set(pairs.map(([id]) => id))];
  return ids.map((id) => {
    const values = pairs
      .filter(([held]) => held === id)
      .map(([, value]) => (/^0x[0-9a-f]+$|^(TRUE|FALSE)$/i.test(value) ? value : `"${value}"`));
    return `${column(attributeNames[id] ?? "Unknown", 35)}${column(id, 9)}${values.join(" ")}`;
  });
}

/** What `netsh nps show <kind> name=<name>` prints, and its exit code. */
export interface NetshOutput {
  exitCode: number;
  output: string;
}

/**
 * Renders `netsh nps show crp|np name=<name>` for the model's configured policies, in its language.
 *
 * @example
 * ```ts
 * renderNetshShow(nps, "crp", "radius-sync-crp").output; // "Connection request policy configuration:\n---…"
 * ```
 */
export function renderNetshShow(model: NpsModel, kind: "crp" | "np", name: string): NetshOutput {
  const words = labels[model.locale];
  const list = kind === "crp" ? model.connectionRequestPolicies : model.networkPolicies;
  const index = list.findIndex((policy) => policy.name === name);
  const policy: ModelPolicy | undefined = list[index];
  if (policy === undefined) return { exitCode: 1, output: words.notFound(name) };
  const header = [policy.name, policy.enabled ? words.enabled : words.disabled, String(index + 1), "0"];
  const table = (title: string, pairs: Array<[string, string]>) => [
    "",
    title,
    "",
    `${column(words.columns[0], 35)}${column(words.columns[1], 9)}${words.columns[2]}`,
    rule,
    ...attributeRows(pairs),
  ];
  const lines = [
    kind === "crp" ? words.crpTitle : words.npTitle,
    rule,
    ...words.header.map((label, position) => `${column(label, 35)}= ${header[position]}`),
    ...table(words.conditions, policy.conditions),
    ...table(words.profile, policy.profile),
    "",
    words.ok,
  ];
  return { exitCode: 0, output: lines.join("\r\n") };
}

/** A policy as sync-nps.ps1's Read-NpsPolicy reads it. */
export interface ReadPolicy {
  state: string;
  order: string;
  conditions: string[];
  profile: string[];
}

/** ConvertTo-ComparableValue: one spelling per value (0x1 → "1", True → "TRUE"). */
export function comparableValue(value: string): string {
  const text = value.trim().replace(/^"+|"+$/g, "");
  if (/^0x[0-9A-Fa-f]+$/.test(text)) return String(Number.parseInt(text.slice(2), 16));
  if (/^(true|false)$/i.test(text)) return text.toUpperCase();
  return text;
}

/**
 * Reads netsh's output as Read-NpsPolicy does, with the layout patterns rendered into the SSM
 * document (so the same text the script compiles): `undefined` when netsh found no such policy, a
 * policy with an empty state when the output cannot be read.
 *
 * @example
 * ```ts
 * readNetshPolicy(renderNetshShow(nps, "crp", "radius-sync-crp"), "radius-sync-crp")?.state; // "Enabled"
 * ```
 */
export function readNetshPolicy(shown: NetshOutput, name: string): ReadPolicy | undefined {
  if (shown.exitCode !== 0) return undefined;
  const layout = renderedPreamble().netsh;
  const sectionRule = new RegExp(layout.sectionRule);
  const headerLine = new RegExp(layout.headerLine);
  const attributeLine = new RegExp(layout.attributeLine);
  const header: string[] = [];
  const attributes: Record<number, string[]> = { 2: [], 3: [] };
  let section = 0;
  for (const line of shown.output.split(/\r?\n/)) {
    const headerMatch = headerLine.exec(line);
    const attributeMatch = attributeLine.exec(line);
    if (sectionRule.test(line)) section += 1;
    else if (section === 1 && headerMatch) header.push(headerMatch[1] ?? "");
    else if (section >= 2 && section <= 3 && attributeMatch) {
      const id = (attributeMatch[1] ?? "").toLowerCase();
      for (const token of (attributeMatch[2] ?? "").matchAll(new RegExp(layout.valueToken, "g")))
        attributes[section]?.push(`${id}=${comparableValue(token[0])}`);
    }
  }
  if (header.length < 3 || header[0] !== name) {
    if (!shown.output.includes(name)) return undefined;
    return { state: "", order: "", conditions: [], profile: [] };
  }
  const sorted = (values: string[] = []) => [...values].sort();
  return {
    state: header[1] ?? "",
    order: header[2] ?? "",
    conditions: sorted(attributes[2]),
    profile: sorted(attributes[3]),
  };
}
